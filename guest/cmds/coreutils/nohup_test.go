package coreutils

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestNohup(t *testing.T) {
	dir := t.TempDir()
	// Without a terminal, nohup changes nothing but SIGHUP.
	out, errs, st := cmdtest.Run(t, dir, "in\n", "nohup", "sh", "-c", "cat; grep SigIgn /proc/self/status; echo err >&2; exit 5")
	if st != 5 || !strings.HasPrefix(out, "in\nSigIgn:") || errs != "err\n" {
		t.Fatalf("nohup: %d %q %q", st, out, errs)
	}
	// SIGHUP (1) is the lowest bit of the ignored signals' mask.
	mask := strings.TrimSpace(strings.TrimPrefix(strings.Split(out, "\n")[1], "SigIgn:"))
	if last := mask[len(mask)-1]; (last-'0')&1 == 0 && (last < 'a' || (last-'a'+10)&1 == 0) {
		t.Errorf("SIGHUP not ignored: SigIgn %s", mask)
	}
	if _, err := os.Stat(filepath.Join(dir, "nohup.out")); err == nil {
		t.Errorf("nohup.out made without a terminal")
	}

	// With one: input from /dev/null, output to nohup.out; errors too
	// if they went to the terminal.
	master, tty := cmdtest.OpenPTY(t)
	var msgs bytes.Buffer
	e := &cmds.Env{Stdin: tty, Stdout: tty, Stderr: &msgs, Dir: dir, Environ: os.Environ()}
	if st := cmdtest.RunEnv(t, e, "nohup", "sh", "-c", "echo out; echo err >&2; cat"); st != 0 {
		t.Errorf("nohup on a terminal: %d", st)
	}
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "nohup.out")); got != "out\n" {
		t.Errorf("nohup.out: %q", got)
	}
	if msgs.String() != "nohup: appending output to nohup.out\nerr\n" {
		t.Errorf("messages: %q", msgs.String())
	}
	e = &cmds.Env{Stdin: tty, Stdout: tty, Stderr: tty, Dir: dir, Environ: os.Environ()}
	if st := cmdtest.RunEnv(t, e, "nohup", "sh", "-c", "echo out2; echo err2 >&2"); st != 0 {
		t.Errorf("nohup on a terminal: %d", st)
	}
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "nohup.out")); got != "out\nout2\nerr2\n" {
		t.Errorf("nohup.out: %q", got)
	}
	master.SetReadDeadline(time.Now().Add(time.Second))
	drawn, _ := io.ReadAll(io.LimitReader(master, int64(len("nohup: appending output to nohup.out\r\n"))))
	if string(drawn) != "nohup: appending output to nohup.out\r\n" {
		t.Errorf("on the terminal: %q", drawn)
	}

	if _, _, st := cmdtest.Run(t, dir, "", "nohup"); st != 127 {
		t.Errorf("nohup alone: %d", st)
	}
	if _, errs, st := cmdtest.Run(t, dir, "", "nohup", "no-such-program-here"); st != 127 || !strings.Contains(errs, "can't execute") {
		t.Errorf("nohup of nothing: %d %q", st, errs)
	}
}
