package gotest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzEvents: go test -json's events, from a test binary in the guest,
// rebuilt as plain output and followed for skips. Nothing panics, and
// the plain output (with what is still held) is the events' output and
// at most its indentation: nothing is copied twice.
func FuzzEvents(f *testing.F) {
	for _, s := range []string{
		`{"Action":"run","Test":"A"}` + "\n" + `{"Action":"output","Test":"A","Output":"    x_test.go:12: no root\n"}` + "\n" + `{"Action":"skip","Test":"A"}`,
		`{"Action":"run","Test":"T"}` + "\n" + `{"Action":"run","Test":"T/a/b"}` + "\n" + `{"Action":"output","Test":"T/a/b","Output":"partial"}` + "\n" +
			`{"Action":"output","Test":"T/a/b","Output":"    y_test.go:3: log\n"}` + "\n" + `{"Action":"output","Test":"T/a/b","Output":"--- FAIL: T/a/b (0.00s)\n"}` + "\n" +
			`{"Action":"output","Test":"T","Output":"--- FAIL: T (0.00s)\n"}` + "\n" + `{"Action":"fail","Test":"T"}` + "\n" + `{"Action":"fail"}`,
		`{"Action":"output","Output":"=== RUN   T\n"}` + "\n" + `{"Action":"output","Test":"T","Output":"=== PAUSE T\n"}` + "\n" + `{"Action":"pass","Package":"p","Elapsed":1.5}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var out bytes.Buffer
		p := newPlain(&out)
		var sk skips
		outputs, depth := 0, 0
		for _, line := range strings.Split(in, "\n") {
			var e event
			if json.Unmarshal([]byte(line), &e) != nil {
				continue
			}
			if e.Action == "output" {
				outputs += len(e.Output)
			}
			depth = max(depth, strings.Count(e.Test, "/"))
			e.ends()
			p.event(&e)
			sk.event(&e)
			var again event
			if err := json.Unmarshal(e.marshal(), &again); err != nil || again.Action != e.Action || again.Test != e.Test {
				t.Errorf("event %+v written as %s: %v", e, e.marshal(), err)
			}
		}
		sk.note()
		total := out.Len()
		for _, h := range p.held {
			total += len(h)
		}
		if limit := outputs * (1 + len(indent)*depth); total > limit {
			t.Errorf("%d bytes out and held from %d of output at depth %d", total, outputs, depth)
		}
	})
}

// FuzzProfiles: the guest's coverage profiles merge to one with a mode
// line first and every profile's blocks, whole lines.
func FuzzProfiles(f *testing.F) {
	f.Add("mode: count\nx.go:1.1,2.2 1 3\n", "mode: count\nx.go:1.1,2.2 1 3\ny.go:1.1,2.2 1 0")
	f.Add("", "mode: atomic")
	f.Fuzz(func(t *testing.T, a, b string) {
		got := mergeProfiles([][]byte{[]byte(a), []byte(b)})
		if !bytes.HasPrefix(got, []byte("mode: ")) || !bytes.HasSuffix(got, []byte("\n")) {
			t.Errorf("merged %q", got)
		}
		for _, p := range []string{a, b} {
			if m, rest, ok := strings.Cut(p, "\n"); ok && strings.HasPrefix(m, "mode: ") {
				p = rest
			}
			if !bytes.Contains(got, []byte(p)) {
				t.Errorf("merged %q lacks %q", got, p)
			}
		}
		coverage(got)
		noTests(got)
	})
}
