package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"pidone.dev/host/gotest"
	"pidone.dev/host/image"
	"pidone.dev/host/vm"
)

// cmdTest is "pidone test [flags] [packages]": go test, with every
// package's tests run in a VM of its own.
func cmdTest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone test", flag.ContinueOnError)
	var f imageFlags
	f.register(fs, "none")
	run := fs.String("run", "", "run only the tests matching this `regexp`")
	verbose := fs.Bool("v", false, "verbose: print every test's output")
	count := fs.Int("count", 0, "run each test `n` times")
	timeout := fs.Duration("timeout", 10*time.Minute, "fail a package's tests after this `duration`")
	cover := fs.String("coverprofile", "", "write a merged coverage profile to `file`")
	par := fs.Int("p", 0, "VMs at once (default: the number of CPUs)")
	var m machineFlags
	m.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := m.check(); err != nil {
		return err
	}
	if *timeout < 0 {
		return usageError{fmt.Sprintf("-timeout %v: give a positive duration such as 5m", *timeout)}
	}
	k, err := m.find()
	if err != nil {
		return err
	}
	if err := vm.Check(f.arch); err != nil {
		return err
	}
	f.net = m.devices.netOn()
	f.drivers = m.devices.drivers(true)
	f.kern = k
	base := f.files
	cfg, err := m.config(ctx, k, f.arch, nil, nil)
	if err != nil {
		return err
	}
	cfg.Log = os.Stderr
	ok, err := gotest.Run(ctx, &gotest.Options{
		Packages:     fs.Args(),
		Run:          *run,
		Verbose:      *verbose,
		Count:        *count,
		Timeout:      *timeout,
		CoverProfile: *cover,
		Parallel:     *par,
		Arch:         f.arch,
		Config:       cfg,
		Image: func(ctx context.Context, files []image.File) (string, error) {
			g := f
			g.files = append(append([]image.File{}, base...), files...)
			return g.build(ctx)
		},
		Stdout: os.Stdout,
	})
	if err != nil {
		return err
	}
	if !ok {
		return exitCode(1)
	}
	return nil
}
