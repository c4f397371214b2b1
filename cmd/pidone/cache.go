package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"pidone.dev/host/disk"
	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
)

// What pidone's cache holds, by directory: what "pidone cache clean"
// removes (made again when needed), then what it keeps unless --all.
var (
	builtDirs = []string{"images", "snapshots", "tests", "guest", "programs"}
	keptDirs  = []string{"kernels", "modindex", "web"}
)

func cmdCache(args []string) error {
	if len(args) == 0 {
		return cacheShow()
	}
	if args[0] != "clean" {
		return usageError{fmt.Sprintf("unknown cache subcommand %q (want clean, or nothing to show the cache)", args[0])}
	}
	fs := flag.NewFlagSet("pidone cache clean", flag.ContinueOnError)
	all := fs.Bool("all", false, "remove the kernels, their module indexes and the web page's npm packages too")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("pidone cache clean takes no arguments, got %q", strings.Join(fs.Args(), " "))}
	}
	dir, err := kernel.CacheDir()
	if err != nil {
		return err
	}
	dirs := builtDirs
	if *all {
		dirs = append(append([]string{}, builtDirs...), keptDirs...)
	}
	var freed int64
	for _, d := range dirs {
		p := filepath.Join(dir, d)
		n, _ := treeSize(p)
		// A symbolic link (a kernels directory shared between caches) is
		// removed, not what it points to.
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("cache %s: %w", p, err)
		}
		freed += n
	}
	what := "images, guests and programs"
	if *all {
		what += ", kernels, module indexes and the web page's npm packages"
	}
	fmt.Printf("removed %s of %s from %s\n", disk.FormatSize(freed), what, dir)
	if !*all {
		fmt.Println(`kernels kept, and the web page's npm packages ("pidone cache clean --all" removes them too)`)
	}
	return nil
}

// cacheShow prints what each part of the cache takes.
func cacheShow() error {
	dir, err := kernel.CacheDir()
	if err != nil {
		return err
	}
	max, err := system.CacheMax()
	if err != nil {
		return err
	}
	fmt.Println(dir)
	var total int64
	known := map[string]bool{}
	for _, d := range append(append([]string{}, builtDirs...), keptDirs...) {
		known[d] = true
		n, err := treeSize(filepath.Join(dir, d))
		if err != nil {
			return err
		}
		total += n
		note := ""
		if d == "images" {
			note = "  (at most " + disk.FormatSize(max) + ": PIDONE_CACHE_MAX)"
		}
		fmt.Printf("  %-9s %7s%s\n", d, disk.FormatSize(n), note)
	}
	entries, _ := os.ReadDir(dir)
	var other int64
	for _, e := range entries {
		if !known[e.Name()] {
			n, _ := treeSize(filepath.Join(dir, e.Name()))
			other += n
		}
	}
	if other > 0 {
		fmt.Printf("  %-9s %7s\n", "other", disk.FormatSize(other))
	}
	fmt.Printf("  %-9s %7s\n", "total", disk.FormatSize(total+other))
	return nil
}

// treeSize adds up the sizes of the files under p, following p itself
// if it is a symbolic link; 0 if there is nothing.
func treeSize(p string) (int64, error) {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	var n int64
	err := filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n, err
}
