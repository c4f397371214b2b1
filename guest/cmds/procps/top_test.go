package procps

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestTopSize(t *testing.T) {
	for kib, want := range map[uint64]string{
		0: "    0", 7: "    7", 99999: "99999", 100000: "97.6m", 1024000: "1000m",
		1274000: "1244m", 10239999: "9999m", 10240000: " 9.7g", 4 << 30: "4096g",
	} {
		if got := topSize(kib); got != want {
			t.Errorf("topSize(%d) = %q, want %q", kib, got, want)
		}
	}
}

func TestTopCommand(t *testing.T) {
	for _, tt := range []struct {
		argv       []string
		comm, want string
	}{
		{[]string{"sleep", "5"}, "sleep", "sleep 5"},
		{[]string{"/bin/sleep", "5"}, "sleep", "/bin/sleep 5"},
		{[]string{"-sh"}, "sh", "-sh"},
		{nil, "kthreadd", "[kthreadd]"},
		{[]string{"/usr/bin/python3", "x.py"}, "worker", "{worker} /usr/bin/python3 x.py"},
		{[]string{"prog a\tb", "c\nd"}, "prog", "prog a b c d"},
		{[]string{"/usr/lib/averyveryverylongname"}, "averyveryverylo", "/usr/lib/averyveryverylongname"},
	} {
		if got := topCommand(tt.argv, tt.comm); got != tt.want {
			t.Errorf("topCommand(%q, %q) = %q, want %q", tt.argv, tt.comm, got, tt.want)
		}
	}
}

