package all_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/all/internal/compatrun"
	"pidone.dev/vmtest"
)

var (
	updateCompat = flag.Bool("update-compat", false, "record the guest's output as the expectation of compat cases whose command BusyBox lacks")
	compatOnHost = flag.Bool("compat-host", false, "run TestCompat's pidone side on the host, with the guest binary built for it, not in a VM (quicker, for writing cases; some commands need the guest)")
)

// TestCompat runs every case of testdata/compat/*.txt twice and compares:
// on the host under BusyBox (busybox sh -c, with only BusyBox's applets
// on PATH), and in a pidone guest under pidone's sh and commands, one
// boot for all of them. What must agree is standard output and the exit
// status; of standard error only whether there is any, since messages
// are worded differently (pidone's "cp: x: No such file or directory"
// is BusyBox's "cp: can't stat 'x': No such file or directory") and no
// script should depend on the words.
//
// A case file is named for the command it tests (ls.txt) and holds cases
// as
//
//	## what the case shows
//	shell script lines (POSIX sh), run in an empty directory
//	## the next case
//	...
//
// Each case runs with PATH, TZ=UTC, LC_ALL=C.UTF-8 (pidone is UTF-8
// throughout; BusyBox counts wc -m in characters then) and HOME (its
// directory) alone in its environment, no input, at most 20 seconds. Its
// directory's path, which differs between the two sides, reads as $DIR
// in what it printed.
//
// The commands BusyBox 1.35 does not have (blkid, logs, ...) cannot be
// compared with it: their cases are compared with the guest's output
// recorded in testdata/compat/COMMAND.want, which
//
//	go test -run TestCompat -update-compat ./guest/cmds/all
//
// writes (check the diff before committing it); without that file they
// are skipped, and the test says so. Recording rather than skipping keeps
// their behaviour from changing unnoticed.
func TestCompat(t *testing.T) {
	t.Parallel()
	vmtest.SkipInGuest(t)
	cases := loadCompatCases(t)
	if len(cases) == 0 {
		t.Skip("no compat cases")
	}
	bb := hostBusybox(t)
	applets := map[string]bool{}
	out, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatalf("%s --list: %v", bb, err)
	}
	for _, a := range strings.Fields(string(out)) {
		applets[a] = true
	}
	links := busyboxLinks(t, bb)

	var guest []compatResult
	if *compatOnHost {
		guest = compatHost(t, cases)
	} else {
		// The guest: all cases in one boot.
		var in []compatrun.Case
		for i, c := range cases {
			in = append(in, compatrun.Case{ID: i, Script: c.script})
		}
		stdin, _ := json.Marshal(in)
		// loop for losetup's cases, which the host's kernel has too;
		// networking (a card on QEMU's restricted user network) for nc's
		// and netstat's, which talk to themselves on 127.0.0.1.
		o := &vmtest.CommandOptions{Stdin: string(stdin), Timeout: 15 * time.Minute}
		o.Modules = "loop"
		o.Net = true
		r := vmtest.GoCommand(t, o, "./testdata/compatdriver")
		if err := json.Unmarshal([]byte(r.Stdout), &guest); err != nil || r.Status != 0 || len(guest) != len(cases) {
			t.Fatalf("the guest's driver: status %d, %d results of %d, %v\nstderr:\n%s", r.Status, len(guest), len(cases), err, r.Stderr)
		}
	}

	type tally struct{ pass, total, recorded, skipped int }
	per := map[string]*tally{}
	var fails []string
	wants := map[string]map[string]compatResult{} // command → case name → recorded result
	for i, c := range cases {
		tl := per[c.cmd]
		if tl == nil {
			tl = &tally{}
			per[c.cmd] = tl
		}
		g := normalize(guest[i])
		var want compatResult
		if applets[c.cmd] {
			dir := t.TempDir()
			want = normalize(compatrun.Run(dir, []string{"PATH=" + links, "TZ=UTC", "LC_ALL=C.UTF-8"}, bb, "sh", "-c", c.script))
		} else {
			if *updateCompat {
				if wants[c.cmd] == nil {
					wants[c.cmd] = map[string]compatResult{}
				}
				wants[c.cmd][c.name] = g
			}
			rec, ok := recordedCompat(t, c.cmd)[c.name]
			if !ok {
				tl.skipped++
				continue
			}
			want = rec
			tl.recorded++
		}
		tl.total++
		if d := differ(want, g); d != "" {
			fails = append(fails, fmt.Sprintf("%s:%d: %s: %s\n%s", c.file, c.line, c.name, d, c.script))
			continue
		}
		tl.pass++
	}
	if *updateCompat {
		for cmd, byName := range wants {
			writeRecordedCompat(t, cmd, cases, byName)
		}
	}

	var names []string
	for n := range per {
		names = append(names, n)
	}
	sort.Strings(names)
	var sum strings.Builder
	var pass, total int
	for _, n := range names {
		tl := per[n]
		pass, total = pass+tl.pass, total+tl.total
		fmt.Fprintf(&sum, "%-12s %3d/%-3d", n, tl.pass, tl.total)
		switch {
		case tl.skipped > 0:
			fmt.Fprintf(&sum, "  %d skipped: BusyBox has no %s and nothing is recorded (-update-compat)", tl.skipped, n)
		case tl.recorded > 0:
			fmt.Fprintf(&sum, "  against testdata/compat/%s.want: BusyBox has no %s", n, n)
		}
		sum.WriteByte('\n')
	}
	fmt.Fprintf(&sum, "%-12s %3d/%-3d\n", "all", pass, total)
	t.Logf("compat cases passed, per command (%s):\n%s", busyboxVersion(bb), sum.String())
	for _, f := range fails {
		t.Error(f)
	}
}

