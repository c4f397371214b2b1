package procps

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestKillList(t *testing.T) {
	out, _, st := cmdtest.Run(t, "", "", "kill", "-l")
	if st != 0 || !strings.HasPrefix(out, "HUP INT QUIT ILL TRAP ABRT ") || !strings.Contains(out, " KILL ") || !strings.HasSuffix(out, " SYS\n") {
		t.Errorf("kill -l: %d\n%s", st, out)
	}
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 72 {
			t.Errorf("kill -l: long line %q", l)
		}
	}
	for _, tt := range []struct{ args, out string }{
		{"9", "KILL\n"}, {"KILL", "9\n"}, {"sigterm", "15\n"}, {"137", "KILL\n"}, {"15 HUP", "TERM\n1\n"}, {"38", "RTMIN+4\n"},
	} {
		if out, errs, st := cmdtest.Run(t, "", "", "kill", append([]string{"-l"}, strings.Fields(tt.args)...)...); st != 0 || out != tt.out {
			t.Errorf("kill -l %s: %d %q %q, want %q", tt.args, st, out, errs, tt.out)
		}
	}
	if _, errs, st := cmdtest.Run(t, "", "", "kill", "-l", "99"); st != 1 || errs != "kill: 99: invalid signal number\n" {
		t.Errorf("kill -l 99: %d %q", st, errs)
	}
	out, _, _ = cmdtest.Run(t, "", "", "kill", "-L")
	if !strings.HasPrefix(out, " 1 HUP") || !strings.Contains(out, "64 RTMAX\n") {
		t.Errorf("kill -L:\n%s", out)
	}
}

func TestKill(t *testing.T) {
	me := strconv.Itoa(os.Getpid())
	for _, args := range [][]string{{"-0", me}, {"-s", "0", me}, {"-n", "0", me}, {"-0", "--", me}, {"--signal=0", me}} {
		if _, errs, st := cmdtest.Run(t, "", "", "kill", args...); st != 0 {
			t.Errorf("kill %q: %d %q", args, st, errs)
		}
	}
	// Above pid_max there is no process, ever.
	none := "4194305"
	if b, err := os.ReadFile("/proc/sys/kernel/pid_max"); err == nil {
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		none = strconv.Itoa(n + 1)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "kill", "-0", none); st != 1 || errs != "kill: "+none+": No such process\n" {
		t.Errorf("kill -0 %s: %d %q", none, st, errs)
	}
	// A negative PID after the signal is a process group.
	if _, errs, st := cmdtest.Run(t, "", "", "kill", "-0", "-"+none); st != 1 || errs != "kill: -"+none+": No such process\n" {
		t.Errorf("kill -0 -%s: %d %q", none, st, errs)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "kill", "-0", "abc", me); st != 1 || errs != "kill: abc: arguments must be process or job IDs\n" {
		t.Errorf("kill abc: %d %q", st, errs)
	}
	for _, args := range [][]string{nil, {"-9"}, {"-FOO", me}, {"-s"}, {"-99", me}} {
		if _, _, st := cmdtest.Run(t, "", "", "kill", args...); st != 2 {
			t.Errorf("kill %q: status %d, want 2", args, st)
		}
	}
}
