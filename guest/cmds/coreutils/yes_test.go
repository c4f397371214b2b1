package coreutils

import (
	"context"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
)

// limitWriter fails once it holds n bytes, as a pipe whose reader quit.
type limitWriter struct {
	strings.Builder
	n int
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.Len() >= w.n {
		return 0, context.Canceled
	}
	return w.Builder.Write(p)
}

func TestYes(t *testing.T) {
	for _, tt := range []struct {
		args []string
		line string
	}{{nil, "y"}, {[]string{"a", "b"}, "a b"}, {[]string{""}, ""}} {
		w := &limitWriter{n: 20000}
		st := cmds.Lookup("yes").Main(&cmds.Env{Stdout: w}, tt.args)
		lines := strings.Split(w.String(), "\n")
		if st != 1 || len(lines) < 100 || lines[0] != tt.line || lines[len(lines)/2] != tt.line {
			t.Errorf("yes %q: status %d, %d lines, first %q", tt.args, st, len(lines), lines[0])
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if st := cmds.Lookup("yes").Main(&cmds.Env{Ctx: ctx}, nil); st != 130 {
		t.Errorf("yes after Ctrl-C: status %d, want 130", st)
	}
}
