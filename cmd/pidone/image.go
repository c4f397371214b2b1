package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
)

func defaultImageName(compress string) string {
	switch compress {
	case "zstd":
		return "initramfs.cpio.zst"
	case "none":
		return "initramfs.cpio"
	}
	return "initramfs.cpio.gz"
}

func cmdBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone build", flag.ContinueOnError)
	var s system.System
	imageFlags(fs, &s, "gzip")
	fs.BoolVar(&s.Net, "net", false, "include networking (ip, dhcp, wget, ping)")
	out := fs.String("o", "", "output `file` (default initramfs.cpio.gz, .zst or .cpio by compression)")
	kflag := fs.String("kernel", "", "the kernel `image` the initramfs is for, whose modules go in (default: as pidone run)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("pidone build takes no arguments, got %q", strings.Join(fs.Args(), " "))}
	}
	if err := check(&s); err != nil {
		return err
	}
	// Without a kernel the image simply has no modules, unless the user
	// asked for some by name.
	explicit := s.Modules != "auto" && s.Modules != "none" && s.Modules != ""
	k, err := kernel.FindArch(*kflag, s.Arch)
	if err != nil && (*kflag != "" || explicit) {
		return err
	}
	if *out == "" {
		*out = defaultImageName(s.Compress)
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		return usageError{fmt.Sprintf("-o %s is a directory; -o names the image file: give a file, such as %s", *out, filepath.Join(*out, defaultImageName(s.Compress)))}
	}
	img, err := s.Build(ctx, k)
	if err != nil {
		return err
	}
	if err := image.CopyFile(ctx, *out, img); err != nil {
		return err
	}
	if st, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "pidone: wrote %s (%.1f MiB)\n", *out, float64(st.Size())/(1<<20))
	}
	return nil
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
