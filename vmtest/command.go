package vmtest

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"pidone.dev/host/system"
)

// Result is how a command run by Command ended.
type Result struct {
	Stdout, Stderr string
	Status         int
	Files          map[string][]byte // files named in Collect
}

// CommandOptions adjust Command.
type CommandOptions struct {
	Options
	Stdin   string
	Env     []string
	Dir     string
	Collect []string      // guest files to bring back in Result.Files
	Timeout time.Duration // 0 means 5 minutes
}

// Command boots a fresh VM, runs argv in it and returns its output and
// exit status, as "pidone run -- argv" does (argv[0] may be a Go main
// package, ./testdata/prog, which is built for the guest). A boot
// failure fails the test with pidone's explanation. The VM is gone when
// Command returns.
//
//	r := vmtest.Command(t, nil, "uname", "-r")
func Command(t testing.TB, o *CommandOptions, argv ...string) *Result {
	t.Helper()
	skipNested(t)
	if o == nil {
		o = &CommandOptions{}
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	var stdout, stderr bytes.Buffer
	res, err := prepare(t, &o.Options).Run(context.Background(), &system.Command{
		Argv:    argv,
		Env:     o.Env,
		Dir:     o.Dir,
		Collect: o.Collect,
		Stdin:   strings.NewReader(o.Stdin),
		Stdout:  &stdout,
		Stderr:  &stderr,
		Timeout: timeout,
	})
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(argv, " "), err)
	}
	return &Result{Stdout: stdout.String(), Stderr: stderr.String(), Status: res.Status, Files: res.Files}
}

// GoCommand builds the Go main package pkg (a ./relative directory or an
// import path) for the guest, and runs it in a fresh VM with args.
//
//	r := vmtest.GoCommand(t, nil, "./testdata/probe", "-v")
func GoCommand(t testing.TB, o *CommandOptions, pkg string, args ...string) *Result {
	t.Helper()
	if !system.IsGoPackage(pkg) {
		t.Fatalf("GoCommand(%q): give a Go package as ./dir or an import path", pkg)
	}
	return Command(t, o, append([]string{pkg}, args...)...)
}

// SkipInGuest skips a test that boots VMs when it finds itself inside a
// pidone test VM (pidone test ./...): there is no QEMU in the guest, and
// such tests run on the host anyway. Start and Command call it; call it
// first in a test that prepares host files before it boots.
func SkipInGuest(t testing.TB) { t.Helper(); skipNested(t) }

func skipNested(t testing.TB) {
	t.Helper()
	if os.Getenv("PIDONE_IN_TEST_VM") == "1" {
		t.Skip("inside a pidone test VM; VM tests run on the host")
	}
}
