package procps

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestPgrepSelect(t *testing.T) {
	procs, _ := readProcs(fakeProcRoot(t, sampleProcs...), false)
	for _, tt := range []struct {
		pattern string
		o       pgrepOpts
		self    int
		want    string // pid:name|cmdline ...
	}{
		{"sleep", pgrepOpts{}, 0, "41:/bin/sleep|/bin/sleep 100"},
		{"sle+p", pgrepOpts{}, 0, "41:/bin/sleep|/bin/sleep 100"},
		// argv[0] first, then the kernel's name.
		{"myscript", pgrepOpts{}, 0, "42:myscript.sh|/bin/sh ./myscript.sh a b"},
		{"^sh$", pgrepOpts{}, 0, "40:sh|-sh"},
		{"sh", pgrepOpts{exact: true}, 0, "40:sh|-sh"},
		{"sleep", pgrepOpts{exact: true}, 0, "41:sleep|/bin/sleep 100"},
		{"sleep 100", pgrepOpts{}, 0, ""},
		{"sleep 100", pgrepOpts{full: true}, 0, "41:/bin/sleep|/bin/sleep 100"},
		{"a b", pgrepOpts{full: true}, 0, "42:/bin/sh|/bin/sh ./myscript.sh a b"},
		{"kthread", pgrepOpts{}, 0, "2:kthreadd|kthreadd"},
		{"d", pgrepOpts{first: true}, 0, "2:kthreadd|kthreadd"},
		{"d", pgrepOpts{last: true}, 0, "44:/usr/bin/daemon|/usr/bin/daemon -d"},
		{"sleep", pgrepOpts{}, 41, ""},
		{"", pgrepOpts{ppid: 40}, 0, "41:/bin/sleep|/bin/sleep 100 42:/bin/sh|/bin/sh ./myscript.sh a b"},
		{"sleep", pgrepOpts{ppid: 40}, 0, "41:/bin/sleep|/bin/sleep 100"},
		{"", pgrepOpts{sid: 43}, 0, "43:/usr/bin/averyveryverylongname|/usr/bin/averyveryverylongname --x 44:/usr/bin/daemon|/usr/bin/daemon -d 45:zombie|zombie"},
		{"", pgrepOpts{uids: []int{12345}}, 0, ""},
		// -v: not (the filters and the pattern). Those the filters
		// leave out are named by argv[0], as in BusyBox.
		{"s", pgrepOpts{invert: true, ppid: 1}, 0, "1:/init|/init 2:kthreadd|kthreadd 41:/bin/sleep|/bin/sleep 100 42:/bin/sh|/bin/sh ./myscript.sh a b 45:zombie|zombie"},
		{"d", pgrepOpts{invert: true}, 0, "1:init|/init 40:sh|-sh 41:sleep|/bin/sleep 100 42:myscript.sh|/bin/sh ./myscript.sh a b 43:averyveryverylo|/usr/bin/averyveryverylongname --x 45:zombie|zombie"},
	} {
		o := tt.o
		if o.sid == 0 {
			o.sid = -1
		}
		if o.ppid == 0 {
			o.ppid = -1
		}
		if tt.pattern != "" {
			expr := tt.pattern
			if o.exact {
				expr = "^(?:" + expr + ")$"
			}
			o.re = regexp.MustCompile(expr)
		}
		var got []string
		for _, m := range pgrepSelect(procs, &o, tt.self) {
			got = append(got, fmt.Sprintf("%d:%s|%s", m.pid, m.name, m.cmdline))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%q %+v:\n got %s\nwant %s", tt.pattern, tt.o, g, tt.want)
		}
	}
}

// startNamed runs a copy of sleep under a name no other process has,
// and returns the name and the running command.
func startNamed(t *testing.T) (string, *exec.Cmd) {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep to run")
	}
	name := fmt.Sprintf("pdt%d", os.Getpid()%100000)
	path := filepath.Join(t.TempDir(), name)
	b, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// Until it has exec'ed, it has our name.
	for i := 0; i < 100; i++ {
		if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid)); strings.TrimSpace(string(b)) == name {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return name, cmd
}

// ended waits for cmd to end and returns the signal that ended it.
func ended(t *testing.T, cmd *exec.Cmd) syscall.Signal {
	t.Helper()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s still runs", cmd.Path)
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ws.Signal()
}

