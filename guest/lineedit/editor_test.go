package lineedit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

const (
	up    = "\x1b[A"
	down  = "\x1b[B"
	right = "\x1b[C"
	left  = "\x1b[D"
)

// keyCase is one line typed: keys go in, line and err come out, and what
// was drawn contains each of drawn. Through a terminal, keys arrive
// faster than they are drawn and the editor draws only once they stop,
// so drawnCore checks states in between, on the core only.
type keyCase struct {
	name      string
	history   []string
	keys      string
	want      string
	err       error
	drawn     []string
	drawnCore []string
	notDrawn  []string
}

var keyCases = []keyCase{
	{name: "plain", keys: "hello world\r", want: "hello world"},
	{name: "newline ends too", keys: "hi\n", want: "hi"},
	{name: "insert in the middle", keys: "helo" + left + "l\r", want: "hello"},
	{name: "ctrl-b ctrl-f", keys: "ac\x02b\x06d\r", want: "abcd"},
	{name: "ss3 arrows", keys: "ac\x1bODb\x1bOCd\r", want: "abcd"},
	{name: "home end csi", keys: "bc\x1b[Ha\x1b[Fd\r", want: "abcd"},
	{name: "home end tilde", keys: "bc\x1b[1~a\x1b[4~d\x1b[7~<\x1b[8~>\r", want: "<abcd>"},
	{name: "home end ss3", keys: "bc\x1bOHa\x1bOFd\r", want: "abcd"},
	{name: "ctrl-a ctrl-e", keys: "bc\x01a\x05d\r", want: "abcd"},
	{name: "backspace", keys: "abx\x7fc\r", want: "abc"},
	{name: "ctrl-h", keys: "abx\x08c\r", want: "abc"},
	{name: "backspace at start", keys: "ab\x01\x7f\r", want: "ab"},
	{name: "delete", keys: "abxc" + left + left + "\x1b[3~\r", want: "abc"},
	{name: "ctrl-d deletes", keys: "abxc\x02\x02\x04\r", want: "abc"},
	{name: "ctrl-d at end of line", keys: "ab\x04\r", want: "ab"},
	{name: "ctrl-k", keys: "hello world\x01\x06\x06\x06\x06\x06\x0b\r", want: "hello"},
	{name: "ctrl-u", keys: "hello world" + strings.Repeat(left, 6) + "\x15\r", want: " world"},
	{name: "ctrl-w", keys: "echo foo bar\x17\r", want: "echo foo "},
	{name: "ctrl-w twice then yank", keys: "echo foo bar\x17\x17\x01\x19\r", want: "foo barecho "},
	{name: "ctrl-k ctrl-y twice", keys: "abc\x01\x0b\x19\x19\r", want: "abcabc"},
	{name: "alt-b alt-f", keys: "foo bar\x1bb\x1bbX\x1bfY\r", want: "XfooY bar"},
	{name: "alt-d alt-backspace", keys: "one two three\x1b\x7f\x01\x1bd\r", want: " two "},
	{name: "ctrl-left", keys: "foo bar\x1b[1;5DX\r", want: "foo Xbar"},
	{name: "ctrl-t", keys: "abc\x02\x14\r", want: "acb"},
	{name: "ctrl-t at end", keys: "ab\x14\r", want: "ba"},
	{name: "utf-8", keys: "café 日本\r", want: "café 日本"},
	{name: "utf-8 editing", keys: "日本" + left + "x" + right + "é\x7f\x7f!\r", want: "日x!"},
	{name: "unknown escapes swallowed", keys: "a\x1b[15~b\x1b[200~c\x1bOPd\x1b[1;2Pe\x1b[[Af\x1bzg\r", want: "abcdefg"},
	{name: "broken escape then enter", keys: "a\x1b[1\r", want: "a"},
	{name: "invalid utf-8 dropped", keys: "a\xffb\xc3(\r", want: "ab("},
	{name: "other controls ignored", keys: "a\x1a\x00\x1cb\r", want: "ab"},
	{name: "ctrl-c", keys: "abc\x03", err: ErrInterrupted, drawn: []string{"^C"}},
	{name: "ctrl-d at empty line", keys: "\x04", err: io.EOF},
	{name: "ctrl-d after erasing", keys: "a\x7f\x04", err: io.EOF},
	{name: "ctrl-l", keys: "ab\x0cc\r", want: "abc", drawn: []string{"\x1b[H\x1b[2J"}},

	{name: "up", history: []string{"one", "two"}, keys: up + "\r", want: "two"},
	{name: "up up", history: []string{"one", "two"}, keys: up + up + "\r", want: "one"},
	{name: "up past the oldest", history: []string{"one"}, keys: up + up + "\r", want: "one", drawn: []string{"\a"}},
	{name: "up up down", history: []string{"one", "two"}, keys: up + up + down + "\r", want: "two"},
	{name: "back down to the draft", history: []string{"one"}, keys: "draft" + up + down + "\r", want: "draft"},
	{name: "edits kept while walking", history: []string{"one", "two"}, keys: up + "X" + up + down + "\r", want: "twoX"},
	{name: "ctrl-p ctrl-n", history: []string{"one", "two"}, keys: "\x10\x10\x0e\r", want: "two"},
	{name: "multi-line entry", history: []string{"for i in 1\ndo :; done"}, keys: up + "\r", want: "for i in 1\ndo :; done", drawn: []string{"1^Jdo"}},

	{name: "search", history: searchHist, keys: "\x12echo\r", want: "echo two", drawnCore: []string{"(reverse-i-search)`echo': echo two"}},
	{name: "search again", history: searchHist, keys: "\x12echo\x12\r", want: "echo one"},
	{name: "search then edit", history: searchHist, keys: "\x12ls\x05 x\r", want: "ls -l x"},
	{name: "search then arrow", history: searchHist, keys: "\x12one" + left + "X\r", want: "echoX one"},
	{name: "search cancel ctrl-g", history: searchHist, keys: "draft\x12ls\x07\r", want: "draft"},
	{name: "search cancel ctrl-c", history: searchHist, keys: "draft\x12ls\x03\r", want: "draft"},
	{name: "search backspace", history: searchHist, keys: "\x12lsx\x7f\r", want: "ls -l", drawnCore: []string{"failed reverse-i-search"}},
	{name: "search utf-8", history: []string{"echo 日本 x", "ls"}, keys: "\x12本\x06Y\r", want: "echo 日本Y x"},
	{name: "search nothing", keys: "\x12zz\x7f\x7f\r", want: ""},
	{name: "search in an edited entry", history: []string{"000S"}, keys: up + "\x170\x12S\x1c\r", want: "0"},
	{name: "search then walk", history: searchHist, keys: "\x12ls" + up + "\r", want: "echo one"},
}

