package coreutils

import (
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestTimeoutStatuses(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		status int
		errs   string
		took   time.Duration // at least
	}{
		{[]string{"5", "sh", "-c", "exit 3"}, 3, "", 0},
		{[]string{"5", "true"}, 0, "", 0},
		// BusyBox's status: the program's, killed by TERM: 128+15.
		{[]string{"0.2", "sleep", "5"}, 143, "", 200 * time.Millisecond},
		{[]string{"-s", "KILL", "0.2", "sleep", "5"}, 137, "", 200 * time.Millisecond},
		{[]string{"-s", "9", "0.1", "sleep", "5"}, 137, "", 100 * time.Millisecond},
		{[]string{"-s", "INT", "0.1", "sleep", "5"}, 130, "", 100 * time.Millisecond},
		// A program that ignores TERM gets KILL after -k's time.
		{[]string{"-k", "0.2", "0.1", "sh", "-c", "trap '' TERM; sleep 5"}, 137, "", 300 * time.Millisecond},
		{[]string{"1", "/nonexistent/prog"}, 127, "timeout: can't execute '/nonexistent/prog': No such file or directory\n", 0},
		{[]string{"1", "no-such-program-here"}, 127, "timeout: can't execute 'no-such-program-here': No such file or directory\n", 0},
		{[]string{"1", "/"}, 126, "timeout: can't execute '/': Permission denied\n", 0},
		{[]string{"-s", "FOO", "1", "true"}, 1, "timeout: unknown signal 'FOO'\n", 0},
		{[]string{"x", "true"}, 2, "timeout: invalid time interval 'x'\n", 0},
		{[]string{"1"}, 2, "timeout: missing SECS or PROG\n", 0},
		{nil, 2, "timeout: missing SECS or PROG\n", 0},
	} {
		start := time.Now()
		_, errs, st := cmdtest.Run(t, t.TempDir(), "", "timeout", tt.args...)
		took := time.Since(start)
		if st != tt.status || !strings.HasPrefix(errs, tt.errs) || (tt.errs == "" && errs != "") {
			t.Errorf("timeout %q: status %d, stderr %q; want %d, %q", tt.args, st, errs, tt.status, tt.errs)
		}
		if took < tt.took || took > tt.took+3*time.Second {
			t.Errorf("timeout %q took %v", tt.args, took)
		}
	}
}

func TestTimeoutStdio(t *testing.T) {
	out, _, st := cmdtest.Run(t, t.TempDir(), "a\nb\n", "timeout", "5", "sh", "-c", "cat; echo done; pwd")
	if st != 0 || !strings.HasPrefix(out, "a\nb\ndone\n/") {
		t.Errorf("timeout with stdin: %d %q", st, out)
	}
}
