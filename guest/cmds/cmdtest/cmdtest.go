// Package cmdtest runs pidone's commands in tests the way the shell runs
// them: in-process, with stdio, directory and environment of their own.
// The command must be registered, which a family's own tests get from
// the family's init functions, and other tests from importing its
// package (or package all).
package cmdtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/term"
)

// Run runs the command name with args in dir, with stdin as its input,
// and returns what it printed and its exit status. Its environment is
// the test's, with PIDONE_TEST=1.
func Run(t testing.TB, dir, stdin, name string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	c := lookup(t, name)
	var out, errb bytes.Buffer
	e := &cmds.Env{
		Stdin:   strings.NewReader(stdin),
		Stdout:  &out,
		Stderr:  &errb,
		Dir:     dir,
		Environ: append(os.Environ(), "PIDONE_TEST=1"),
	}
	status = c.Main(e, args)
	return out.String(), errb.String(), status
}

// RunContext runs the command name with args under ctx, for commands
// that wait (sleep, dmesg -w): cancelling ctx is Ctrl-C. It runs in a
// fresh directory with no input and no environment.
func RunContext(t testing.TB, ctx context.Context, name string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	c := lookup(t, name)
	var out, errb strings.Builder
	e := &cmds.Env{Ctx: ctx, Stdout: &out, Stderr: &errb, Dir: t.TempDir()}
	status = c.Main(e, args)
	return out.String(), errb.String(), status
}

func lookup(t testing.TB, name string) *cmds.Cmd {
	t.Helper()
	c := cmds.Lookup(name)
	if c == nil {
		t.Fatalf("no command %q (is its family imported?)", name)
	}
	return c
}

// WriteFiles creates files (name → content; a name ending in "/" is a
// directory) under dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if name[len(name)-1] == '/' {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ReadFile returns the content of the file at path.
func ReadFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// RunEnv runs the command name with args in the Env e, set up by the
// test (for stdio that must be files, such as a terminal), and returns
// its exit status.
func RunEnv(t testing.TB, e *cmds.Env, name string, args ...string) int {
	t.Helper()
	return lookup(t, name).Main(e, args)
}

// OpenPTY opens a pseudo-terminal, closed at the end of the test: the
// command gets the terminal (tty), the test plays the other end
// (master). It skips the test where there are none.
func OpenPTY(t testing.TB) (master, tty *os.File) {
	t.Helper()
	m, s, err := term.OpenPTY()
	if errors.Is(err, term.ErrNoPTY) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}
