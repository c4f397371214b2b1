package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/kernel"
	"pidone.dev/pkg/kmod"
)

const kernelUsage = `Usage:
  pidone kernel fetch [--arch A] [--flavour cloud|generic]
                       download a Debian kernel and its modules into the cache
  pidone kernel build [--arch A] [--source TARBALL|DIR] [--config FRAGMENT] [-j N] [-v]
                       build pidone's tiny kernel from source (boot it with --kernel tiny)
  pidone kernel list   the cached kernels: version, flavour, architecture, path
  pidone kernel path [--arch A]
                       the kernel pidone run would boot
  pidone kernel modules [-l] [PATTERN]
                       that kernel's modules, the names --modules takes
Architectures: 386, amd64, arm64, riscv64.
`

func cmdKernel(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"pidone kernel needs a subcommand: fetch, build, list, path or modules"}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Print(kernelUsage)
		return nil
	case "fetch":
		fs := flag.NewFlagSet("pidone kernel fetch", flag.ContinueOnError)
		flavour := fs.String("flavour", "", "Debian kernel `flavour`: cloud (small, virtio; amd64's default) or generic (arm64's and 386's)")
		arch := archFlag(fs)
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		k, err := kernel.Fetch(ctx, kernel.FetchOptions{Flavour: *flavour, Arch: *arch, Progress: os.Stderr})
		if err != nil {
			return err
		}
		fmt.Println(k.Path)
		return nil
	case "build":
		return cmdKernelBuild(ctx, args[1:])
	case "list":
		ks, err := kernel.List()
		if err != nil {
			return err
		}
		if len(ks) == 0 {
			fmt.Fprintln(os.Stderr, `no cached kernels; run "pidone kernel fetch" or "pidone kernel build"`)
		}
		for _, k := range ks {
			fmt.Printf("%-28s %-8s %-6s %s\n", k.Version, k.Flavour, k.Arch, k.Path)
		}
		return nil
	case "path":
		fs := flag.NewFlagSet("pidone kernel path", flag.ContinueOnError)
		arch := archFlag(fs)
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		k, err := kernel.FindArch("", *arch)
		if err != nil {
			return err
		}
		fmt.Println(k.Path)
		return nil
	case "modules":
		return cmdKernelModules(args[1:])
	}
	return usageError{fmt.Sprintf("unknown kernel subcommand %q (want fetch, build, list, path or modules)", args[0])}
}

// cmdKernelBuild builds a small kernel from source into the cache and
// prints its path.
func cmdKernelBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone kernel build", flag.ContinueOnError)
	var o kernel.BuildOptions
	fs.StringVar(&o.Arch, "arch", runtime.GOARCH, "`architecture` (GOARCH): "+strings.Join(kernel.BuildArches(), ", "))
	fs.StringVar(&o.Source, "source", "", "kernel source `tarball or tree` (default: Debian's "+kernel.DebianSourcePackage+", "+kernel.DebianSource+", installed if missing)")
	fs.StringVar(&o.Config, "config", "", "a configuration `fragment` (CONFIG_X=y lines) applied after pidone's")
	fs.IntVar(&o.Jobs, "j", runtime.NumCPU(), "make's parallel `jobs`")
	fs.BoolVar(&o.Verbose, "v", false, "show make's output")
	// -j4, as make takes it.
	var split []string
	for _, a := range args {
		if n, ok := strings.CutPrefix(a, "-j"); ok && n != "" && n[0] >= '0' && n[0] <= '9' {
			split = append(split, "-j", n)
			continue
		}
		split = append(split, a)
	}
	if err := parse(fs, split); err != nil {
		return err
	}
	if !slices.Contains(kernel.BuildArches(), o.Arch) {
		return usageError{fmt.Sprintf("--arch %s: pidone builds kernels for %s", o.Arch, strings.Join(kernel.BuildArches(), ", "))}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("pidone kernel build takes no arguments, got %q (the source is --source)", strings.Join(fs.Args(), " "))}
	}
	o.Progress = os.Stderr
	k, err := kernel.Build(ctx, o)
	if err != nil {
		return err
	}
	fmt.Println(k.Path)
	return nil
}

// archFlag registers --arch, the guest architecture a kernel is for.
func archFlag(fs *flag.FlagSet) *string {
	arch := new(string)
	*arch = runtime.GOARCH
	fs.Func("arch", "guest architecture (GOARCH): "+strings.Join(gobuild.Arches, ", ")+" (default "+runtime.GOARCH+")", func(v string) error {
		*arch = v
		return gobuild.CheckArch(v)
	})
	return arch
}

// cmdKernelModules lists the modules of the kernel pidone would boot, the
// names --modules takes.
func cmdKernelModules(args []string) error {
	fs := flag.NewFlagSet("pidone kernel modules", flag.ContinueOnError)
	kflag := fs.String("kernel", "", "kernel `image` (default: the one pidone run boots)")
	paths := fs.Bool("l", false, "show each module's file too")
	arch := archFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError{"pidone kernel modules takes one PATTERN at most, such as 'virtio*'"}
	}
	pattern := fs.Arg(0)
	if problem := patternProblem(pattern); problem != "" {
		return usageError{fmt.Sprintf("pattern '%s': %s; patterns are the shell's, such as 'virtio*' or 'virtio_[bn]*'", pattern, problem)}
	}
	k, err := kernel.FindArch(*kflag, *arch)
	if err != nil {
		return err
	}
	ix, err := k.ModuleIndex()
	if err != nil {
		return err
	}
	found := 0
	for _, n := range ix.Names() {
		if pattern != "" && !kmod.Match(pattern, n) {
			continue
		}
		found++
		if *paths {
			fmt.Printf("%-32s %s\n", n, ix.Modules[n].Path)
		} else {
			fmt.Println(n)
		}
	}
	if found == 0 && pattern != "" {
		return fmt.Errorf("no module of kernel %s matches '%s' (pidone kernel modules lists all %d)", k.Version, pattern, len(ix.Modules))
	}
	return nil
}

// patternProblem says what makes a shell pattern match other than meant:
// a '[' never closed (fnmatch takes it as itself) or a '\' at the end
// (fnmatch matches nothing); "" if nothing does.
func patternProblem(p string) string {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i == len(p)-1 {
				return "it ends in a lone \\"
			}
			i++
		case '[':
			j := i + 1
			if j < len(p) && (p[j] == '!' || p[j] == '^') {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++ // a ']' first is one of the set
			}
			for ; j < len(p) && p[j] != ']'; j++ {
				// [:digit:], [.x.] and [=x=] hold a ']' of their own.
				if p[j] == '[' && j+1 < len(p) && strings.IndexByte(":.=", p[j+1]) >= 0 {
					if k := strings.Index(p[j+2:], string(p[j+1])+"]"); k >= 0 {
						j += 2 + k + 1
					}
				}
			}
			if j >= len(p) {
				return "its [ is never closed"
			}
			i = j
		}
	}
	return ""
}
