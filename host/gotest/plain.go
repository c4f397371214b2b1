package gotest

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// plain rebuilds the output of a test binary run without -v from the
// events of a run with -test.v=test2json, which pidone makes so that it
// knows every test's result. Without -v, the testing package holds a
// test's log lines and prints them under its "--- FAIL" line if it
// fails; a failed subtest's report goes, indented, into its parent's;
// passing and skipped tests print nothing of their own; and what a test
// writes to stdout goes out as it comes.
type plain struct {
	w       io.Writer
	held    map[string][]byte // a running test's log lines and failed subtests' reports
	started map[string]bool   // every test that ran, to find a subtest's parent
	// The last output event left its line unfinished (test2json cuts
	// long lines): the next one of the same test continues it.
	open     bool
	openTest string
	openHeld bool
}

func newPlain(w io.Writer) *plain {
	return &plain{w: w, held: map[string][]byte{}, started: map[string]bool{}}
}

func (p *plain) event(e *event) {
	if e.Action == "run" {
		p.started[e.Test] = true
	}
	if e.Action != "output" {
		return
	}
	text := e.Output
	cont := p.open && e.Test == p.openTest && !framing(text) && !strings.HasPrefix(text, "--- ")
	p.open, p.openTest = !strings.HasSuffix(text, "\n"), e.Test
	held := false
	switch {
	case cont:
		held = p.openHeld
	case e.Test == "":
	case framing(text):
		return
	case strings.HasPrefix(text, "--- FAIL: "), strings.HasPrefix(text, "--- BENCH: "):
		p.report(e.Test, text)
		return
	case strings.HasPrefix(text, "--- PASS: "), strings.HasPrefix(text, "--- SKIP: "):
		delete(p.held, e.Test)
		return
	case strings.HasPrefix(text, indent):
		held = true // t.Log and friends
	}
	if !held && e.Test != "" {
		// A test's output without a newline, and its log line after it,
		// come as one line: without -v, the log line was held.
		if loc := embeddedLog.FindStringIndex(text); loc != nil && loc[0] > 0 {
			io.WriteString(p.w, text[:loc[0]])
			text, held = text[loc[0]:], true
		}
	}
	p.openHeld = held
	if held {
		p.held[e.Test] = append(p.held[e.Test], text...)
		return
	}
	io.WriteString(p.w, text)
}

// report prints a failed test's report, or holds it in its parent's.
func (p *plain) report(test, line string) {
	block := append([]byte(line), p.held[test]...)
	delete(p.held, test)
	if parent := p.parent(test); parent != "" {
		p.held[parent] = append(p.held[parent], indented(block)...)
		return
	}
	p.w.Write(block)
}

// parent is the test that ran test as a subtest, or "". A subtest's own
// name may hold a slash: the parent is the longest prefix that ran.
func (p *plain) parent(test string) string {
	for i := strings.LastIndexByte(test, '/'); i > 0; i = strings.LastIndexByte(test[:i], '/') {
		if p.started[test[:i]] {
			return test[:i]
		}
	}
	return ""
}

const indent = "    "

// embeddedLog finds a log line's start ("    file_test.go:12: ") after
// output without a newline.
var embeddedLog = regexp.MustCompile(`    [\w.+-]+\.go:\d+: `)

// indented is b with every line indented, as the testing package indents
// a subtest's report in its parent's.
func indented(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		end := len(b)
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			end = i + 1
		}
		out = append(append(out, indent...), b[:end]...)
		b = b[end:]
	}
	return out
}

// framing reports whether an output line is one of the testing package's
// "=== RUN" lines, which it prints only with -v.
func framing(line string) bool {
	for _, w := range []string{"RUN ", "PAUSE ", "CONT ", "NAME ", "ATTR ", "ARTIFACTS "} {
		if strings.HasPrefix(line, "=== "+w) {
			return true
		}
	}
	return false
}

// skips follows the top-level tests' results and their last log
// messages, to say why a package whose tests all skipped did.
type skips struct {
	order  []string
	result map[string]string
	last   map[string]string
}

// logLine is a line of t.Log, t.Skip and friends: the message after the
// file and line.
var logLine = regexp.MustCompile(`^    [^\s:]+:\d+: (.*)`)

func (s *skips) event(e *event) {
	if e.Test == "" || strings.Contains(e.Test, "/") {
		return
	}
	if s.result == nil {
		s.result, s.last = map[string]string{}, map[string]string{}
	}
	switch e.Action {
	case "run":
		if _, ok := s.result[e.Test]; !ok {
			s.order = append(s.order, e.Test)
			s.result[e.Test] = ""
		}
	case "pass", "fail", "skip":
		s.result[e.Test] = e.Action
	case "output":
		if m := logLine.FindStringSubmatch(e.Output); m != nil {
			s.last[e.Test] = strings.TrimSpace(m[1])
		}
	}
}

// note is what pidone adds to a passing package's ok line: "" unless all
// of its tests skipped, then how many and why: the reason most of them
// gave, or the first.
func (s *skips) note() string {
	if len(s.order) == 0 {
		return ""
	}
	count := map[string]int{}
	reason := ""
	for _, t := range s.order {
		if s.result[t] != "skip" {
			return ""
		}
		r := s.last[t]
		if r == "" {
			continue
		}
		count[r]++
		if count[r] > count[reason] {
			reason = r
		}
	}
	what := fmt.Sprintf("all %d tests skipped", len(s.order))
	if len(s.order) == 1 {
		what = "the one test skipped"
	}
	if reason != "" {
		what += ": " + reason
	}
	return " [" + what + "]"
}