var searchHist = []string{"echo one", "ls -l", "echo two"}

// tabNames are the commands the completion tests know.
var tabNames = []string{"echo", "exit", "foobar", "foobaz", "git", "grep", "gzip"}

var tabCases = []keyCase{
	{name: "one candidate", keys: "ech\t\r", want: "echo "},
	{name: "common prefix", keys: "foo\t\r", want: "fooba"},
	{name: "no candidate", keys: "zzz\t\r", want: "zzz", drawn: []string{"\a"}},
	{name: "file", keys: "cat so\t\r", want: "cat solo.txt "},
	{name: "directory", keys: "cd di\t\r", want: "cd dir/"},
	{name: "in the middle", keys: "ech x" + left + left + "\t\r", want: "echo  x"},
	{name: "utf-8 before", keys: "é; ech\t\r", want: "é; echo "},
	{name: "one tab does not list", keys: "g\t\r", want: "g", notDrawn: []string{"grep"}},
	{name: "double tab lists", keys: "g\t\tr\r", want: "gr", drawn: []string{"git   grep  gzip\r"}},
	{name: "prefix then list", keys: "foo\t\t\r", want: "fooba", drawn: []string{"foobar  foobaz"}},
	{name: "paths listed by name", keys: "cat dir/\t\t\r", want: "cat dir/", drawn: []string{"\na.go  b.go\r"}},
}

// runCore runs the editing core on keys, without a terminal.
func runCore(e *Editor, width int, prompt, keys string) (string, error, string) {
	var out strings.Builder
	e.loadHistory()
	line, err := e.edit(strings.NewReader(keys), &out, func() int { return width }, nil, prompt)
	return line, err, out.String()
}

