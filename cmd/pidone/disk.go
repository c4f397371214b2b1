package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"pidone.dev/host/disk"
	"pidone.dev/pkg/bootopts"
)

func cmdDisk(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"pidone disk needs a subcommand: create"}
	}
	if args[0] != "create" {
		return usageError{fmt.Sprintf("unknown disk subcommand %q (want create)", args[0])}
	}
	fs := flag.NewFlagSet("pidone disk create", flag.ContinueOnError)
	size := fs.String("size", "64M", "image size, with K, M or G (the file is sparse: it takes only what is used)")
	from := fs.String("from", "", "copy this host `directory` into the filesystem")
	label := fs.String("label", "", "filesystem label (at most 16 bytes)")
	uuid := fs.String("uuid", "", "filesystem UUID (default: derived from the image's path, the same each time)")
	force := fs.Bool("force", false, "replace FILE if it exists")
	ordered, err := interleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if err := parse(fs, ordered); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"pidone disk create needs one FILE, e.g. pidone disk create --size 64M data.img"}
	}
	n, err := disk.ParseSize(*size)
	if err != nil {
		return usageError{"--" + err.Error()}
	}
	if *uuid != "" {
		if err := disk.CheckUUID(*uuid); err != nil {
			return usageError{"--uuid: " + err.Error()}
		}
	}
	file := fs.Arg(0)
	o := disk.Options{Size: n, From: *from, Label: *label, UUID: *uuid, Force: *force}
	if err := disk.Create(ctx, file, o); err != nil {
		return err
	}
	if o.UUID == "" {
		abs, _ := filepath.Abs(file)
		o.UUID = disk.PathUUID(abs)
	}
	desc := []string{disk.FormatSize(n&^1023) + " ext4", "UUID " + o.UUID}
	if o.Label != "" {
		desc = append(desc, "label "+o.Label)
	}
	data, _ := bootopts.Options{Data: "/dev/vda"}.Encode()
	fmt.Printf("%s: %s; attach it with: pidone run --disk %s --append %s\n", file, strings.Join(desc, ", "), file, data)
	return nil
}

// interleaved moves FILE after the flags, so that "pidone disk create
// data.img --size 32M" works as people type it; the flag package stops
// at the first operand. A flag missing its value at the end is an error
// here: moved before FILE, it would take FILE as its value.
func interleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, ops []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			ops = append(ops, args[i+1:]...)
			return append(flags, append([]string{"--"}, ops...)...), nil
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if f := fs.Lookup(name); f != nil && !strings.Contains(name, "=") && !isBool(f) {
				if i+1 == len(args) {
					return nil, usageError{"flag needs an argument: -" + name}
				}
				i++
				flags = append(flags, args[i])
			}
		default:
			ops = append(ops, a)
		}
	}
	return append(flags, ops...), nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
