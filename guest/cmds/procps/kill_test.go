package procps

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestParseSignal(t *testing.T) {
	for s, want := range map[string]syscall.Signal{
		"9": 9, "0": 0, "15": 15, "64": 64,
		"KILL": syscall.SIGKILL, "kill": syscall.SIGKILL, "SIGKILL": syscall.SIGKILL, "sigKill": syscall.SIGKILL,
		"TERM": syscall.SIGTERM, "HUP": syscall.SIGHUP, "int": syscall.SIGINT, "STOP": syscall.SIGSTOP,
		"CONT": syscall.SIGCONT, "USR1": syscall.SIGUSR1, "SIGUSR2": syscall.SIGUSR2, "WINCH": syscall.SIGWINCH,
		"IOT": syscall.SIGABRT, "CLD": syscall.SIGCHLD, "POLL": syscall.SIGIO, "IO": syscall.SIGIO,
		"RTMIN": 34, "RTMIN+4": 38, "sigrtmin+15": 49, "RTMAX": 64, "RTMAX-1": 63, "rtmax-30": 34,
	} {
		if got, err := parseSignal(s); err != nil || got != want {
			t.Errorf("parseSignal(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "SIG", "65", "-1", "FOO", "SIGFOO", "RTMIN+31", "RTMIN-1", "RTMAX+1", "RTMIN+", "RTMIN+x", "RTMIN++1", "RTMIN+-1", "9x", " 9"} {
		if got, err := parseSignal(s); err == nil {
			t.Errorf("parseSignal(%q) = %d, no error", s, got)
		}
	}
	for n, want := range map[syscall.Signal]string{syscall.SIGKILL: "KILL", syscall.SIGTERM: "TERM", 34: "RTMIN", 38: "RTMIN+4", 49: "RTMIN+15", 50: "RTMAX-14", 63: "RTMAX-1", 64: "RTMAX", 65: ""} {
		if got := signalName(n); got != want {
			t.Errorf("signalName(%d) = %q, want %q", n, got, want)
		}
	}
	// Every name maps back to its number.
	for n := syscall.Signal(1); n <= 64; n++ {
		if name := signalName(n); name != "" {
			if got, err := parseSignal(name); err != nil || got != n {
				t.Errorf("%d: %q parses to %d, %v", n, name, got, err)
			}
		}
	}
}

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
