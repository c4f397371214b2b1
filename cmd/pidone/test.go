package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"pidone.dev/host/gotest"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
)

// cmdTest is "pidone test [flags] [packages] [flags] [-args ...]": go
// test, with every package's tests run in a VM of its own.
func cmdTest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone test", flag.ContinueOnError)
	var s system.System
	imageFlags(fs, &s, "none")
	machineFlags(fs, &s)
	o := gotest.Options{System: &s, Stdout: os.Stdout, Stderr: os.Stderr}
	fs.StringVar(&o.Run, "run", "", "run only the tests matching this `regexp`")
	fs.StringVar(&o.Skip, "skip", "", "skip the tests matching this `regexp`")
	fs.BoolVar(&o.Verbose, "v", false, "verbose: print every test's output")
	fs.BoolVar(&o.JSON, "json", false, "print go test -json's events (test2json), one stream for all the packages")
	fs.BoolVar(&o.Short, "short", false, "tell long-running tests to shorten their run (testing.Short)")
	fs.BoolVar(&o.FailFast, "failfast", false, "start no new test, nor package, after the first failure")
	fs.IntVar(&o.Count, "count", 0, "run each test `n` times")
	fs.IntVar(&o.Parallel, "parallel", 0, "run `n` of a package's parallel tests at once (default: the guest's CPUs, --smp)")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Minute, "fail a package's tests after this `duration` (0: never)")
	fs.StringVar(&o.Tags, "tags", "", "build `tags`, comma-separated")
	fs.BoolVar(&o.Cover, "cover", false, "measure coverage")
	fs.StringVar(&o.CoverMode, "covermode", "", "coverage `mode`: set, count or atomic (implies -cover; default set)")
	fs.StringVar(&o.CoverPkg, "coverpkg", "", "measure the coverage of these `packages` (comma-separated patterns; implies -cover)")
	fs.StringVar(&o.CoverProfile, "coverprofile", "", "write a merged coverage profile to `file` (implies -cover)")
	fs.IntVar(&o.P, "p", 0, "VMs at once (default: the number of CPUs)")
	fs.Func("env", "set `NAME=VALUE` in the tests' environment (repeatable)", func(v string) error {
		if name, _, ok := strings.Cut(v, "="); !ok || name == "" || strings.ContainsAny(v, "\x00") {
			return fmt.Errorf("want NAME=VALUE")
		}
		o.Env = append(o.Env, v)
		return nil
	})
	// Documented here, handled by splitTestArgs.
	fs.Bool("args", false, "pass the rest of the command line to the test binaries, as it is")
	fs.Bool("test.*", false, "any other flag of the test binary (go help testflag), passed as it is: -test.cpu 1,2, -test.benchtime=2s")
	own, pkgs, binArgs := splitTestArgs(fs, args)
	if err := parse(fs, own); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: flags and packages only (for the test binary, after -args)", fs.Arg(0))}
	}
	o.Packages, o.Args = pkgs, binArgs
	if err := check(&s); err != nil {
		return err
	}
	switch {
	case o.Timeout < 0:
		return usageError{fmt.Sprintf("-timeout %v: give a positive duration such as 5m", o.Timeout)}
	case o.CoverMode != "" && o.CoverMode != "set" && o.CoverMode != "count" && o.CoverMode != "atomic":
		return usageError{fmt.Sprintf("-covermode %s: want set, count or atomic", o.CoverMode)}
	case o.Parallel < 0:
		return usageError{fmt.Sprintf("-parallel %d: give a positive number", o.Parallel)}
	}
	// Said once, before any package is built.
	if _, err := s.FindKernel(); err != nil {
		return err
	}
	if err := vm.Check(s.Arch); err != nil {
		return err
	}
	s.Log = os.Stderr
	// Packages run side by side, each from the root disk as it is; a
	// writable --disk keeps what the tests write, as the user asked, so
	// its packages take turns with it (QEMU locks it for one VM).
	s.ScratchRoot = true
	for _, d := range s.Disks {
		if !d.ReadOnly {
			o.P = 1
		}
	}
	ok, err := gotest.Run(ctx, &o)
	if err != nil {
		return err
	}
	if !ok {
		return exitCode(1)
	}
	return nil
}

// splitTestArgs splits pidone test's command line as go test splits its
// own: pidone's flags, before or after the packages; the packages; and
// the test binary's flags: -test.* flags, passed as they are, and all
// that follows -args.
func splitTestArgs(fs *flag.FlagSet, args []string) (own, pkgs, bin []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-args" || a == "--args":
			return own, pkgs, append(bin, args[i+1:]...)
		case a == "--":
			return append(own, args[i:]...), pkgs, bin
		case !strings.HasPrefix(a, "-") || a == "-":
			pkgs = append(pkgs, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(name, "test.") {
			bin = append(bin, a)
			// The testing package's flags take a value, but its
			// booleans.
			if !hasValue && !testBools[strings.TrimPrefix(name, "test.")] && i+1 < len(args) {
				i++
				bin = append(bin, args[i])
			}
			continue
		}
		own = append(own, a)
		if f := fs.Lookup(name); f != nil && !hasValue && !isBool(f) && i+1 < len(args) {
			i++
			own = append(own, args[i])
		}
	}
	return own, pkgs, bin
}

// testBools are the testing package's boolean flags (go help testflag).
var testBools = map[string]bool{
	"v": true, "short": true, "failfast": true, "benchmem": true, "fullpath": true,
	"paniconexit0": true, "fuzzworker": true, "artifacts": true,
}
