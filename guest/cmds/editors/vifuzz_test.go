package editors

import (
	"io"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/term"
)

// FuzzVi types arbitrary keys into vi. Nothing may panic, the cursor
// stays in the text, and the screen draws.
func FuzzVi(f *testing.F) {
	for _, c := range append(motionCases, editCases...) {
		f.Add(c.keys)
	}
	f.Add("d/x\r3.u\x12:%s/o/\\r/g\ruJJJ5x\x16\x1bR日本\x7f\x1b~~%")
	f.Fuzz(func(t *testing.T, keys string) {
		v := &vi{env: &cmds.Env{Dir: t.TempDir()}, cols: 20, rows: 5}
		v.load("f")
		v.lines, _ = splitLines([]byte("the quick\tbrown\n\n  fox (jumps)\n日本語 over\xff\n"))
		s := &screen{}
		if hasRun(keys, "0123456789", 4) {
			return // huge counts are TestViHugeCounts's: here they only slow the fuzzing
		}
		in := &term.Reader{R: strings.NewReader(safeEx(keys)), EscKey: true}
		for !v.quit {
			k, err := in.ReadKey()
			if err != nil {
				break
			}
			v.key(k)
			if len(v.lines) > 1<<16 {
				return // 999ix<Enter> and the like: enough text
			}
			end := len(v.lines[min(max(v.cy, 0), len(v.lines)-1)])
			if v.mode == normal && len(v.pending) == 0 {
				end = max(end-1, 0) // on a character, not after the last
			}
			if len(v.lines) == 0 || v.cy < 0 || v.cy >= len(v.lines) || v.cx < 0 || v.cx > end {
				t.Fatalf("cursor at %d,%d in %d lines", v.cy, v.cx, len(v.lines))
			}
			if err := s.draw(io.Discard, v); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// safeEx keeps the command lines in keys from reading or writing files
// outside the test's directory: :w /etc/passwd must not come up.
func safeEx(keys string) string {
	var b strings.Builder
	ex := false
	for _, r := range keys {
		switch {
		case r == ':':
			ex = true
		case r == '\r' || r == '\n' || r == 0x1b:
			ex = false
		case ex && strings.ContainsRune("werxn", r):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasRun reports whether s has more than n bytes in a row out of set.
func hasRun(s, set string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			run = 0
		} else if run++; run > n {
			return true
		}
	}
	return false
}