func TestParseTopJiffies(t *testing.T) {
	j, err := parseTopJiffies("cpu  1000 10 500 8000 100 5 5 2 0 0\ncpu0 1 2 3 4\n")
	if err != nil || j.usr != 1000 || j.idle != 8000 || j.steal != 2 || j.total != 9622 || j.busy != 9622-8000-100 {
		t.Errorf("%+v, %v", j, err)
	}
	if j, err := parseTopJiffies("cpu 1 2 3 4\n"); err != nil || j.total != 10 {
		t.Errorf("Linux 2.4's four counters: %+v, %v", j, err)
	}
	for _, bad := range []string{"", "intr 1 2 3 4", "cpu 1 2 3", "cpu 1 x 3 4"} {
		if _, err := parseTopJiffies(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestTopFrame(t *testing.T) {
	root := fakeProcRoot(t, sampleProcs...)
	ts := &topState{root: root, users: map[int]string{0: "root"}}
	if err := ts.sample(); err != nil {
		t.Fatal(err)
	}
	// A second later: the daemon used 50 ticks, the shell 10; the
	// CPUs were busy for 100 of 200 (so some went to processes gone
	// since): 50/100 of 100/200 is 25%.
	for _, p := range []struct {
		pid, utime int
	}{{44, 350}, {40, 13}} {
		stat := filepath.Join(root, itoa(p.pid), "stat")
		b, _ := os.ReadFile(stat)
		f := strings.Fields(string(b))
		f[13] = itoa(p.utime)
		os.WriteFile(stat, []byte(strings.Join(f, " ")+"\n"), 0o644)
	}
	os.WriteFile(filepath.Join(root, "stat"), []byte("cpu  1080 10 520 8090 110 5 5 0 0 0\n"), 0o644)
	if err := ts.sample(); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"Mem: 400000K used, 600000K free, 1000K shrd, 20000K buff, 100000K cached\n" +
		"CPU:  40% usr  10% sys   0% nic  45% idle   5% io   0% irq   0% sirq\n" +
		"Load average: 0.50 0.25 0.10 2/80 4242\n" +
		"  PID  PPID USER     STAT   VSZ %VSZ %CPU COMMAND\n" +
		"   44     1 root     S     200m  20%  25% {worker} /usr/bin/daemon -d\n" +
		"   40     1 root     S     8192   1%   5% -sh\n" +
		"   41    40 root     S     8192   1%   0% /bin/sleep 100\n" +
		"    1     0 root     S     4096   0%   0% /init\n" +
		"    2     0 root     SW       0   0%   0% [kthreadd]\n" +
		"   42    40 root     SWN      0   0%   0% {myscript.sh} /bin/sh ./myscript.sh a b\n" +
		"   43     1 root     SW<      0   0%   0% /usr/bin/averyveryverylongname --x\n" +
		"   45    44 root     Z        0   0%   0% [zombie]\n"
	if got := ts.frame(446, 0, true); got != want {
		t.Errorf("batch frame:\n%s\nwant\n%s", got, want)
	}
	// On a screen: cleared first, 6 rows, 40 columns, the heading in
	// reverse video, no newline at the end.
	got := ts.frame(40, 6, false)
	wantScreen := "\x1b[H\x1b[J" +
		"Mem: 400000K used, 600000K free, 1000K \n" +
		"CPU:  40% usr  10% sys   0% nic  45% id\n" +
		"Load average: 0.50 0.25 0.10 2/80 4242\n" +
		"\x1b[7m  PID  PPID USER     STAT   VSZ %VSZ %CP\x1b[m\n" +
		"   44     1 root     S     200m  20%  25\n" +
		"   40     1 root     S     8192   1%   5\r"
	if got != wantScreen {
		t.Errorf("screen:\n%q\nwant\n%q", got, wantScreen)
	}
	ts.sort = topSortPID
	if got := ts.frame(446, 0, true); !strings.Contains(got, "COMMAND\n   45 ") {
		t.Errorf("sorted by PID:\n%s", got)
	}
	ts.sort, ts.reverse = topSortMem, true
	if got := ts.frame(446, 0, true); !strings.HasSuffix(got, "   44     1 root     S     200m  20%  25% {worker} /usr/bin/daemon -d\n") {
		t.Errorf("sorted by memory, reversed:\n%s", got)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestTop(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "top", "-b", "-n", "2", "-d", "0.1")
	if st != 0 || strings.Count(out, "\nLoad average: ") != 2 || !strings.HasPrefix(out, "Mem: ") || !strings.HasSuffix(out, "\n\n") || strings.Contains(out, "\x1b") {
		t.Errorf("top -b -n 2: %d %q\n%s", st, errs, out)
	}
	// BusyBox's options without a dash.
	if out, _, st := cmdtest.Run(t, "", "", "top", "bn1"); st != 0 || strings.Count(out, "Mem: ") != 1 {
		t.Errorf("top bn1: %d\n%s", st, out)
	}
	// Not batch, with no keys to read: frames until cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(400*time.Millisecond, cancel)
	out, _, st = cmdtest.RunContext(t, ctx, "top", "-d", "0.1")
	if st != 130 || !strings.HasPrefix(out, "\x1b[H\x1b[JMem: ") || !strings.Contains(out, "\x1b[7m  PID") {
		t.Errorf("top: %d %q", st, out)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "top", "-b", "-n", "x"); st != 1 || errs != "top: invalid number 'x'\n" {
		t.Errorf("top -n x: %d %q", st, errs)
	}
	for _, args := range [][]string{{"-d", "x"}, {"-z"}, {"-b", "extra"}} {
		if _, _, st := cmdtest.Run(t, "", "", "top", args...); st != 2 {
			t.Errorf("top %q: %d", args, st)
		}
	}
}

func TestTopKeys(t *testing.T) {
	master, tty := cmdtest.OpenPTY(t)
	var out strings.Builder
	done := make(chan int)
	go func() {
		done <- cmdtest.RunEnv(t, newEnv(tty, &out), "top", "-d", "5")
	}()
	time.Sleep(300 * time.Millisecond)
	master.Write([]byte("m"))
	time.Sleep(300 * time.Millisecond)
	master.Write([]byte("q"))
	select {
	case st := <-done:
		if st != 0 || strings.Count(out.String(), "\x1b[H\x1b[J") != 2 || !strings.HasSuffix(out.String(), "\r\n") {
			t.Errorf("top, m, q: %d %q", st, out.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("q did not quit top")
	}
}

// newEnv is a command's Env with a terminal for input and out for its
// output.
func newEnv(tty *os.File, out io.Writer) *cmds.Env {
	return &cmds.Env{Stdin: tty, Stdout: out, Stderr: out, Environ: os.Environ()}
}
