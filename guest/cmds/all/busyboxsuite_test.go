//go:build busyboxsuite

package all_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
)

// TestBusyBoxSuite runs BusyBox's own test suite (testsuite/ in its
// repository: the .tests files' "testing" cases and the old-style one
// script a case directories) for the applets pidone has, once against
// the host's BusyBox and once against pidone's commands built for the
// host, and reports per applet how many of the cases BusyBox itself
// passes pidone passes too. It fails an applet below 95%.
//
// BusyBox's code is not part of pidone: give the suite's place,
//
//	BUSYBOX_SRC=/path/to/busybox go test -tags busyboxsuite -run BusyBoxSuite -v ./guest/cmds/all
//
// a checkout or a bare git directory (its HEAD's testsuite is used).
//
// How the cases run, the same for both sides: under the host's /bin/sh
// as with BusyBox's runtest (the shell is not what is measured, and
// BusyBox's sh would run its own applets whatever PATH says). The .tests files run in a copy of
// testsuite with the applets' links first on PATH, as BusyBox's runtest
// does; on pidone's side pidone's commands come first and BusyBox's
// applets fill in the helpers the cases use that pidone lacks (cmp,
// diff, od, ...). Old-style cases call "busybox APPLET", which on
// pidone's side is a script running pidone's APPLET. testing.sh is
// replaced by this file's own: its "optional" runs every case whatever
// BusyBox's configuration, which Debian's build does not ship; the cases
// its BusyBox fails (a feature it lacks) are then left out of the
// measure.
func TestBusyBoxSuite(t *testing.T) {
	src := os.Getenv("BUSYBOX_SRC")
	if src == "" {
		t.Skip("BUSYBOX_SRC is not set")
	}
	bb := hostBusybox(t)
	work := t.TempDir()
	guest := filepath.Join(work, "pidone")
	build := exec.Command("go", "build", "-o", guest, "pidone.dev/cmd/pidone-guest")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the guest for the host: %v\n%s", err, out)
	}

	var names []string
	for _, c := range cmds.All() {
		names = append(names, c.Name)
	}
	sides := []*suiteSide{
		{name: "busybox", links: busyboxLinks(t, bb), busybox: busyboxOnly(t, bb)},
		// egrep and fgrep are grep's other names in BusyBox; pidone has
		// no such commands, and BusyBox's must not stand in for them.
		{name: "pidone", more: busyboxLinks(t, bb, "egrep", "fgrep")},
	}
	sides[1].links, sides[1].busybox = pidoneLinks(t, bb, guest, names)
	ts := extractSuite(t, src)
	var applets []string
	for _, n := range names {
		if reason, ok := suiteLeftOut[n]; ok {
			t.Logf("%s: not run: %s", n, reason)
			continue
		}
		_, err1 := os.Stat(filepath.Join(ts, n+".tests"))
		_, err2 := os.Stat(filepath.Join(ts, n))
		if err1 == nil || err2 == nil {
			applets = append(applets, n)
		}
	}
	for _, s := range sides {
		s.results = map[string][]suiteCase{}
		for _, a := range applets {
			s.results[a] = runApplet(t, bb, ts, s, a)
		}
	}

	var report strings.Builder
	total := map[string]int{}
	fmt.Fprintf(&report, "%-10s %6s %8s %8s %6s %12s\n", "applet", "cases", "busybox", "pidone", "%", "not followed")
	for _, a := range applets {
		bbRes := indexCases(sides[0].results[a])
		var n, pass, skipped int
		var fails, extra []string
		for _, c := range sides[1].results[a] {
			b, ok := bbRes[c.key]
			if why, ok := suiteNotFollowed[a+": "+c.key]; ok {
				t.Logf("%s: not followed (%s): %s", a, passFail(c.pass), c.key+": "+why)
				skipped++
				continue
			}
			if !ok || !b.pass {
				if c.pass {
					extra = append(extra, c.key)
				}
				continue
			}
			n++
			if c.pass {
				pass++
			} else {
				fails = append(fails, c.key+"\n"+indent(c.detail))
			}
		}
		pct := 100.0
		if n > 0 {
			pct = 100 * float64(pass) / float64(n)
		}
		total["cases"] += len(sides[0].results[a])
		total["busybox"] += n
		total["pidone"] += pass
		total["skipped"] += skipped
		fmt.Fprintf(&report, "%-10s %6d %8d %8d %6.1f %12d\n", a, len(sides[0].results[a]), n, pass, pct, skipped)
		for _, f := range fails {
			t.Logf("%s: FAIL %s", a, f)
		}
		for _, x := range extra {
			t.Logf("%s: passes where BusyBox fails: %s", a, x)
		}
		if pct < 95 {
			t.Errorf("%s: pidone passes %d of the %d cases BusyBox passes (%.0f%%)", a, pass, n, pct)
		}
	}
	fmt.Fprintf(&report, "%-10s %6d %8d %8d %6.1f %12d\n", "all", total["cases"], total["busybox"], total["pidone"],
		100*float64(total["pidone"])/float64(total["busybox"]), total["skipped"])
	t.Logf("BusyBox's test suite, the cases BusyBox %s passes and how many of them pidone passes:\n%s", busyboxVersion(bb), report.String())
}

