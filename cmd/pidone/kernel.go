package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/kernel"
	"pidone.dev/pkg/kmod"
)

func cmdKernel(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"pidone kernel needs a subcommand: fetch, list or path"}
	}
	switch args[0] {
	case "fetch":
		fs := flag.NewFlagSet("pidone kernel fetch", flag.ContinueOnError)
		flavour := fs.String("flavour", "cloud", "Debian kernel flavour: cloud (small, virtio) or generic")
		arch := new(string)
		*arch = "amd64"
		fs.Var(archFlag{arch}, "arch", "architecture: "+strings.Join(gobuild.Arches, ", "))
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		k, err := kernel.Fetch(ctx, kernel.FetchOptions{Flavour: *flavour, Arch: *arch, Progress: os.Stderr})
		if err != nil {
			return err
		}
		fmt.Println(k.Path)
		return nil
	case "list":
		ks, err := kernel.List()
		if err != nil {
			return err
		}
		if len(ks) == 0 {
			fmt.Fprintln(os.Stderr, `no cached kernels; run "pidone kernel fetch"`)
		}
		for _, k := range ks {
			fmt.Printf("%-28s %-8s %-6s %s\n", k.Version, k.Flavour, k.Arch, k.Path)
		}
		return nil
	case "path":
		k, err := kernel.Find("")
		if err != nil {
			return err
		}
		fmt.Println(k.Path)
		return nil
	case "modules":
		return cmdKernelModules(args[1:])
	}
	return usageError{fmt.Sprintf("unknown kernel subcommand %q (want fetch, list, path or modules)", args[0])}
}

// cmdKernelModules lists the modules of the kernel pidone would boot, the
// names --modules takes.
func cmdKernelModules(args []string) error {
	fs := flag.NewFlagSet("pidone kernel modules", flag.ContinueOnError)
	kflag := fs.String("kernel", "", "kernel `image` (default: the one pidone run boots)")
	paths := fs.Bool("l", false, "show each module's file too")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError{"pidone kernel modules takes one PATTERN at most, such as 'virtio*'"}
	}
	k, err := kernel.Find(*kflag)
	if err != nil {
		return err
	}
	ix, err := k.ModuleIndex()
	if err != nil {
		return err
	}
	for _, n := range ix.Names() {
		if fs.NArg() == 1 && !kmod.Match(fs.Arg(0), n) {
			continue
		}
		if *paths {
			fmt.Printf("%-32s %s\n", n, ix.Modules[n].Path)
		} else {
			fmt.Println(n)
		}
	}
	return nil
}
