package consoletools

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

// runStty runs stty with the pseudo-terminal tty as its standard input.
func runStty(t *testing.T, tty *os.File, args ...string) (string, string, int) {
	t.Helper()
	return runSttyEnv(t, tty, nil, args...)
}

func runSttyEnv(t *testing.T, tty *os.File, env []string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cmds.Env{Stdin: tty, Stdout: &out, Stderr: &errb, Dir: t.TempDir(), Environ: env}
	st := cmdtest.RunEnv(t, e, "stty", args...)
	return out.String(), errb.String(), st
}

func TestSttySize(t *testing.T) {
	_, tty := cmdtest.OpenPTY(t)
	if out, errs, st := runStty(t, tty, "rows", "50", "cols", "132"); st != 0 || out != "" {
		t.Fatalf("stty rows 50 cols 132: %d %q %q", st, out, errs)
	}
	ws, err := unix.IoctlGetWinsize(int(tty.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Row != 50 || ws.Col != 132 {
		t.Fatalf("window size %+v %v, want 50x132", ws, err)
	}
	if out, _, st := runStty(t, tty, "size"); st != 0 || out != "50 132\n" {
		t.Errorf("stty size: %d %q", st, out)
	}
	if out, _, _ := runStty(t, tty, "columns", "100", "size"); out != "50 100\n" {
		t.Errorf("stty columns 100 size: %q", out)
	}
	if out, _, _ := runStty(t, tty, "-a"); !strings.Contains(out, "rows 50; columns 100;") {
		t.Errorf("stty -a has no size: %q", out)
	}
	// As in BusyBox, $LINES and $COLUMNS win.
	if out, _, _ := runSttyEnv(t, tty, []string{"COLUMNS=90", "LINES=x"}, "size"); out != "24 90\n" {
		t.Errorf("stty size with COLUMNS=90 LINES=x: %q", out)
	}
}

func TestSttyModes(t *testing.T) {
	_, tty := cmdtest.OpenPTY(t)
	fd := int(tty.Fd())
	get := func() *unix.Termios {
		m, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if _, errs, st := runStty(t, tty, "-echo"); st != 0 || get().Lflag&unix.ECHO != 0 {
		t.Fatalf("stty -echo: %d %q, echo still on", st, errs)
	}
	if out, _, _ := runStty(t, tty); !strings.Contains(out, "-echo") {
		t.Errorf("stty does not show -echo:\n%s", out)
	}
	saved, _, st := runStty(t, tty, "-g")
	if st != 0 || strings.Count(saved, ":") != 35 {
		t.Fatalf("stty -g: %d %q", st, saved)
	}
	if _, errs, st := runStty(t, tty, "raw"); st != 0 {
		t.Fatalf("stty raw: %d %q", st, errs)
	}
	if m := get(); m.Lflag&unix.ICANON != 0 || m.Lflag&unix.ISIG != 0 || m.Cc[unix.VMIN] != 1 {
		t.Errorf("after raw: lflag %#x min %d", m.Lflag, m.Cc[unix.VMIN])
	}
	if _, errs, st := runStty(t, tty, strings.TrimSpace(saved)); st != 0 || get().Lflag&unix.ICANON == 0 {
		t.Errorf("stty SAVED: %d %q, not back to cooked", st, errs)
	}
	if _, errs, st := runStty(t, tty, "sane"); st != 0 {
		t.Fatalf("stty sane: %d %q", st, errs)
	}
	if m := get(); m.Lflag&unix.ECHO == 0 || m.Lflag&unix.ICANON == 0 || m.Cc[unix.VINTR] != 3 {
		t.Errorf("after sane: lflag %#x intr %d", m.Lflag, m.Cc[unix.VINTR])
	}
	if _, _, st := runStty(t, tty, "intr", "^X"); st != 0 || get().Cc[unix.VINTR] != 0x18 {
		t.Errorf("stty intr ^X: %d, intr %d", st, get().Cc[unix.VINTR])
	}
}

func TestSttyErrors(t *testing.T) {
	_, tty := cmdtest.OpenPTY(t)
	before, _ := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-echo", "bogus"}, "stty: invalid number 'bogus'\n"},
		{[]string{"-echo", "12345"}, "stty: invalid argument '12345'\n"},
		{[]string{"rows", "0"}, "stty: number 0 is not in 1..2147483647 range\n"},
		{[]string{"-bogus"}, "stty: invalid argument '-bogus'\n"},
		{[]string{"rows"}, "stty: rows requires an argument\n"},
		{[]string{"rows", "x"}, "stty: invalid number 'x'\n"},
		{[]string{"-a", "-g"}, "stty: -a and -g are mutually exclusive\n"},
		{[]string{"-a", "echo"}, "stty: modes may not be set when -a or -g is used\n"},
		{[]string{"-F", "/no/such"}, "stty: can't open '/no/such': No such file or directory\n"},
	} {
		if out, errs, st := runStty(t, tty, tt.args...); st != 1 || errs != tt.msg || out != "" {
			t.Errorf("stty %q: %d %q %q, want 1 %q", tt.args, st, out, errs, tt.msg)
		}
	}
	// Nothing was changed by -echo before the bad word.
	if after, _ := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); after.Lflag != before.Lflag {
		t.Errorf("a failed stty changed the modes")
	}
	// Not a terminal.
	if _, errs, st := cmdtest.Run(t, "", "", "stty"); st != 1 || !strings.Contains(errs, "standard input") {
		t.Errorf("stty on a pipe: %d %q", st, errs)
	}
}

// TestSttyBusyBox compares the displays with BusyBox's stty on the same
// terminal, where BusyBox is installed.
func TestSttyBusyBox(t *testing.T) {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("no busybox")
	}
	_, tty := cmdtest.OpenPTY(t)
	for _, setup := range [][]string{{"rows", "40", "cols", "100"}, {"rows", "1", "cols", "40000"}, {"-echo", "-icanon", "min", "3"}, {"raw"}, {"sane", "intr", "^X", "-ixon"}} {
		if _, errs, st := runStty(t, tty, setup...); st != 0 {
			t.Fatalf("stty %q: %q", setup, errs)
		}
		for _, args := range [][]string{nil, {"-a"}, {"-g"}, {"size"}, {"speed"}} {
			c := exec.Command(bb, append([]string{"stty"}, args...)...)
			c.Stdin, c.Env = tty, []string{}
			want, err := c.Output()
			if err != nil {
				t.Fatalf("busybox stty %q: %v", args, err)
			}
			if got, _, _ := runStty(t, tty, args...); got != string(want) {
				t.Errorf("after %q, stty %q:\n%s\nbusybox:\n%s", setup, args, got, want)
			}
		}
	}
}
