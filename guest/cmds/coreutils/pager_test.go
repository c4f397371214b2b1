package coreutils

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestPagersCopyWithoutTerminal(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a": "one\n", "b": "two\n"})
	for _, name := range []string{"more", "less"} {
		out, _, st := cmdtest.Run(t, dir, "in\n", name, "a", "-", "b")
		if out != "one\nin\ntwo\n" || st != 0 {
			t.Errorf("%s a - b = %q (status %d)", name, out, st)
		}
		out, _, st = cmdtest.Run(t, dir, "", name, "a", "nosuch")
		if out != "one\n" || st != 1 {
			t.Errorf("%s a nosuch = %q (status %d), want one and status 1", name, out, st)
		}
	}
	if _, _, st := cmdtest.Run(t, dir, "", "less", "-x"); st != 2 {
		t.Errorf("less -x: status %d, want 2", st)
	}
}

// termScreen is a pseudo-terminal of 80x10 for a pager: the test types
// on the master side and reads what the pager drew.
type termScreen struct {
	master, slave *os.File
	mu            sync.Mutex
	drawn         bytes.Buffer
}

func openScreen(t *testing.T) *termScreen {
	m, s := cmdtest.OpenPTY(t)
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 10, Col: 80}); err != nil {
		t.Fatal(err)
	}
	sc := &termScreen{master: m, slave: s}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			sc.mu.Lock()
			sc.drawn.Write(buf[:n])
			sc.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { m.Close(); <-done; s.Close() })
	return sc
}

// waitFor types keys, then waits until the screen has drawn want since.
func (sc *termScreen) waitFor(t *testing.T, keys, want string) {
	t.Helper()
	sc.mu.Lock()
	sc.drawn.Reset()
	sc.mu.Unlock()
	if keys != "" {
		sc.master.WriteString(keys)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		sc.mu.Lock()
		got := sc.drawn.String()
		sc.mu.Unlock()
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	t.Fatalf("after %q, no %q on the screen; it drew %q", keys, want, sc.drawn.String())
}

func runPager(t *testing.T, sc *termScreen, stdin string, args ...string) chan int {
	done := make(chan int, 1)
	var text strings.Builder
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&text, "line %d\n", i)
	}
	if stdin == "" {
		stdin = text.String()
	}
	go func() {
		e := &cmds.Env{Stdin: strings.NewReader(stdin), Stdout: sc.slave, Stderr: sc.slave, Dir: t.TempDir()}
		done <- cmds.Lookup(args[0]).Main(e, args[1:])
	}()
	return done
}

func TestLessOnATerminal(t *testing.T) {
	sc := openScreen(t)
	done := runPager(t, sc, "", "less")
	sc.waitFor(t, "", "line 9\r\n:")
	sc.waitFor(t, " ", "line 18\r\n:")
	sc.waitFor(t, "\x1b[A", "line 9\r\nline 10\r\n")
	sc.waitFor(t, "G", "line 50\r\n\x1b[7m(END)")
	sc.waitFor(t, "g", "\x1b[J"+"line 1\r\n")
	sc.waitFor(t, "/ne 3[0-9]\r", "\x1b[J"+"line 30\r\n")
	sc.waitFor(t, "n", "\x1b[J"+"line 31\r\n")
	sc.waitFor(t, "/nothing\r", "Pattern not found")
	sc.master.WriteString("q")
	select {
	case st := <-done:
		if st != 0 {
			t.Errorf("less: status %d", st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("less did not quit on q")
	}
}

func TestMoreOnATerminal(t *testing.T) {
	sc := openScreen(t)
	done := runPager(t, sc, "", "more")
	sc.waitFor(t, "", "line 9\r\n\x1b[7m--More--")
	sc.waitFor(t, "\r", "line 10\r\n\x1b[7m--More--")
	sc.waitFor(t, " ", "line 19\r\n\x1b[7m--More--")
	sc.waitFor(t, "/line 4\r", "...skipping\r\nline 38\r\n")
	sc.master.WriteString("    ")
	select {
	case st := <-done:
		if st != 0 {
			t.Errorf("more: status %d", st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("more did not end at the end of its text")
	}
}
