package coreutils

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
	"pidone.dev/internal/syncbuf"
)

func TestTail(t *testing.T) {
	dir := t.TempDir()
	var twelve strings.Builder
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&twelve, "%d\n", i)
	}
	// Longer than tail's read-back block, to cross block edges.
	var big strings.Builder
	for i := 1; i <= 20000; i++ {
		fmt.Fprintf(&big, "line %d\n", i)
	}
	cmdtest.WriteFiles(t, dir, map[string]string{"12": twelve.String(), "empty": "", "nonl": "a\nb\nc", "big": big.String(), "nl": "\n\n\n"})
	tests := []struct {
		args        []string
		stdin       string
		out, errOut string
		status      int
	}{
		{[]string{"12"}, "", "3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "", 0},
		{[]string{"-n", "2", "12"}, "", "11\n12\n", "", 0},
		{[]string{"-2", "12"}, "", "11\n12\n", "", 0},
		{[]string{"-n", "+11", "12"}, "", "11\n12\n", "", 0},
		{[]string{"-n", "+0", "nonl"}, "", "a\nb\nc", "", 0},
		{[]string{"-n", "0", "12"}, "", "", "", 0},
		{[]string{"-n", "100", "12"}, "", twelve.String(), "", 0},
		{[]string{"-n", "2", "nonl"}, "", "b\nc", "", 0},
		{[]string{"-n", "2", "nl"}, "", "\n\n", "", 0},
		{[]string{"-c", "3", "12"}, "", "12\n", "", 0},
		{[]string{"-c", "+22", "12"}, "", "11\n12\n", "", 0},
		{[]string{"-n", "3", "big"}, "", "line 19998\nline 19999\nline 20000\n", "", 0},
		{[]string{"empty"}, "", "", "", 0},
		{[]string{"-n", "2"}, "a\nb\nc", "b\nc", "", 0},
		{[]string{"-c", "2"}, "abc\n", "c\n", "", 0},
		{[]string{"-n", "+2"}, "a\nb\nc\n", "b\nc\n", "", 0},
		{[]string{"-n1", "12", "nonl"}, "", "==> 12 <==\n12\n\n==> nonl <==\nc", "", 0},
		{[]string{"nope"}, "", "", "tail: nope: No such file or directory\n", 1},
		{[]string{"-n", "z"}, "", "", "tail: invalid number of lines: 'z'\nusage: tail [-fqv] [-n [+]N | -c [+]N | -N] [FILE]...\n", 2},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "tail", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("tail %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
	// Streams keep a ring of lines; compare with the seeking path.
	want, _, _ := cmdtest.Run(t, dir, "", "tail", "-n", "1500", "big")
	if got, _, _ := cmdtest.Run(t, dir, big.String(), "tail", "-n", "1500"); got != want || strings.Count(got, "\n") != 1500 {
		t.Errorf("tail of a stream differs from tail of the file")
	}
}

// syncBuffer can be read while it is written.
type syncBuffer = syncbuf.Buffer

func TestTailFollow(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "log")
	cmdtest.WriteFiles(t, dir, map[string]string{"log": "old1\nold2\n"})
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	e := &cmds.Env{Ctx: ctx, Stdout: &out, Stderr: &out, Dir: dir}
	done := make(chan int)
	go func() { done <- cmds.Lookup("tail").Main(e, []string{"-f", "-n", "1", "log"}) }()
	waitFor := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if out.String() == want {
				return
			}
		}
		t.Fatalf("tail -f: %q, want %q", out.String(), want)
	}
	waitFor("old2\n")
	f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("new\n")
	f.Close()
	waitFor("old2\nnew\n")
	os.WriteFile(p, []byte("again\n"), 0o644) // truncated, as by log rotation
	waitFor("old2\nnew\ntail: log: file truncated\nagain\n")
	cancel()
	select {
	case st := <-done:
		if st != 130 {
			t.Errorf("tail -f ended with %d, want 130", st)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("tail -f did not stop when cancelled")
	}
}
