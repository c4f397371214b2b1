package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"pidone.dev/host/disk"
	"pidone.dev/host/rootfs"
)

// cmdRootfs is "pidone rootfs": a root disk for --root, made from a
// container image or a host directory.
func cmdRootfs(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone rootfs", flag.ContinueOnError)
	from := fs.String("from", "", "the `image` or directory: an OCI layout directory, a docker save or OCI archive tarball, or a directory of files")
	out := fs.String("o", "", "the disk `file` to write (required)")
	size := fs.String("size", "", "disk size, with K, M or G (default: the content and room to write)")
	label := fs.String("label", "", "filesystem label (at most 16 bytes)")
	arch := fs.String("arch", "", "the guest's architecture, for a multi-platform image (default: the host's)")
	force := fs.Bool("force", false, "replace the file if it exists")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("pidone rootfs takes flags only, not %q: pidone rootfs --from IMAGE -o root.img", fs.Arg(0))}
	case *from == "":
		return usageError{"pidone rootfs needs --from IMAGE (docker save app > app.tar; pidone rootfs --from app.tar -o root.img)"}
	case *out == "":
		return usageError{"pidone rootfs needs -o FILE, the disk to write"}
	}
	o := rootfs.Options{From: *from, Label: *label, Arch: *arch, Force: *force}
	if *size != "" {
		n, err := disk.ParseSize(*size)
		if err != nil {
			return usageError{"--" + err.Error()}
		}
		o.Size = n
	}
	o.Note = func(msg string) { fmt.Fprintf(os.Stderr, "pidone rootfs: %s\n", msg) }
	res, err := rootfs.Create(ctx, *out, o)
	if err != nil {
		return err
	}
	what := "the directory's own init (/sbin/init, then /bin/sh)"
	if res.Image {
		what = "no entrypoint: the disk's own init"
	}
	if e := res.Entrypoint; e != nil {
		what = fmt.Sprintf("entrypoint %q", e.Argv)
	}
	fmt.Printf("%s: %s ext4 root; runs %s\nboot it with: pidone run --root %s\n", *out, disk.FormatSize(res.Size&^1023), what, *out)
	return nil
}
