package editors

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
)

// sedWritesOut reports whether a script could make a w file outside
// the directory it is compiled in: a w or W whose line goes on with a
// slash (an absolute or ../ name). Such scripts are skipped, at the
// cost of some with w and a slash on one line.
func sedWritesOut(script string) bool {
	for _, line := range strings.Split(script, "\n") {
		for i := 0; i < len(line); i++ {
			if (line[i] == 'w' || line[i] == 'W') && strings.ContainsRune(line[i:], '/') {
				return true
			}
		}
	}
	return false
}

func FuzzSedParse(f *testing.F) {
	for _, s := range []string{
		"s/o/0/", "s/o/[&]/g", "s/a/x/2g", "s/A/x/gI", "s|/|\\||g", "s/x/a\\nb/",
		"1i\\\ntop", "$a end", "a\\", "s/x/X/;T;s/$/!/", "s/x/X/;tdone;s/$/?/;:done",
		"/a/,/b/{s/x/y/;p}", "2,+3d", "1~2p", "$!N;P;D", "y/abc/xyz/", "/x/I,$ !d",
		"w out", "s/a/b/w out2", "r in", "=;l;q5", "0,/re/s//X/", "\\%a%p", "{\n:l\nn;bl\n}",
		"s/\\(a\\)\\1/\\2/", "s/[/]/x/", "h;G;x;g;H", "c\\\nchanged",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		if sedWritesOut(script) {
			return
		}
		dir := t.TempDir()
		e := &cmds.Env{Dir: dir, Stdout: io.Discard, Stderr: io.Discard}
		p := &sedProg{e: e, wfiles: map[string]*sedOutput{}}
		err := p.parseAll(strings.Split(script, "\x01"))
		p.closeFiles()
		if names, _ := os.ReadDir(filepath.Dir(dir)); len(names) != 1 {
			t.Fatalf("%q: compiling wrote beside its directory: %v", script, names)
		}
		if err != nil {
			return
		}
		for i, c := range p.cmds {
			if c.cmd == '{' && (c.block <= i || c.block >= len(p.cmds) || p.cmds[c.block].cmd != '}') {
				t.Errorf("%q: { at %d closes at %d", script, i, c.block)
			}
			if (c.cmd == 'b' || c.cmd == 't' || c.cmd == 'T') && c.text != "" && p.label(c.text) < 0 {
				t.Errorf("%q: jump to missing label %q", script, c.text)
			}
		}
	})
}

// FuzzDiffLines checks the hunks diff prints: in order, within both
// files, and turning the first file into the second.
func FuzzDiffLines(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Add("", "x\n")
	f.Add("same\n", "same")
	f.Add("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\nX\n4\n5\n6\n7\nY\n")
	f.Fuzz(func(t *testing.T, x, y string) {
		a, b := splitKeep(x), splitKeep(y)
		var got []string
		prev := 0
		for _, d := range diffLines(a, b) {
			if d.Start < prev || d.End < d.Start || d.End > len(a) || d.ReplStart < 0 || d.ReplEnd < d.ReplStart || d.ReplEnd > len(b) {
				t.Fatalf("%q %q: bad hunk %+v", x, y, d)
			}
			got = append(got, a[prev:d.Start]...)
			got = append(got, b[d.ReplStart:d.ReplEnd]...)
			prev = d.End
		}
		got = append(got, a[prev:]...)
		if strings.Join(got, "") != y {
			t.Errorf("%q %q: hunks make %q", x, y, strings.Join(got, ""))
		}
	})
}