// runKeyCases runs each case twice: on the core and through a real
// pseudo-terminal.
func runKeyCases(t *testing.T, cases []keyCase, complete func(string, int) (int, []string)) {
	for _, mode := range []string{"core", "pty"} {
		for _, c := range cases {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				e := &Editor{Complete: complete}
				for _, h := range c.history {
					e.AddHistory(h)
				}
				var line, drawn string
				var err error
				if mode == "core" {
					line, err, drawn = runCore(e, 80, "$ ", c.keys)
				} else {
					p := openPTY(t, 80)
					e.In, e.Out = p.slave, p.slave
					line, err = p.readLine(e, "$ ", c.keys)
					drawn = p.sync()
				}
				if line != c.want || !errors.Is(err, c.err) {
					t.Errorf("got %q, %v; want %q, %v", line, err, c.want, c.err)
				}
				checks := c.drawn
				if mode == "core" {
					checks = append(checks, c.drawnCore...)
				}
				for _, d := range checks {
					if !strings.Contains(drawn, d) {
						t.Errorf("drawn %q does not contain %q", drawn, d)
					}
				}
				for _, d := range c.notDrawn {
					if strings.Contains(drawn, d) {
						t.Errorf("drawn %q contains %q", drawn, d)
					}
				}
				if newScreen(80, drawn).lastCol {
					t.Errorf("drew in the last column: %q", drawn)
				}
			})
		}
	}
}

func TestKeys(t *testing.T) {
	runKeyCases(t, keyCases, nil)
}

func TestTab(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"solo.txt", "dir/a.go", "dir/b.go"} {
		writeFile(t, filepath.Join(dir, f), "")
	}
	complete := func(line string, pos int) (int, []string) {
		return CompleteWords(line, pos, func() []string { return tabNames }, dir)
	}
	runKeyCases(t, tabCases, complete)
}

func TestTabMany(t *testing.T) {
	var many []string
	for i := range 150 {
		many = append(many, fmt.Sprintf("c%03d", i))
	}
	complete := func(line string, pos int) (int, []string) { return 0, many }
	ask := "Display all 150 possibilities? (y or n)"
	runKeyCases(t, []keyCase{
		{name: "no", keys: "c\t\tn\r", want: "c", drawn: []string{ask}, notDrawn: []string{"c149"}},
		{name: "yes", keys: "c\t\ty\r", want: "c", drawn: []string{ask, "c149"}},
	}, complete)
}

func TestTabPanics(t *testing.T) {
	complete := func(line string, pos int) (int, []string) { panic("boom") }
	runKeyCases(t, []keyCase{{name: "panic", keys: "x\t\r", want: "x", drawn: []string{"\a"}}}, complete)
	bad := func(line string, pos int) (int, []string) { return pos + 5, []string{"a", "b"} }
	runKeyCases(t, []keyCase{{name: "start out of range", keys: "x\t\r", want: "x", drawn: []string{"\a"}}}, bad)
}

func TestTypeAhead(t *testing.T) {
	p := openPTY(t, 80)
	// Typed while the terminal is still cooked, as while a command runs.
	p.typeKeys("echo hi\r")
	e := &Editor{In: p.slave, Out: p.slave}
	line, err := p.wait(p.start(e, "$ "))
	if line != "echo hi" || err != nil {
		t.Fatalf("got %q, %v", line, err)
	}
}

func TestPastedLines(t *testing.T) {
	p := openPTY(t, 80)
	e := &Editor{In: p.slave, Out: p.slave}
	line, err := p.readLine(e, "$ ", "one\rtwo\r")
	if line != "one" || err != nil {
		t.Fatalf("first: got %q, %v", line, err)
	}
	// The second line is still the terminal's, for a command to read.
	if n, _ := unix.IoctlGetInt(p.fd, unix.TIOCINQ); n != 4 || e.in.Buffered() != 0 {
		t.Errorf("after the first line: %d bytes in the terminal, %d kept; want 4, none", n, e.in.Buffered())
	}
	line, err = p.wait(p.start(e, "$ "))
	if line != "two" || err != nil {
		t.Fatalf("second: got %q, %v", line, err)
	}
}

// panicWriter panics when asked to draw an X.
type panicWriter struct{ w io.Writer }

func (p panicWriter) Write(b []byte) (int, error) {
	if strings.Contains(string(b), "X") {
		panic("X")
	}
	return p.w.Write(b)
}

func TestModesRestored(t *testing.T) {
	for _, c := range []struct {
		name string
		keys string
		out  bool // use panicWriter
	}{
		{"enter", "ls\r", false},
		{"ctrl-c", "ls\x03", false},
		{"ctrl-d", "\x04", false},
		{"panic", "X", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := openPTY(t, 80)
			before := p.termios()
			e := &Editor{In: p.slave, Out: p.slave}
			if c.out {
				e.Out = panicWriter{p.slave}
			}
			ch := make(chan any, 1)
			go func() {
				defer func() { ch <- recover() }()
				e.ReadLine("$ ")
			}()
			p.waitRaw()
			p.typeKeys(c.keys)
			if r := <-ch; (r != nil) != c.out {
				t.Errorf("recovered %v", r)
			}
			if after := p.termios(); after != before {
				t.Errorf("modes not restored:\n%+v\n%+v", before, after)
			}
		})
	}
}

