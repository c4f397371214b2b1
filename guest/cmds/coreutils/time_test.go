package coreutils

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestTimeReport(t *testing.T) {
	u := &timeUsage{argv: []string{"sleep", "1"}, elapsed: 3723*time.Second + 450*time.Millisecond}
	u.ru.Utime = syscall.Timeval{Sec: 1, Usec: 250000}
	u.ru.Stime = syscall.Timeval{Sec: 61, Usec: 5000}
	u.ru.Maxrss, u.ru.Minflt, u.ru.Nvcsw = 1234, 56, 7
	for _, tt := range []struct{ format, want string }{
		{timeDefault, "real\t1h 2m 03s\nuser\t0m 1.25s\nsys\t1m 1.00s\n"},
		{timePosix, "real 3723.45\nuser 1.25\nsys 61.00\n"},
		{"%C|%M|%R|%w|%x|%P", "sleep 1|1234|56|7|0|1%\n"},
		{`%%|a\tb\n|%Q`, "%|a\tb\n|%Q\n"},
	} {
		if got := timeReport(tt.format, u); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.format, got, tt.want)
		}
	}
	u = &timeUsage{argv: []string{"false"}, elapsed: 20 * time.Millisecond, status: 1 << 8}
	if got := timeReport(timeDefault, u); got != "Command exited with non-zero status 1\nreal\t0m 0.02s\nuser\t0m 0.00s\nsys\t0m 0.00s\n" {
		t.Errorf("exit 1: %q", got)
	}
	u.status = syscall.WaitStatus(syscall.SIGKILL)
	if got := timeReport("%x", u); got != "Command terminated by signal 9\n0\n" {
		t.Errorf("killed: %q", got)
	}
}

func TestTime(t *testing.T) {
	dir := t.TempDir()
	out, errs, st := cmdtest.Run(t, dir, "", "time", "sh", "-c", "echo hi; exit 3")
	if st != 3 || out != "hi\n" || !strings.HasPrefix(errs, "Command exited with non-zero status 3\nreal\t0m 0.") || !strings.Contains(errs, "\nuser\t0m ") {
		t.Errorf("time sh: %d %q %q", st, out, errs)
	}
	// The status of a killed program is the signal's number, as in
	// BusyBox.
	if _, errs, st := cmdtest.Run(t, dir, "", "time", "-p", "sh", "-c", "kill -TERM $$"); st != 15 || !strings.HasPrefix(errs, "Command terminated by signal 15\nreal ") {
		t.Errorf("time of a killed program: %d %q", st, errs)
	}
	if _, errs, st := cmdtest.Run(t, dir, "", "time", "no-such-program-here"); st != 127 || !strings.HasPrefix(errs, "time: can't execute 'no-such-program-here': No such file or directory\nCommand exited with non-zero status 127\nreal") {
		t.Errorf("time of nothing: %d %q", st, errs)
	}
	_, errs, st = cmdtest.Run(t, dir, "", "time", "-o", "report", "-f", "%x %C", "true")
	if st != 0 || errs != "" || cmdtest.ReadFile(t, filepath.Join(dir, "report")) != "0 true\n" {
		t.Errorf("time -o: %d %q", st, errs)
	}
	cmdtest.Run(t, dir, "", "time", "-a", "-o", "report", "-v", "true")
	if r := cmdtest.ReadFile(t, filepath.Join(dir, "report")); !strings.HasPrefix(r, "0 true\n\tCommand being timed: \"true\"\n") || !strings.HasSuffix(r, "\tExit status: 0\n") {
		t.Errorf("time -a -v: %q", r)
	}
	if _, _, st := cmdtest.Run(t, dir, "", "time"); st != 2 {
		t.Errorf("time with nothing to run: %d", st)
	}
	if _, _, st := cmdtest.Run(t, dir, "", "time", "-o", "/nonexistent/x", "true"); st != 1 {
		t.Errorf("time -o into nowhere: %d", st)
	}
	os.Setenv("TIME", "custom %x")
	defer os.Unsetenv("TIME")
	if _, errs, _ := cmdtest.Run(t, dir, "", "time", "true"); errs != "custom 0\n" {
		t.Errorf("$TIME: %q", errs)
	}
}
