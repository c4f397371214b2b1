package coreutils

import (
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

// statNice is the nice value in a /proc/PID/stat line (field 19).
func statNice(t *testing.T, stat string) int {
	t.Helper()
	f := strings.Fields(stat[strings.LastIndex(stat, ")")+1:])
	n, err := strconv.Atoi(f[16])
	if err != nil {
		t.Fatalf("stat %q: %v", stat, err)
	}
	return n
}

func TestNice(t *testing.T) {
	out, _, st := cmdtest.Run(t, "", "", "nice")
	base, err := strconv.Atoi(strings.TrimSpace(out))
	if st != 0 || err != nil {
		t.Fatalf("nice: %d %q", st, out)
	}
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"-n", "5"}, 5}, {[]string{"-n3"}, 3}, {[]string{"-7"}, 7}, {nil, 10}, {[]string{"--"}, 10}, {[]string{"-n", "100"}, 19},
	} {
		args := append(tt.args, "cat", "/proc/self/stat")
		out, errs, st := cmdtest.Run(t, "", "", "nice", args...)
		if st != 0 {
			t.Errorf("nice %q: %d %q", args, st, errs)
			continue
		}
		if got, want := statNice(t, out), min(19, base+tt.want); got != want {
			t.Errorf("nice %q: the program's niceness is %d, want %d", args, got, want)
		}
	}
	// Our own niceness is unchanged, whatever the child's.
	if out, _, _ := cmdtest.Run(t, "", "", "nice"); out != strconv.Itoa(base)+"\n" {
		t.Errorf("niceness after: %q, want %d", out, base)
	}
	for _, args := range [][]string{{"-n"}, {"-n", "x", "true"}, {"-5"}, {"-n", "5"}} {
		if _, _, st := cmdtest.Run(t, "", "", "nice", args...); st != 2 {
			t.Errorf("nice %q: status %d, want 2", args, st)
		}
	}
	if _, errs, st := cmdtest.Run(t, "", "", "nice", "no-such-program-here"); st != 127 || !strings.Contains(errs, "can't execute") {
		t.Errorf("nice of nothing: %d %q", st, errs)
	}
	if _, _, st := cmdtest.Run(t, "", "", "nice", "sh", "-c", "exit 4"); st != 4 {
		t.Errorf("nice's status: %d", st)
	}
}
