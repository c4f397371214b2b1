package gotest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"pidone.dev/internal/hosttest"
)

// The plain output rebuilt from go test -json's events is go test's own,
// for tests that fail in every way that shapes it: held logs, nested and
// parallel subtests, long lines, output without a newline, examples.
func TestPlainLikeGoTest(t *testing.T) {
	hosttest.Only(t, "go")
	// -parallel 1: the parallel subtests' order is the same in both runs.
	args := []string{"test", "-count=1", "-parallel=1", "./testdata/shapes"}
	want, _ := exec.Command("go", args...).Output()
	stream, _ := exec.Command("go", append(args, "-json")...).Output()
	var got bytes.Buffer
	p := newPlain(&got)
	for _, line := range bytes.Split(bytes.TrimSpace(stream), []byte("\n")) {
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		p.event(&e)
	}
	got.WriteString("FAIL\n") // go test's last line, not in its -json
	if g, w := untimed(got.String()), untimed(string(want)); g != w || !strings.Contains(w, "--- FAIL: TestSub/a/b (T)") {
		t.Errorf("rebuilt:\n%s\ngo test:\n%s", g, w)
	}
}

var times = regexp.MustCompile(`\(\d+\.\d+s\)|\t\d+\.\d+s`)

func untimed(s string) string {
	return times.ReplaceAllStringFunc(s, func(m string) string {
		if m[0] == '(' {
			return "(T)"
		}
		return "\tT"
	})
}

// A package whose tests all skipped says how many and why: the reason
// most of them gave, or the first.
func TestSkipsNote(t *testing.T) {
	type ev = event
	run := func(test string) ev { return ev{Action: "run", Test: test} }
	log := func(test, msg string) ev {
		return ev{Action: "output", Test: test, Output: "    x_test.go:12: " + msg + "\n"}
	}
	end := func(test, action string) ev { return ev{Action: action, Test: test} }
	for _, c := range []struct {
		events []ev
		want   string
	}{
		{nil, ""},
		{[]ev{run("A"), log("A", "no root"), end("A", "skip"), run("B"), log("B", "setup"), log("B", "no cgroup2"), end("B", "skip"),
			run("C"), log("C", "no cgroup2"), end("C", "skip")}, " [all 3 tests skipped: no cgroup2]"},
		{[]ev{run("A"), log("A", "no root"), end("A", "skip"), run("B"), log("B", "no disk"), end("B", "skip")}, " [all 2 tests skipped: no root]"},
		{[]ev{run("A"), log("A", "no root"), end("A", "skip")}, " [the one test skipped: no root]"},
		{[]ev{run("A"), end("A", "skip")}, " [the one test skipped]"},
		{[]ev{run("A"), log("A", "no root"), end("A", "skip"), run("B"), end("B", "pass")}, ""},
		// A subtest's result is its parent's business.
		{[]ev{run("A"), run("A/x"), end("A/x", "pass"), log("A", "later"), end("A", "skip")}, " [the one test skipped: later]"},
	} {
		var s skips
		for _, e := range c.events {
			s.event(&e)
		}
		if got := s.note(); got != c.want {
			t.Errorf("%v: note %q, want %q", c.events, got, c.want)
		}
	}
}
