package procps

import (
	"context"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestWatchHeader(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 25, 27, 0, time.UTC)
	for _, tt := range []struct {
		period time.Duration
		cmd    string
		width  int
		want   string
	}{
		{2 * time.Second, "echo a b", 40, "Every 2.0s: echo a b2026-11-29 09:25:27"},
		{500 * time.Millisecond, "ls", 80, "Every 0.5s: ls" + strings.Repeat(" ", 46) + "2026-11-29 09:25:27"},
		// The time overwrites what does not fit.
		{time.Second, "a-command-longer-than-the-screen", 30, "Every 1.0s2026-11-29 09:25:27"},
		// Too narrow for the time: the header alone, padded.
		{time.Second, "x", 20, "Every 1.0s: x" + strings.Repeat(" ", 19)},
	} {
		if got := watchHeader(tt.period, tt.cmd, tt.width, now); got != tt.want {
			t.Errorf("%v %q %d:\n got %q\nwant %q", tt.period, tt.cmd, tt.width, got, tt.want)
		}
	}
}

func TestWatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	out, _, st := cmdtest.RunContext(t, ctx, "watch", "-n", "0.1", "-t", "echo", "a", "|", "cat")
	if st != 130 || !strings.HasPrefix(out, "\x1b[H\x1b[Ja\n\x1b[H\x1b[Ja\n") || strings.Contains(out, "Every") {
		t.Errorf("watch -t: %d %q", st, out)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	out, _, st = cmdtest.RunContext(t, ctx, "watch", "-n", "1", "echo", "hi")
	if st != 130 || !strings.HasPrefix(out, "\x1b[H\x1b[JEvery 1.0s: echo hi ") || !strings.HasSuffix(out, "\n\nhi\n") || len(out) != len("\x1b[H\x1b[J")+79+len("\n\nhi\n") {
		t.Errorf("watch: %d %q", st, out)
	}
	for _, args := range [][]string{nil, {"-n", "x", "true"}, {"-z", "true"}} {
		if _, _, st := cmdtest.Run(t, "", "", "watch", args...); st != 2 {
			t.Errorf("watch %q: %d", args, st)
		}
	}
}
