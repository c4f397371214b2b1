package cmds

import (
	"syscall"
	"testing"
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
		if got, err := ParseSignal(s); err != nil || got != want {
			t.Errorf("ParseSignal(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "SIG", "65", "-1", "FOO", "SIGFOO", "RTMIN+31", "RTMIN-1", "RTMAX+1", "RTMIN+", "RTMIN+x", "RTMIN++1", "RTMIN+-1", "9x", " 9"} {
		if got, err := ParseSignal(s); err == nil {
			t.Errorf("ParseSignal(%q) = %d, no error", s, got)
		}
	}
	for n, want := range map[syscall.Signal]string{syscall.SIGKILL: "KILL", syscall.SIGTERM: "TERM", 34: "RTMIN", 38: "RTMIN+4", 49: "RTMIN+15", 50: "RTMAX-14", 63: "RTMAX-1", 64: "RTMAX", 65: ""} {
		if got := SignalName(n); got != want {
			t.Errorf("SignalName(%d) = %q, want %q", n, got, want)
		}
	}
	// Every name maps back to its number.
	for n := syscall.Signal(1); n <= 64; n++ {
		if name := SignalName(n); name != "" {
			if got, err := ParseSignal(name); err != nil || got != n {
				t.Errorf("%d: %q parses to %d, %v", n, name, got, err)
			}
		}
	}
}