func TestPgrepLive(t *testing.T) {
	name, cmd := startNamed(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	for _, tt := range []struct {
		args []string
		out  string
		st   int
	}{
		{[]string{name}, pid + "\n", 0},
		{[]string{"-l", name}, pid + " " + cmd.Path + "\n", 0},
		{[]string{"-a", name}, pid + " " + cmd.Path + " 30\n", 0},
		{[]string{"-x", name}, pid + "\n", 0},
		{[]string{"-f", name + " 30"}, pid + "\n", 0},
		{[]string{"-P", strconv.Itoa(os.Getpid()), name}, pid + "\n", 0},
		{[]string{"-u", strconv.Itoa(os.Geteuid()), name}, pid + "\n", 0},
		{[]string{name + "x"}, "", 1},
		{[]string{"-x", name[:len(name)-1]}, "", 1},
		{[]string{"-P", "1", name}, "", 1},
		{nil, "", 2},
		{[]string{"a", "b"}, "", 2},
		{[]string{"("}, "", 2},
		{[]string{"-s", "x", "a"}, "", 2},
	} {
		out, errs, st := cmdtest.Run(t, "", "", "pgrep", tt.args...)
		if out != tt.out || st != tt.st {
			t.Errorf("pgrep %q: %q %d %q, want %q %d", tt.args, out, st, errs, tt.out, tt.st)
		}
	}
	if out, _, st := cmdtest.Run(t, "", "", "pkill", "-l"); st != 0 || !strings.HasPrefix(out, " 1) HUP\n") {
		t.Errorf("pkill -l: %d %q", st, out)
	}
	if _, _, st := cmdtest.Run(t, "", "", "pkill", name+"x"); st != 1 {
		t.Errorf("pkill of nothing: %d", st)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "pkill", "-USR1", "-x", name); st != 0 || errs != "" {
		t.Errorf("pkill -USR1: %d %q", st, errs)
	}
	if sig := ended(t, cmd); sig != syscall.SIGUSR1 {
		t.Errorf("pkill -USR1: ended by %v", sig)
	}
	name, cmd = startNamed(t)
	cmdtest.Run(t, "", "", "pkill", name)
	if sig := ended(t, cmd); sig != syscall.SIGTERM {
		t.Errorf("pkill: ended by %v", sig)
	}
}

func TestPidofKillallLive(t *testing.T) {
	name, cmd := startNamed(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	if out, errs, st := cmdtest.Run(t, "", "", "pidof", name); st != 0 || out != pid+"\n" {
		t.Errorf("pidof: %d %q %q", st, out, errs)
	}
	if out, _, st := cmdtest.Run(t, "", "", "pidof", "-o", pid, name); st != 1 || out != "" {
		t.Errorf("pidof -o: %d %q", st, out)
	}
	if _, _, st := cmdtest.Run(t, "", "", "pidof", "-o", "x", name); st != 2 {
		t.Errorf("pidof -o x: %d", st)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "killall", name+"x"); st != 1 || errs != "killall: "+name+"x: no process killed\n" {
		t.Errorf("killall of nothing: %d %q", st, errs)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "killall", "-q", name+"x", name+"y"); st != 2 || errs != "" {
		t.Errorf("killall -q of nothing: %d %q", st, errs)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "killall", "-FOO", name); st != 1 || errs != "killall: bad signal name 'FOO'\n" {
		t.Errorf("killall -FOO: %d %q", st, errs)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "killall", "-q"); st != 1 || errs != "killall: you need to specify whom to kill\n" {
		t.Errorf("killall -q alone: %d %q", st, errs)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "killall", "-s", "HUP", name); st != 0 || errs != "" {
		t.Errorf("killall -s HUP: %d %q", st, errs)
	}
	if sig := ended(t, cmd); sig != syscall.SIGHUP {
		t.Errorf("killall -s HUP: ended by %v", sig)
	}
	name, cmd = startNamed(t)
	if _, _, st := cmdtest.Run(t, "", "", "killall", "-9", name); st != 0 {
		t.Errorf("killall -9: %d", st)
	}
	if sig := ended(t, cmd); sig != syscall.SIGKILL {
		t.Errorf("killall -9: ended by %v", sig)
	}
}

func TestKillallList(t *testing.T) {
	out, _, st := cmdtest.Run(t, "", "", "killall", "-l")
	lines := strings.Split(out, "\n")
	if st != 0 || len(lines) != 32 || lines[0] != " 1) HUP" || lines[8] != " 9) KILL" || lines[28] != "29) POLL" || lines[30] != "31) SYS" {
		t.Errorf("killall -l: %d %q", st, out)
	}
	if out, _, st := cmdtest.Run(t, "", "", "killall", "-l", "9", "KILL", "137", "sigterm", "40"); st != 0 || out != "KILL\n9\nKILL\n15\nRTMIN+6\n" {
		t.Errorf("killall -l names: %d %q", st, out)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "killall", "-l", "FOO"); st != 1 || errs != "killall: unknown signal 'FOO'\n" {
		t.Errorf("killall -l FOO: %d %q", st, errs)
	}
}
