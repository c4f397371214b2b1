package lineedit

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEditor types arbitrary bytes into the editing core. The first byte
// picks the width. Nothing may panic, lines are valid UTF-8, and nothing
// is drawn in the last column (where terminals disagree).
func FuzzEditor(f *testing.F) {
	for _, c := range keyCases {
		f.Add(append([]byte{80}, c.keys...))
	}
	for _, c := range tabCases {
		f.Add(append([]byte{12}, c.keys...))
	}
	f.Add([]byte("\x05日本語\x1b[D\x1b[3~\t\t\x12本\x1b[Cx\r\x10\x10\x0b\x19\x19\r"))
	f.Add([]byte("\x00\x1b[1;5C\x1bO\x1b[[\x1b\x1b\x1b[\xe6\x97\t\x7f\x14\x17"))
	f.Fuzz(fuzzEditor)
}

func fuzzEditor(t *testing.T, data []byte) {
	if len(data) == 0 {
		return
	}
	width := int(data[0]) % 100
	keys := data[1:]
	names := []string{"echo", "exit", "日本", "ab\x01c", "dir/", "dir/a", "dir/b"}
	e := &Editor{Complete: func(line string, pos int) (int, []string) {
		start := strings.LastIndexByte(line[:pos], ' ') + 1
		var c []string
		for _, n := range names {
			if strings.HasPrefix(n, line[start:pos]) {
				c = append(c, n)
			}
		}
		return start, c
	}}
	for _, h := range []string{"echo one", "for i\ndo x; done", "日本語 é", "ls\x7f"} {
		e.AddHistory(h)
	}
	r := bytes.NewReader(keys)
	var out strings.Builder
	w := func() int { return width }
	for range 100 {
		line, err := e.edit(r, &out, w, nil, "\x1b[1m$\x1b[0m ")
		if err != nil && err != io.EOF && err != ErrInterrupted {
			t.Fatalf("error %v", err)
		}
		if err == io.EOF && r.Len() == 0 {
			break
		}
		if !utf8.ValidString(line) {
			t.Fatalf("invalid UTF-8 line %q", line)
		}
		e.AddHistory(line)
	}
	if width == 0 {
		width = 80
	}
	if width >= 12 && newScreen(width, out.String()).lastCol {
		t.Fatalf("drew in the last column of %d: %q", width, out.String())
	}

	// Printable ASCII then Enter comes back as typed.
	var text []byte
	for _, c := range keys {
		if c >= 0x20 && c < 0x7f {
			text = append(text, c)
		}
	}
	line, err := (&Editor{}).edit(bytes.NewReader(append(text, '\r')), io.Discard, w, nil, "$ ")
	if line != string(text) || err != nil {
		t.Fatalf("typed %q, got %q, %v", text, line, err)
	}
}
