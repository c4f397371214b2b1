package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"pidone.dev/host/gotest"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
)

// cmdTest is "pidone test [flags] [packages]": go test, with every
// package's tests run in a VM of its own.
func cmdTest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone test", flag.ContinueOnError)
	var s system.System
	imageFlags(fs, &s, "none")
	machineFlags(fs, &s)
	run := fs.String("run", "", "run only the tests matching this `regexp`")
	verbose := fs.Bool("v", false, "verbose: print every test's output")
	count := fs.Int("count", 0, "run each test `n` times")
	timeout := fs.Duration("timeout", 10*time.Minute, "fail a package's tests after this `duration`")
	cover := fs.String("coverprofile", "", "write a merged coverage profile to `file`")
	par := fs.Int("p", 0, "VMs at once (default: the number of CPUs)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := check(&s); err != nil {
		return err
	}
	if *timeout < 0 {
		return usageError{fmt.Sprintf("-timeout %v: give a positive duration such as 5m", *timeout)}
	}
	// Said once, before any package is built.
	if _, err := s.FindKernel(); err != nil {
		return err
	}
	if err := vm.Check(s.Arch); err != nil {
		return err
	}
	s.Log = os.Stderr
	ok, err := gotest.Run(ctx, &gotest.Options{
		Packages:     fs.Args(),
		Run:          *run,
		Verbose:      *verbose,
		Count:        *count,
		Timeout:      *timeout,
		CoverProfile: *cover,
		Parallel:     *par,
		System:       &s,
		Stdout:       os.Stdout,
	})
	if err != nil {
		return err
	}
	if !ok {
		return exitCode(1)
	}
	return nil
}
