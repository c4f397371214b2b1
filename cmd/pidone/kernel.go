package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"pidone.dev/host/kernel"
)

func cmdKernel(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"pidone kernel needs a subcommand: fetch, list or path"}
	}
	switch args[0] {
	case "fetch":
		fs := flag.NewFlagSet("pidone kernel fetch", flag.ContinueOnError)
		flavour := fs.String("flavour", "cloud", "Debian kernel flavour: cloud (small, virtio) or generic")
		arch := fs.String("arch", "amd64", "architecture")
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
	}
	return usageError{fmt.Sprintf("unknown kernel subcommand %q (want fetch, list or path)", args[0])}
}