// compatHost runs the cases with pidone's sh and commands built for the
// host (-compat-host).
func compatHost(t *testing.T, cases []compatCase) []compatResult {
	work := t.TempDir()
	guest := filepath.Join(work, "pidone")
	build := exec.Command("go", "build", "-o", guest, "pidone.dev/cmd/pidone-guest")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the guest for the host: %v\n%s", err, out)
	}
	bin := filepath.Join(work, "bin")
	os.Mkdir(bin, 0o755)
	for _, c := range append(cmds.All(), &cmds.Cmd{Name: "sh"}) {
		if err := os.Symlink(guest, filepath.Join(bin, c.Name)); err != nil {
			t.Fatal(err)
		}
	}
	var res []compatResult
	for _, c := range cases {
		res = append(res, compatrun.Run(t.TempDir(), []string{"PATH=" + bin, "TZ=UTC", "LC_ALL=C.UTF-8"}, filepath.Join(bin, "sh"), "-c", c.script))
	}
	return res
}

// compatCase is one case of a testdata/compat file.
type compatCase struct {
	cmd, file string
	line      int
	name      string
	script    string
}

// compatResult is what a case printed, on either side.
type compatResult = compatrun.Result

func loadCompatCases(t *testing.T) []compatCase {
	t.Helper()
	files, err := filepath.Glob("testdata/compat/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	var cases []compatCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := parseCompat(filepath.Base(f), string(b))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, cs...)
	}
	return cases
}

// parseCompat reads a case file: "## name" lines start cases, the lines
// up to the next are its script.
func parseCompat(file, text string) ([]compatCase, error) {
	cmd := strings.TrimSuffix(file, ".txt")
	var cases []compatCase
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		if name, ok := strings.CutPrefix(line, "## "); ok || line == "##" {
			name = strings.TrimSpace(strings.TrimPrefix(name, "##"))
			if name == "" || seen[name] {
				return nil, fmt.Errorf("%s:%d: a case needs a name of its own", file, i+1)
			}
			seen[name] = true
			cases = append(cases, compatCase{cmd: cmd, file: file, line: i + 1, name: name})
			continue
		}
		if len(cases) == 0 {
			if strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("%s:%d: script before the first \"## name\" line", file, i+1)
			}
			continue
		}
		c := &cases[len(cases)-1]
		c.script += line + "\n"
	}
	for i := range cases {
		cases[i].script = strings.TrimRight(cases[i].script, "\n") + "\n"
		if strings.TrimSpace(cases[i].script) == "" {
			return nil, fmt.Errorf("%s:%d: case %q has no script", file, cases[i].line, cases[i].name)
		}
	}
	return cases, nil
}

// normalize shows the case's directory as $DIR.
func normalize(r compatResult) compatResult {
	if r.Dir != "" {
		r.Stdout = bytes.ReplaceAll(r.Stdout, []byte(r.Dir), []byte("$DIR"))
	}
	r.Stderr = dropSignalReports(r.Stderr)
	return r
}