func TestWidthUnknown(t *testing.T) {
	p := openPTY(t, 0)
	e := &Editor{In: p.slave, Out: p.slave}
	long := strings.Repeat("x", 100)
	line, err := p.readLine(e, "$ ", long+"\r")
	if line != long || err != nil {
		t.Fatalf("got %q, %v", line, err)
	}
	// Width 0 means 80: drawn up to column 78, never the last one.
	if s := newScreen(80, p.sync()); s.lastCol || s.maxCol != 78 {
		t.Errorf("last column used: %v, rightmost column %d; want false, 78", s.lastCol, s.maxCol)
	}
}

func TestLongLineScrolls(t *testing.T) {
	digits := "012345678901234567890123456789"
	for _, c := range []struct {
		name, keys, show string
		col              int
	}{
		{"end", digits, "$ 34567890123456789", 19},
		{"home", digits + "\x01", "$ 01234567890123456", 2},
		{"middle", digits + "\x01" + strings.Repeat("\x06", 20), "$ 34567890123456789", 19},
		{"back", digits + strings.Repeat(left, 20), "$ 01234567890123456", 12},
		{"wide", strings.Repeat("日本", 10) + "\x01\x06", "$ 日本日本日本日本", 4},
		{"wide end", strings.Repeat("日本", 10), "$ 日本日本日本日本", 18},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err, drawn := runCore(&Editor{}, 20, "$ ", c.keys)
			if err != io.EOF {
				t.Fatal(err)
			}
			s := newScreen(20, drawn)
			if s.line() != c.show || s.col != c.col || s.lastCol {
				t.Errorf("shows %q, cursor at %d, last column used %v; want %q, %d", s.line(), s.col, s.lastCol, c.show, c.col)
			}
		})
	}
	// And through a terminal, with editing all along the line.
	p := openPTY(t, 20)
	e := &Editor{In: p.slave, Out: p.slave}
	line, err := p.readLine(e, "$ ", digits+"\x01X\x05Y"+strings.Repeat(left, 15)+"\x7fZ\r")
	// 15 left from the end of X+digits+Y is index 17; Backspace removes
	// index 16, Z replaces it.
	want := "X" + digits[:15] + "Z" + digits[16:] + "Y"
	if line != want || err != nil {
		t.Fatalf("got %q, %v; want %q", line, err, want)
	}
	if s := newScreen(20, p.sync()); s.lastCol {
		t.Error("drew in the last column")
	}
}

func TestPrompt(t *testing.T) {
	for _, c := range []struct {
		name, prompt, show string
	}{
		{"colours", "\x1b[1;32mhost\x1b[0m:~# ", "host:~# ab"},
		{"title", "\x1b]0;title\x07$ ", "$ ab"},
		{"multi-line", "[ok]\nline two\n$ ", "$ ab"},
		{"too wide", strings.Repeat("p", 100) + "> ", strings.Repeat("p", 57) + "> ab"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, drawn := runCore(&Editor{}, 80, c.prompt, "a\x0bb\x01\x05")
			s := newScreen(80, drawn)
			if s.line() != c.show || s.col != len(c.show) || s.lastCol {
				t.Errorf("shows %q, cursor at %d; want %q, %d", s.line(), s.col, c.show, len(c.show))
			}
			if n := strings.Count(drawn, "line two"); c.name == "multi-line" && n != 1 {
				t.Errorf("the head of the prompt was drawn %d times", n)
			}
		})
	}
}

func TestNotTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out, ow, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	e := &Editor{In: r, Out: ow}
	w.WriteString("one\ntwo\nrest")
	if line, err := e.ReadLine("$ "); line != "one" || err != nil {
		t.Fatalf("got %q, %v", line, err)
	}
	// What follows the line is still in the pipe.
	buf := make([]byte, 4)
	if n, err := io.ReadFull(r, buf); n != 4 || string(buf) != "two\n" {
		t.Fatalf("pipe holds %q, %v", buf[:n], err)
	}
	w.Close()
	if line, err := e.ReadLine("$ "); line != "rest" || err != nil {
		t.Fatalf("got %q, %v", line, err)
	}
	if line, err := e.ReadLine("$ "); line != "" || err != io.EOF {
		t.Fatalf("got %q, %v; want EOF", line, err)
	}
	ow.Close()
	prompts, _ := io.ReadAll(out)
	if string(prompts) != "$ $ $ " {
		t.Errorf("drew %q", prompts)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