// suiteNotFollowed are cases pidone means to fail, and why; they are
// left out of the measure (and shown).
var suiteNotFollowed = map[string]string{
	"date: date-works-1": "its last check wants BusyBox's banner (\"BusyBox v... multi-call binary\") " +
		"on a bad date; pidone's commands are not BusyBox and say so (its other checks pass)",
	"grep: grep is also egrep": "pidone has no egrep command (grep -E is egrep)",
}

func passFail(pass bool) string {
	if pass {
		return "passes"
	}
	return "fails"
}

// suiteLeftOut are applets whose cases are not run, and why.
var suiteLeftOut = map[string]string{
	"mount": "its cases mount loop devices on the host",
	"wget":  "its cases fetch from the Internet",
}

type suiteSide struct {
	name    string
	links   string // the applets under test, first on PATH
	more    string // helpers after them
	busybox string // only a busybox, which old-style cases call
	results map[string][]suiteCase
}

type suiteCase struct {
	key    string // "name" or "name #2" for a second case of one name
	pass   bool
	detail string
}

func indexCases(cs []suiteCase) map[string]suiteCase {
	m := map[string]suiteCase{}
	for _, c := range cs {
		m[c.key] = c
	}
	return m
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

// pidoneLinks makes the PATH directories of pidone's side: one with a
// link to the guest binary for each of pidone's commands that BusyBox
// also has, and one with a busybox that runs pidone's command of that
// name when there is one.
func pidoneLinks(t *testing.T, bb, guest string, names []string) (links, shim string) {
	dir := t.TempDir()
	shim = t.TempDir()
	out, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range strings.Fields(string(out)) {
		have[n] = true
	}
	// grep's other names are not pidone's, nor may the host's stand in.
	for _, n := range []string{"egrep", "fgrep"} {
		script := "#!/bin/sh\necho " + n + ": not a pidone command >&2\nexit 127\n"
		if err := os.WriteFile(filepath.Join(dir, n), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var ours []string
	for _, n := range names {
		if have[n] {
			ours = append(ours, n)
			if err := os.Symlink(guest, filepath.Join(dir, n)); err != nil {
				t.Fatal(err)
			}
		}
	}
	script := fmt.Sprintf("#!%s sh\ncase $1 in\n%s) exec %s \"$@\";;\nesac\nexec %s \"$@\"\n",
		bb, strings.Join(ours, "|"), guest, bb)
	if err := os.WriteFile(filepath.Join(shim, "busybox"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, shim
}

// busyboxOnly is a directory with only busybox in it.
func busyboxOnly(t *testing.T, bb string) string {
	dir := t.TempDir()
	if err := os.Symlink(bb, filepath.Join(dir, "busybox")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// extractSuite copies testsuite out of src (a checkout or a git
// directory) and puts this test's testing.sh and a .config in bindir.
func extractSuite(t *testing.T, src string) string {
	dir := t.TempDir()
	if _, err := os.Stat(filepath.Join(src, "testsuite", "testing.sh")); err == nil {
		cmd := exec.Command("cp", "-a", filepath.Join(src, "testsuite"), dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", cmd, err, out)
		}
	} else {
		cmd := exec.Command("sh", "-c", `git --git-dir="$1" archive HEAD testsuite | tar -x -C "$2"`, "sh", src, dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: neither a checkout nor a git directory of BusyBox: %v\n%s", src, err, out)
		}
	}
	ts := filepath.Join(dir, "testsuite")
	if err := os.WriteFile(filepath.Join(ts, "testing.sh"), []byte(testingSh), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".config"), []byte(suiteConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	return ts
}

// suiteConfig is the .config the cases read (bindir/.config): the
// features they test for that Debian's BusyBox has. Old-style cases skip
// only on "# CONFIG_X is not set", which it never says.
const suiteConfig = `CONFIG_FEATURE_FANCY_HEAD=y
CONFIG_FEATURE_LS_SORTFILES=y
`

// testingSh stands in for BusyBox's testsuite/testing.sh: the same
// "testing NAME COMMANDS EXPECTED INPUT STDIN" interface, written for
// this test, with "optional" running every case and a failure shown as
// a diff. $ECHO is BusyBox's echo, which takes -ne (dash's does not).
const testingSh = `export ECHO
FAILCOUNT=0
SKIP=
optional() { SKIP=; }
testing() {
	NAME=$1
	[ -n "$1" ] || NAME=$2
	if [ $# -ne 5 ]; then
		echo "Test $NAME has $# arguments, not 5" >&2
		exit 1
	fi
	if [ -n "$SKIP" ]; then
		echo "SKIPPED: $NAME"
		return 0
	fi
	$ECHO -ne "$3" > expected
	$ECHO -ne "$4" > input
	$ECHO -ne "$5" | eval "$2" > actual
	RETVAL=$?
	if cmp expected actual >/dev/null 2>&1; then
		echo "PASS: $NAME"
	else
		FAILCOUNT=$(($FAILCOUNT + 1))
		echo "FAIL: $NAME"
		diff -u expected actual | sed 's/^/	/'
	fi
	rm -f input expected actual
	return $RETVAL
}
`

// runApplet runs an applet's cases on one side: its .tests file in a
// fresh copy of the suite, and each old-style case in an empty directory.
func runApplet(t *testing.T, bb, ts string, s *suiteSide, applet string) []suiteCase {
	hostPath := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	bindir := filepath.Dir(ts)
	var cases []suiteCase
	seen := map[string]int{}
	add := func(name string, pass bool, detail string) {
		seen[name]++
		key := name
		if n := seen[name]; n > 1 {
			key = fmt.Sprintf("%s #%d", name, n)
		}
		cases = append(cases, suiteCase{key: key, pass: pass, detail: detail})
	}
	if _, err := os.Stat(filepath.Join(ts, applet+".tests")); err == nil {
		path := s.links + ":"
		if s.more != "" {
			path += s.more + ":"
		}
		path += ts + ":" + bindir + ":" + hostPath
		out, _ := runSuiteScript(ts, []string{"PATH=" + path, "bindir=" + bindir, "ECHO=" + bb + " echo"}, "./"+applet+".tests")
		sc := bufio.NewScanner(bytes.NewReader(out))
		var last *suiteCase
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "PASS: "):
				add(line[6:], true, "")
				last = nil
			case strings.HasPrefix(line, "FAIL: "):
				add(line[6:], false, "")
				last = &cases[len(cases)-1]
			case last != nil && strings.HasPrefix(line, "\t"):
				last.detail += line[1:] + "\n"
			}
		}
	}
	old, _ := filepath.Glob(filepath.Join(ts, applet, "*"))
	sort.Strings(old)
	for _, tc := range old {
		dir, err := os.MkdirTemp(t.TempDir(), "case")
		if err != nil {
			t.Fatal(err)
		}
		// Old-style cases compare with the host's own tools (ls, id,
		// readlink): BusyBox's runtest puts only busybox before them.
		env := []string{"PATH=" + s.busybox + ":" + hostPath, "bindir=" + bindir, "d=" + ts, "ECHO=" + bb + " echo"}
		out, err := runSuiteScript(dir, env, "-x", "-e", tc)
		if os.Getenv("SUITE_DEBUG") != "" {
			t.Logf("%s %s: %v\n%s", s.name, tc, err, out)
		}
		add(filepath.Base(tc), err == nil, string(out))
	}
	return cases
}

// runSuiteScript runs a case with the host's /bin/sh, as BusyBox's
// runtest does: BusyBox's own sh would run its applets whatever PATH
// says (Debian builds it to prefer them), "busybox" included.
func runSuiteScript(dir string, env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + dir, "LC_ALL=C"}, env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.Bytes(), err
}