// dropSignalReports leaves out of a case's standard error the lines in
// which a shell reports a job ended by a signal ("Killed", "Terminated",
// "User defined signal 1"): they are the shell's, not the command's, and
// the shells differ in when they say it (BusyBox's ash also for a
// background job at wait, and for a command such as timeout that it
// runs as a process where pidone's sh calls it in-process).
func dropSignalReports(stderr []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(stderr, []byte("\n")) {
		l := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), " (core dumped)")
		report := false
		for sig := syscall.Signal(1); sig < 32 && !report; sig++ {
			if s := sig.String(); l != "" && strings.EqualFold(l, s) {
				report = true
			}
		}
		if !report {
			out = append(out, line...)
		}
	}
	return out
}

// differ says how got (pidone's) differs from want (BusyBox's), or "".
func differ(want, got compatResult) string {
	var d []string
	if want.Status != got.Status {
		d = append(d, fmt.Sprintf("exit status %d, BusyBox's %d", got.Status, want.Status))
	}
	if (len(want.Stderr) == 0) != (len(got.Stderr) == 0) {
		d = append(d, fmt.Sprintf("stderr %q, BusyBox's %q", got.Stderr, want.Stderr))
	}
	if !bytes.Equal(want.Stdout, got.Stdout) {
		d = append(d, "stdout differs (- BusyBox, + pidone):\n"+lineDiff(string(want.Stdout), string(got.Stdout)))
	}
	return strings.Join(d, "; ")
}

// lineDiff is a unified diff of two short texts, without hunks: every
// line, marked " ", "-" or "+" (a line without its newline at the end is
// marked so).
func lineDiff(a, b string) string {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		lines := strings.SplitAfter(s, "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		return lines
	}
	x, y := split(a), split(b)
	// lcs[i][j] is the length of the longest common subsequence of
	// x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	line := func(mark byte, s string) {
		out.WriteByte('\t')
		out.WriteByte(mark)
		out.WriteString(strconv.Quote(s)[1 : len(strconv.Quote(s))-1])
		out.WriteByte('\n')
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			line(' ', x[i])
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			line('+', y[j])
			j++
		default:
			line('-', x[i])
			i++
		}
	}
	return out.String()
}

// recordedCompat reads testdata/compat/cmd.want: the guest's results of
// the cases of a command BusyBox lacks, by case name.
func recordedCompat(t *testing.T, cmd string) map[string]compatResult {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/compat", cmd+".want"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var rec []recordedResult
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatalf("testdata/compat/%s.want: %v", cmd, err)
	}
	m := map[string]compatResult{}
	for _, r := range rec {
		m[r.Name] = compatResult{Stdout: []byte(r.Stdout), Status: r.Status, Stderr: []byte(strings.Repeat("x", r.Stderr))}
	}
	return m
}

// recordedResult is a case's expectation as testdata/compat/*.want keeps
// it: readable JSON, with whether there was standard error as 0 or 1.
type recordedResult struct {
	Name   string `json:"name"`
	Status int    `json:"status"`
	Stderr int    `json:"stderr"`
	Stdout string `json:"stdout"`
}

func writeRecordedCompat(t *testing.T, cmd string, cases []compatCase, byName map[string]compatResult) {
	var rec []recordedResult
	for _, c := range cases {
		if r, ok := byName[c.name]; ok && c.cmd == cmd {
			stderr := 0
			if len(r.Stderr) > 0 {
				stderr = 1
			}
			rec = append(rec, recordedResult{Name: c.name, Status: r.Status, Stderr: stderr, Stdout: string(r.Stdout)})
		}
	}
	b, err := json.MarshalIndent(rec, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata/compat", cmd+".want"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded testdata/compat/%s.want", cmd)
}

func TestParseCompat(t *testing.T) {
	cases, err := parseCompat("ls.txt", "\n## one\nls\n\n## two\nprintf 'a\\n' |\ncat\n")
	if err != nil || len(cases) != 2 || cases[0].script != "ls\n" || cases[1].script != "printf 'a\\n' |\ncat\n" ||
		cases[1].cmd != "ls" || cases[1].line != 5 {
		t.Errorf("parseCompat: %+v, %v", cases, err)
	}
	for _, bad := range []string{"ls\n## x\nls\n", "## x\nls\n## x\nls\n", "## x\n\n## y\nls\n", "##\nls\n"} {
		if _, err := parseCompat("x.txt", bad); err == nil {
			t.Errorf("parseCompat(%q): no error", bad)
		}
	}
	if got := lineDiff("a\nb\nc\n", "a\nc\nd"); got != "\t a\\n\n\t-b\\n\n\t c\\n\n\t+d\n" {
		t.Errorf("lineDiff: %q", got)
	}
}
