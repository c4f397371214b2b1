package procps

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fakeProc is a process in a directory laid out like /proc.
type fakeProc struct {
	pid, ppid, session int
	comm               string
	state              byte
	argv               []string // "" for none (a kernel thread)
	exe                string
	utime, stime       uint64
	nice               int
	vsize              uint64 // bytes
}

// fakeProcRoot makes a /proc of procs under a new directory: their
// stat, cmdline and exe, and the system's stat, meminfo and loadavg.
func fakeProcRoot(t *testing.T, procs ...fakeProc) string {
	t.Helper()
	root := t.TempDir()
	for _, p := range procs {
		dir := filepath.Join(root, strconv.Itoa(p.pid))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if p.state == 0 {
			p.state = 'S'
		}
		stat := fmt.Sprintf("%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 %d %d 0 0 20 %d 1 0 100 %d 10\n",
			p.pid, p.comm, p.state, p.ppid, p.pid, p.session, p.utime, p.stime, p.nice, p.vsize)
		cmdline := ""
		if len(p.argv) > 0 {
			cmdline = strings.Join(p.argv, "\x00") + "\x00"
		}
		for name, content := range map[string]string{"stat": stat, "cmdline": cmdline} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if p.exe != "" {
			if err := os.Symlink(p.exe, filepath.Join(dir, "exe")); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, content := range map[string]string{
		"stat":    "cpu  1000 10 500 8000 100 5 5 0 0 0\ncpu0 500 5 250 4000 50 3 3 0 0 0\n",
		"meminfo": "MemTotal:        1000000 kB\nMemFree:          600000 kB\nShmem:              1000 kB\nBuffers:           20000 kB\nCached:           100000 kB\n",
		"loadavg": "0.50 0.25 0.10 2/80 4242\n",
		"self":    "not a process",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// sampleProcs is a small system: init, a kernel thread, a shell, a
// multi-call binary's link, a script and a long-named program.
var sampleProcs = []fakeProc{
	{pid: 1, comm: "init", argv: []string{"/init"}, exe: "/init", session: 1, utime: 50, stime: 20, vsize: 4 << 20},
	{pid: 2, comm: "kthreadd", vsize: 0},
	{pid: 40, ppid: 1, session: 40, comm: "sh", argv: []string{"-sh"}, exe: "/init", vsize: 8 << 20, utime: 3},
	{pid: 41, ppid: 40, session: 40, comm: "sleep", argv: []string{"/bin/sleep", "100"}, exe: "/init", vsize: 8 << 20},
	{pid: 42, ppid: 40, session: 40, comm: "myscript.sh", argv: []string{"/bin/sh", "./myscript.sh", "a b"}, exe: "/init", nice: 5},
	{pid: 43, ppid: 1, session: 43, comm: "averyveryverylo", argv: []string{"/usr/bin/averyveryverylongname", "--x"}, exe: "/usr/bin/averyveryverylongname", nice: -2},
	{pid: 44, ppid: 1, session: 43, comm: "worker", argv: []string{"/usr/bin/daemon", "-d"}, exe: "/usr/bin/daemon", utime: 300, vsize: 200 << 20},
	{pid: 45, ppid: 44, session: 43, comm: "zombie", state: 'Z'},
}

func TestReadProcs(t *testing.T) {
	root := fakeProcRoot(t, sampleProcs...)
	procs, err := readProcs(root, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) != len(sampleProcs) {
		t.Fatalf("%d processes, want %d", len(procs), len(sampleProcs))
	}
	p := procs[4]
	if p.pid != 42 || p.comm != "myscript.sh" || p.ppid != 40 || p.nice != 5 || strings.Join(p.argv, "|") != "/bin/sh|./myscript.sh|a b" || p.exe != "/init" {
		t.Errorf("process 42: %+v", p)
	}
	if procs[1].argv != nil || procs[1].exe != "" {
		t.Errorf("kernel thread: %+v", procs[1])
	}
	if procs, _ := readProcs(root, false); procs[0].exe != "" {
		t.Errorf("exe read without asking")
	}
	if _, err := readProcs(filepath.Join(root, "nope"), false); err == nil {
		t.Errorf("no error without a /proc")
	}
}

func TestNameMatches(t *testing.T) {
	procs, _ := readProcs(fakeProcRoot(t, sampleProcs...), true)
	byName := func(name string) string {
		var pids []string
		for i := range procs {
			if nameMatches(&procs[i], name) {
				pids = append(pids, strconv.Itoa(procs[i].pid))
			}
		}
		return strings.Join(pids, " ")
	}
	for name, want := range map[string]string{
		"init":                      "1 40 41 42", // comm, and the exe of the links to it
		"kthreadd":                  "2",
		"sh":                        "40 42",      // comm, and the script's interpreter; "-sh" is not "sh"
		"sleep":                     "41",         // comm and argv[0]
		"myscript.sh":               "42",         // a script: its comm
		"averyveryverylongname":     "43",         // argv[0], and the cut comm
		"averyveryverylo":           "",           // the cut comm alone is not the name
		"daemon":                    "44",         // argv[0] and exe
		"worker":                    "44",         // comm
		"/usr/bin/daemon":           "44",         // exe, whole
		"/init":                     "1 40 41 42", // exe, whole
		"bin/sleep":                 "",
		"zombie":                    "45",
		"averyveryverylongnameplus": "",
	} {
		if got := byName(name); got != want {
			t.Errorf("%q matches %q, want %q", name, got, want)
		}
	}
	// A 15-byte comm that is the start of a script's longer name.
	p := proc{procStat: procStat{comm: "averyveryverylo"}, argv: []string{"/bin/sh", "/x/averyveryverylongscript"}}
	if !nameMatches(&p, "averyveryverylongscript") || nameMatches(&p, "averyveryverylongother") {
		t.Errorf("long script name")
	}
}

func TestPidofLine(t *testing.T) {
	procs, _ := readProcs(fakeProcRoot(t, sampleProcs...), true)
	for _, tt := range []struct {
		names  []string
		omit   []int
		single bool
		want   string
	}{
		{[]string{"init"}, nil, false, "42 41 40 1\n"},
		{[]string{"init"}, nil, true, "42\n"},
		{[]string{"init"}, []int{42, 40}, false, "41 1\n"},
		{[]string{"sleep", "daemon"}, nil, false, "41 44\n"},
		{[]string{"nope", "sleep"}, nil, false, "41\n"},
		{[]string{"nope"}, nil, false, ""},
		{nil, nil, false, ""},
	} {
		if got := pidofLine(procs, tt.names, tt.omit, tt.single); got != tt.want {
			t.Errorf("pidof %v (omit %v, single %v): %q, want %q", tt.names, tt.omit, tt.single, got, tt.want)
		}
	}
}
