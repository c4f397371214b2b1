package procps

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

const sampleStat = "7152 (cat) R 7135 7135 3909 34817 7135 4194304 104 0 0 0 250 130 0 0 20 0 1 0 37806 3133440 415 18446744073709551615 94130091163648 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"

func TestParseProcStat(t *testing.T) {
	p, err := parseProcStat(sampleStat)
	want := procStat{pid: 7152, comm: "cat", state: 'R', ppid: 7135, pgrp: 7135, session: 3909, ttyNr: 34817, tpgid: 7135,
		flags: 4194304, utime: 250, stime: 130, nice: 0, threads: 1, start: 37806, vsize: 3133440, rss: 415}
	if err != nil || p != want {
		t.Errorf("got %+v, %v\nwant %+v", p, err, want)
	}
	// A name may hold spaces and parentheses: it ends at the last ")".
	p, err = parseProcStat("42 (a b) c)) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 -5 3 0 100 0 0")
	if err != nil || p.comm != "a b) c)" || p.state != 'S' || p.ppid != 1 || p.nice != -5 || p.threads != 3 || p.tpgid != -1 {
		t.Errorf("odd name: %+v, %v", p, err)
	}
	z, err := parseProcStat("99 (zombie) Z 1 99 99 0 -1 4227084 0 0 0 0 3 1 0 0 20 0 1 0 500 0 0")
	if err != nil || z.state != 'Z' {
		t.Fatalf("zombie: %+v, %v", z, err)
	}
	if got := psCommand(z, nil); got != "[zombie] <defunct>" {
		t.Errorf("zombie command: %q", got)
	}
	if got := psCommand(p, []byte("sh\x00-c\x00echo\thi\x00")); got != "sh -c echo?hi" {
		t.Errorf("command: %q", got)
	}
	for _, bad := range []string{"", "1 (x", "x (y) S 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 1 1 1", "1 (x) S 1 2", "-1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1", "1 (x) S a 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1", "1 (x) SS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1", ") 1 (x", "0()0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"} {
		if _, err := parseProcStat(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzProcStat(f *testing.F) {
	f.Add(sampleStat)
	f.Add("42 (a b) c)) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 -5 3 0 100 0 0")
	f.Add("1 ()) Z 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseProcStat(s)
		if err != nil {
			return
		}
		// The name is all between the first "(" and the last ")", and
		// the state is the word after it.
		end := strings.LastIndex(s, ")")
		if p.pid < 0 || !strings.HasSuffix(s[:end+1], "("+p.comm+")") || strings.Contains(s[:strings.Index(s, "(")], "(") {
			t.Errorf("%q: parsed %+v", s, p)
		}
		if f := strings.Fields(s[end+1:]); len(f) == 0 || f[0] != string([]byte{p.state}) {
			t.Errorf("%q: state %q", s, p.state)
		}
		psState(p)
		psTime(p)
		psTTY(p.ttyNr)
		psCommand(p, []byte(s))
	})
}

func TestPsHelpers(t *testing.T) {
	p, _ := parseProcStat(sampleStat)
	if got := psTime(p); got != "0:03" {
		t.Errorf("psTime: %q", got)
	}
	if got := psState(p); got != "R+" {
		t.Errorf("psState: %q", got)
	}
	p.pid, p.session, p.nice, p.threads, p.tpgid = 5, 5, 10, 4, -1
	if got := psState(p); got != "RNsl" {
		t.Errorf("psState: %q", got)
	}
	for nr, want := range map[int]string{0: "?", 34817: "pts/1", 1024 + 1: "tty1", 1024 + 64: "ttyS0", 1280 + 1: "console", 136<<8 | 1<<20: "pts/256"} {
		if got := psTTY(nr); got != want {
			t.Errorf("psTTY(%d) = %q, want %q", nr, got, want)
		}
	}
	for _, tt := range []struct {
		args []string
		long bool
		only string
		bad  bool
	}{
		{nil, false, "", false},
		{[]string{"-ef"}, true, "", false},
		{[]string{"aux"}, true, "", false},
		{[]string{"-aux"}, true, "", false},
		{[]string{"-e"}, false, "", false},
		{[]string{"-p", "1,2", "-f"}, true, "1 2", false},
		{[]string{"-p3"}, false, "3", false},
		{[]string{"7"}, false, "7", false},
		{[]string{"-z"}, false, "", true},
		{[]string{"-p"}, false, "", true},
		{[]string{"-p", "x"}, false, "", true},
	} {
		long, only, err := psArgs(tt.args)
		var s []string
		for _, n := range only {
			s = append(s, strconv.Itoa(n))
		}
		if (err != nil) != tt.bad || long != tt.long || strings.Join(s, " ") != tt.only {
			t.Errorf("psArgs(%q) = %v %v %v", tt.args, long, only, err)
		}
	}
}

func TestPs(t *testing.T) {
	me := strconv.Itoa(os.Getpid())
	// The test binary's name, as ps shows it (the kernel keeps 15 bytes
	// of it in comm).
	exe := filepath.Base(os.Args[0])
	exe = exe[:min(len(exe), 15)]
	for _, args := range [][]string{nil, {"-ef"}, {"aux"}} {
		out, errs, st := cmdtest.Run(t, "", "", "ps", args...)
		lines := strings.Split(out, "\n")
		if st != 0 || len(lines) < 3 {
			t.Fatalf("ps %q: status %d, stderr %q", args, st, errs)
		}
		found := false
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) > 2 && (f[0] == me || f[1] == me) && strings.Contains(l, exe) {
				found = true
			}
		}
		if !found {
			t.Errorf("ps %q: pid %s with its command not in:\n%s", args, me, out)
		}
		if !strings.Contains(out, "[kthreadd]") && len(args) == 0 {
			t.Logf("no kernel threads seen (in a PID namespace?)")
		}
	}
	out, _, st := cmdtest.Run(t, "", "", "ps", "-p", me)
	if st != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("ps -p %s: %d\n%s", me, st, out)
	}
	if _, _, st := cmdtest.Run(t, "", "", "ps", "-p", "999999999"); st != 1 {
		t.Errorf("ps -p of no process: status %d", st)
	}
}
