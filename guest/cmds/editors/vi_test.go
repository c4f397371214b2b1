package editors

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
	"pidone.dev/guest/term"
)

// newVi is an editor on text in dir, on a terminal of 80x24.
func newVi(text string) *vi {
	v := &vi{env: &cmds.Env{}, cols: 80, rows: 24}
	v.lines, v.noEOL = splitLines([]byte(text))
	v.noLines = text == ""
	return v
}

// typeKeys runs keys as the terminal would send them, and scrolls the
// view after each as drawing would.
func (v *vi) typeKeys(keys string) {
	in := &term.Reader{R: strings.NewReader(keys), EscKey: true}
	for !v.quit {
		k, err := in.ReadKey()
		if err != nil {
			return
		}
		v.key(k)
		v.view()
	}
}

// A keyCase types keys on text and checks the text and the cursor
// (line and rune, from 0) that result.
type keyCase struct {
	name, text, keys string
	want             string
	y, x             int
}

var motionCases = []keyCase{
	{"hjkl", "abc\ndef\nghi", "jll", "", 1, 2},
	{"k back up", "abc\ndef\nghi", "jllk", "", 0, 2},
	{"l stops at the end", "abc", "lllll", "", 0, 2},
	{"h stops at 0", "abc", "lhhh", "", 0, 0},
	{"j stops at the end", "a\nb", "jjj", "", 1, 0},
	{"arrows", "abc\ndef", "\x1b[B\x1b[C", "", 1, 1},
	{"arrows ss3", "abc\ndef", "\x1bOB\x1bOC\x1bOD", "", 1, 0},
	{"counts", "abcdef\n1\n2\n3\n4", "3l2j", "", 2, 0},
	{"w", "foo bar.baz qux", "w", "", 0, 4},
	{"ww punctuation", "foo bar.baz qux", "ww", "", 0, 7},
	{"3w", "foo bar.baz qux", "3w", "", 0, 8},
	{"W", "foo bar.baz qux", "WW", "", 0, 12},
	{"w across lines", "foo\n  bar", "w", "", 1, 2},
	{"w stops at an empty line", "foo\n\nbar", "w", "", 1, 0},
	{"w from an empty line", "foo\n\nbar", "ww", "", 2, 0},
	{"w at the end", "foo bar", "www", "", 0, 6},
	{"b", "foo bar.baz", "$b", "", 0, 8},
	{"bb", "foo bar.baz", "$bb", "", 0, 7},
	{"B", "foo bar.baz", "$B", "", 0, 4},
	{"b across lines", "foo\nbar", "jb", "", 0, 0},
	{"e", "foo bar.baz", "e", "", 0, 2},
	{"ee", "foo bar.baz", "ee", "", 0, 6},
	{"E", "foo bar.baz x", "EE", "", 0, 10},
	{"e across lines", "foo\n  bar", "ee", "", 1, 4},
	{"0 $ ^", "  abc def", "$", "", 0, 8},
	{"0", "  abc def", "$0", "", 0, 0},
	{"^", "  abc def", "$^", "", 0, 2},
	{"home end", "  abc def", "\x1b[F", "", 0, 8},
	{"2$", "abc\ndefg\nh", "2$", "", 1, 3},
	{"G", "a\nb\n  c", "G", "", 2, 2},
	{"gg", "  a\nb\nc", "Ggg", "", 0, 2},
	{"3G", "a\nb\nc\nd", "3G", "", 2, 0},
	{"9G past the end", "a\nb\nc\nd", "9G", "", 3, 0},
	{"2gg", "a\nb\nc\nd", "G2gg", "", 1, 0},
	{"enter and minus", "a\n  b\nc", "\r", "", 1, 2},
	{"minus", "a\n  b\nc", "G-", "", 1, 2},
	{"column kept", "abcdef\nab\nabcdef", "lllljj", "", 2, 4},
	{"column kept through a short line", "abcdef\nab\nabcdef", "llllj", "", 1, 1},
	{"$ sticks to the end", "abcdef\nab\nabcdefgh", "$jj", "", 2, 7},
	{"column by display", "\tx\nabcdefghij", "lj", "", 1, 8},
	{"f", "a,b,c,d", "f,", "", 0, 1},
	{"f ;", "a,b,c,d", "f,;", "", 0, 3},
	{"f ; ,", "a,b,c,d", "f,;;,", "", 0, 3},
	{"2f", "a,b,c,d", "2f,", "", 0, 3},
	{"t", "a,b,c,d", "tc", "", 0, 3},
	{"t ;", "a,b,c,d", "t,;", "", 0, 2},
	{"F", "a,b,c,d", "$F,", "", 0, 5},
	{"T", "a,b,c,d", "$Tb", "", 0, 3},
	{"f missing", "a,b", "fz", "", 0, 0},
	{"%", "if (a[1]) {", "%", "", 0, 8},
	{"% back", "if (a[1]) {", "f]%", "", 0, 5},
	{"% across lines", "{\n  x\n}", "%", "", 2, 0},
	{"ctrl-f", lines(100), "\x06", "", 21, 0},
	{"ctrl-f ctrl-b", lines(100), "\x06\x06\x02", "", 42, 0},
	{"page down", lines(100), "\x1b[6~", "", 21, 0},
	{"ctrl-d", lines(100), "\x04", "", 11, 0},
	{"ctrl-d ctrl-u", lines(100), "\x04\x04\x15", "", 11, 0},
	{"ctrl-e keeps the cursor in view", lines(100), "\x05", "", 1, 0},
	{"H M L", lines(100), "L", "", 22, 0},
	{"M", lines(100), "M", "", 11, 0},
	{"3H", lines(100), "G3H", "", 79, 0},
	{"3L", lines(100), "3L", "", 20, 0},
	{"L on a short text", "a\nb\nc", "L", "", 2, 0},
	{"M on a short text", "a\nb\nc", "M", "", 1, 0},
	{"search", "foo\nbar\nfoo bar", "/bar\r", "", 1, 0},
	{"search n", "foo\nbar\nfoo bar", "/bar\rn", "", 2, 4},
	{"search wraps", "foo\nbar\nfoo bar", "/bar\rnn", "", 1, 0},
	{"search N", "foo\nbar\nfoo bar", "/bar\rN", "", 2, 4},
	{"search backward", "foo\nbar\nfoo bar", "?foo\r", "", 2, 0},
	{"search backward n", "foo\nbar\nfoo bar", "G$?foo\rn", "", 0, 0},
	{"search regexp", "a1\nb22\nc333", "/[0-9]\\{3\\}\r", "", 2, 1},
	{"search dot", "abc\naxc", "j0/a.c\r", "", 0, 0},
	{"search not found", "abc", "l/zz\r", "", 0, 1},
	{"search again", "ab ab ab", "/ab\r//\r", "", 0, 6},
	{"search with a slash", "a/b a/b", "/a\\/b/\r", "", 0, 4},
	{"search backspace", "ab ab", "/bx\x7f\r", "", 0, 1},
	{"search anchored", "xa\na", "/^a\r", "", 1, 0},
	{"search utf-8", "日本 ab\nab", "/ab\r", "", 0, 3},
	{"search count round the text", "ab ab ab", "/ab\r7n", "", 0, 6},
	{"search huge count", "ab ab ab", "/ab\r99999999n", "", 0, 6}, // counts stop at 1<<20
	{":N", "a\nb\n  c\nd", ":3\r", "", 2, 2},
	{":$", "a\nb\nc", ":$\r", "", 2, 0},
	{":N past the end", "a\nb\nc", ":99\r", "", 2, 0},
	{":0", "a\nb\nc", "G:0\r", "", 0, 0},
	{":+N", "a\nb\nc\nd", ":+2\r", "", 2, 0},
	{":.-1", "a\nb\nc\nd", "G:.-1\r", "", 2, 0},
	{"esc cancels a count", "abcdef", "3\x1bl", "", 0, 1},
	{"unknown keys ignored", "abc", "\x1b[15~Ql", "", 0, 1},
}

func lines(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("line ")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteByte('\n')
	}
	return b.String()
}

var editCases = []keyCase{
	{"i", "", "ihello\x1b", "hello\n", 0, 4},
	{"i in the middle", "ac", "lib\x1b", "abc", 0, 1},
	{"a", "ab", "ahi\x1b", "ahib", 0, 2},
	{"a on an empty line", "", "ax\x1b", "x\n", 0, 0},
	{"A", "ab", "Ax\x1b", "abx", 0, 2},
	{"I", "  ab", "$Ix\x1b", "  xab", 0, 2},
	{"o", "a\nb", "onew\x1b", "a\nnew\nb", 1, 2},
	{"O", "a\nb", "Onew\x1b", "new\na\nb", 0, 2},
	{"o at the end", "a", "ob\x1b", "a\nb", 1, 0},
	{"insert enter", "ab", "a\r\x1b", "a\nb", 1, 0},
	{"insert enter twice", "", "ia\rb\rc\x1b", "a\nb\nc\n", 2, 0},
	{"insert backspace", "", "iabc\x7f\x1b", "ab\n", 0, 1},
	{"insert backspace joins", "a\nb", "jI\x7f\x1b", "ab", 0, 0},
	{"insert ctrl-h", "", "iab\x08c\x1b", "ac\n", 0, 1},
	{"insert delete", "abc", "i\x1b[3~\x1b", "bc", 0, 0},
	{"insert ctrl-w", "", "ifoo bar\x17\x1b", "foo \n", 0, 3},
	{"insert ctrl-u", "xy\n", "Afoo\x15\x1b", "\n", 0, 0},
	{"insert ctrl-v", "", "i\x16\x01\x16\x1b\x1b", "\x01\x1b\n", 0, 1},
	{"insert tab", "", "i\tx\x1b", "\tx\n", 0, 1},
	{"insert arrows", "ab", "ix\x1b[Cy\x1b", "xayb", 0, 2},
	{"insert utf-8", "", "ié日\x1b", "é日\n", 0, 1},
	{"insert ctrl-c", "", "iab\x03", "ab\n", 0, 1},
	{"R", "abc", "Rxy\x1b", "xyc", 0, 1},
	{"R past the end", "ab", "Rxyz\x1b", "xyz", 0, 2},
	{"3i", "", "3ia\x1b", "aaa\n", 0, 2},
	{"2o", "x\n", "2ohi\x1b", "x\nhi\nhi\n", 2, 1},
	{"2A", "x", "2Ayz\x1b", "xyzyz", 0, 4},
	{"x", "abc", "x", "bc", 0, 0},
	{"5x", "abcdef", "5x", "f", 0, 0},
	{"x at the end", "abc", "$x", "ab", 0, 1},
	{"x past the end", "abc", "l5x", "a", 0, 0},
	{"x on an empty line", "\nb", "x", "\nb", 0, 0},
	{"X", "abc", "$X", "ac", 0, 1},
	{"delete key", "abc", "\x1b[3~", "bc", 0, 0},
	{"dd", "a\nb\nc", "dd", "b\nc", 0, 0},
	{"dd the last line", "a\nb\nc\n", "Gdd", "a\nb\n", 1, 0},
	{"dd the only line", "abc", "dd", "", 0, 0},
	{"3dd", "a\nb\nc\nd\ne\n", "j3dd", "a\ne\n", 1, 0},
	{"d3d", "a\nb\nc\nd\ne\n", "jd3d", "a\ne\n", 1, 0},
	{"dd past the end", "a\nb\nc\n", "j5dd", "a\n", 0, 0},
	{"dj", "a\nb\nc", "dj", "c", 0, 0},
	{"dk", "a\nb\nc\n", "jjdk", "a\n", 0, 0},
	{"dG", "a\nb\nc\n", "jdG", "a\n", 0, 0},
	{"dgg", "a\nb\nc", "jdgg", "c", 0, 0},
	{"dw", "foo bar baz", "dw", "bar baz", 0, 0},
	{"2dw", "foo bar baz", "2dw", "baz", 0, 0},
	{"d2w", "foo bar baz", "d2w", "baz", 0, 0},
	{"dw the last word", "foo bar", "wdw", "foo ", 0, 3},
	{"dw keeps the line break", "foo\n  bar", "dw", "\n  bar", 0, 0},
	{"dw on punctuation", "a.b", "ldw", "ab", 0, 1},
	{"de", "foo bar", "de", " bar", 0, 0},
	{"dE", "a.b c", "dE", " c", 0, 0},
	{"db", "foo bar", "$db", "foo r", 0, 4},
	{"d$", "foo bar", "wd$", "foo ", 0, 3},
	{"D", "foo bar", "wD", "foo ", 0, 3},
	{"2D", "ab\ncd\nef", "lD", "a\ncd\nef", 0, 0},
	{"d0", "foo bar", "wd0", "bar", 0, 0},
	{"d^", "  foo bar", "wwd^", "  bar", 0, 2},
	{"dl dh", "abcd", "ldldh", "cd", 0, 0},
	{"df", "a,b,c", "df,", "b,c", 0, 0},
	{"dt", "a,b,c", "dt,", ",b,c", 0, 0},
	{"dF", "a,b,c", "$dF,", "a,bc", 0, 3},
	{"d%", "x(a)y", "ld%", "xy", 0, 1},
	{"dn", "foo bar foo", "/foo\r0dn", "foo", 0, 0},
	{"d to a search", "foo bar baz", "d/ba\r", "bar baz", 0, 0},
	{"d to a search backward", "foo bar baz", "$d?bar\r", "foo z", 0, 4},
	{"search cancelled", "ab ab", "/b\x1bx", "b ab", 0, 0},
	{"d to a search cancelled", "foo bar", "d/b\x1bx", "oo bar", 0, 0},
	{"c to a search", "foo bar", "c/b\rX\x1b", "Xbar", 0, 0},
	{"dot d to a search", "a1 b a2 c", "d/a\r.", "a2 c", 0, 0},
	{"d to a line start", "ab\ncd", "/c\rggdn", "cd", 0, 0},
	{"cw", "foo bar", "cwxx\x1b", "xx bar", 0, 1},
	{"cw on the last letter", "foo bar", "llcwX\x1b", "foX bar", 0, 2},
	{"c2w", "foo bar baz", "c2wX\x1b", "X baz", 0, 0},
	{"ce", "foo bar", "ceX\x1b", "X bar", 0, 0},
	{"cc", "  foo\nbar", "ccnew\x1b", "new\nbar", 0, 2},
	{"C", "foo bar", "wCx\x1b", "foo x", 0, 4},
	{"c$", "foo bar", "c$x\x1b", "x", 0, 0},
	{"s", "abc", "sX\x1b", "Xbc", 0, 0},
	{"3s", "abcd", "3sX\x1b", "Xd", 0, 0},
	{"s on an empty line", "", "sX\x1b", "X\n", 0, 0},
	{"S", "abc\nd", "SX\x1b", "X\nd", 0, 0},
	{"yy p", "a\nb", "yyp", "a\na\nb", 1, 0},
	{"yy P", "a\nb", "yyjP", "a\na\nb", 1, 0},
	{"yy j p", "a\nb\n", "yyjp", "a\nb\na\n", 2, 0},
	{"Y", "a\nb", "Yp", "a\na\nb", 1, 0},
	{"2yy", "a\nb\nc\n", "2yyGp", "a\nb\nc\na\nb\n", 3, 0},
	{"3p", "a\nb", "yy3p", "a\na\na\na\nb", 1, 0},
	{"dd p", "a\nb\nc", "ddp", "b\na\nc", 1, 0},
	{"yw P", "abc def", "ywP", "abc abc def", 0, 3},
	{"yw p", "abc def", "ywp", "aabc bc def", 0, 4},
	{"y$ p", "abc", "ly$$p", "abcbc", 0, 4},
	{"x p swaps", "abc", "xp", "bac", 0, 1},
	{"2p charwise", "abc", "yl2p", "aaabc", 0, 2},
	{"P several lines charwise", "ab\ncd", "y/d\rP", "ab\ncab\ncd", 0, 0},
	{"2p several lines charwise", "ab\ncd", "y/d\r2p", "aab\ncab\ncb\ncd", 0, 1},
	{"d to a search then p", "ab\ncd", "ld/d\rp", "adb\nc", 0, 2},
	{"yank leaves the cursor", "abc def", "wyb", "abc def", 0, 0},
	{"p with nothing", "abc", "p", "abc", 0, 0},
	{"u", "abc", "xxu", "bc", 0, 0},
	{"uu", "abc", "xxuu", "abc", 0, 0},
	{"u too far", "abc", "xuuu", "abc", 0, 0},
	{"u insert", "", "ihello\x1bu", "", 0, 0},
	{"u insert in one go", "ab", "ixy\rz\x1bu", "ab", 0, 0},
	{"u dd", "a\nb\nc", "jddu", "a\nb\nc", 1, 0},
	{"u dd the only line", "abc", "ddu", "abc", 0, 0},
	{"u p", "a\nb", "yyppu", "a\na\nb", 1, 0},
	{"ctrl-r", "abc", "xxuu\x12", "bc", 0, 0},
	{"ctrl-r twice", "abc", "xxuu\x12\x12", "c", 0, 0},
	{"ctrl-r after a change", "abc", "xu$x\x12", "ab", 0, 1},
	{"u of J", "a\nb", "Ju", "a\nb", 0, 0},
	{"u of :s", "foo\nfoo", ":%s/o/0/g\ru", "foo\nfoo", 0, 0},
	{"dot dw", "abc def ghi", "dw.", "ghi", 0, 0},
	{"dot x", "abcdef", "x..", "def", 0, 0},
	{"dot insert", "", "ihi\x1b.", "hhii\n", 0, 2},
	{"dot A", "a\nb", "Ax\x1bj.", "ax\nbx", 1, 1},
	{"dot with a count", "a\nb\nc\nd\ne", "dd3.", "e", 0, 0},
	{"dot cw", "foo bar", "cwX\x1bw.", "X X", 0, 2},
	{"dot after undo", "abc", "xu.", "bc", 0, 0},
	{"dot o", "a\nb\n", "ox\x1bj.", "a\nx\nb\nx\n", 3, 0},
	{"dot nothing", "abc", ".", "abc", 0, 0},
	{"dot p", "a\n", "yyp.", "a\na\na\n", 2, 0},
	{"J", "a\n  b\nc", "J", "a b\nc", 0, 1},
	{"3J", "a\n  b\nc", "3J", "a b c", 0, 3},
	{"J trailing blank", "a \nb", "J", "a b", 0, 2},
	{"J empty", "a\n\nb", "J", "a\nb", 0, 0},
	{"J paren", "f(\n)", "J", "f()", 0, 2},
	{"J on the last line", "a\nb", "jJ", "a\nb", 1, 0},
	{"r", "abc", "rx", "xbc", 0, 0},
	{"3r", "abcd", "3rx", "xxxd", 0, 2},
	{"r too far", "abc", "4rx", "abc", 0, 0},
	{"r enter", "abc", "lr\r", "a\nc", 1, 0},
	{"r esc", "abc", "r\x1bx", "bc", 0, 0},
	{"~", "abc", "~~", "ABc", 0, 2},
	{"3~", "aBc", "3~", "AbC", 0, 2},
	{"count then motion", "abcdef", "2l3x", "abf", 0, 2},
	{"raw bytes kept", "a\xffb\xfe", "x", "\xffb\xfe", 0, 0},
	{"raw bytes kept by edits", "\xff\xc3x", "lx", "\xffx", 0, 1},
	{"no final newline kept", "a\nb", "Ax\x1b", "ax\nb", 0, 1},
	{":s", "foo foo\nfoo", ":s/foo/bar/\r", "bar foo\nfoo", 0, 0},
	{":s g", "foo foo\nfoo", ":s/foo/bar/g\r", "bar bar\nfoo", 0, 0},
	{":%s", "foo foo\nfoo", ":%s/o/0/g\r", "f00 f00\nf00", 1, 0},
	{":N,Ms", "a\na\na\na", ":2,3s/a/b/\r", "a\nb\nb\na", 2, 0},
	{":s &", "ab", ":s/a/[&]/\r", "[a]b", 0, 0},
	{":s groups", "ab", ":s/\\(a\\)\\(b\\)/\\2\\1/\r", "ba", 0, 0},
	{":s line break", "a,b,c", ":s/,/\\r/g\r", "a\nb\nc", 2, 0},
	{":s other delimiter", "a/b", ":s#/#-#\r", "a-b", 0, 0},
	{":s escaped delimiter", "a/b", ":s/\\//-/\r", "a-b", 0, 0},
	{":s no match", "abc", ":s/x/y/\r", "abc", 0, 0},
	{":s last search", "abc", "/b\r:s//X/\r", "aXc", 0, 0},
	{":s utf-8", "日本x日本", ":s/本/b/g\r", "日bx日b", 0, 0},
	{":s keeps raw bytes", "\xffab\xfe", ":s/a/x/\r", "\xffxb\xfe", 0, 0},
	{":s ignorecase", "ABC", ":set ic\r:s/b/x/\r", "AxC", 0, 0},
	{":&", "aa\naa", ":s/a/b/\rj:&\r", "ba\nba", 1, 0},
	{":d", "a\nb\nc", ":2d\r", "a\nc", 1, 0},
	{":N,Md", "a\nb\nc\nd", ":2,3d\r", "a\nd", 1, 0},
	{":%d", "a\nb", ":%d\r", "", 0, 0},
	{":y", "a\nb\n", ":1y\rGp", "a\nb\na\n", 2, 0},
	{":j", "a\nb\nc", ":1,3j\r", "a b c", 0, 3},
	{"bad range", "a\nb", ":5d\r", "a\nb", 0, 0},
	{"bad range with ;", "a\nb", ":5;d\r", "a\nb", 0, 0},
	{"range with ;", "a\nb\nc\nd", ":2;+1d\r", "a\nd", 1, 0},
	{"unknown command", "a", ":frob\r", "a", 0, 0},
}

// runCases runs cases; for motions, the text must stay as it was.
func runCases(t *testing.T, cases []keyCase, motions bool) {
	t.Helper()
	for _, c := range cases {
		v := newVi(c.text)
		v.typeKeys(c.keys)
		want := c.want
		if motions {
			want = c.text
		}
		if got := string(v.text()); got != want {
			t.Errorf("%s: %q typed on %q gives %q, want %q", c.name, c.keys, c.text, got, want)
		}
		if v.cy != c.y || v.cx != c.x {
			t.Errorf("%s: %q typed on %q leaves the cursor at %d,%d, want %d,%d", c.name, c.keys, c.text, v.cy, v.cx, c.y, c.x)
		}
		if v.mode != normal {
			t.Errorf("%s: left in mode %d", c.name, v.mode)
		}
	}
}

func TestViMotions(t *testing.T) { runCases(t, motionCases, true) }

func TestViEdits(t *testing.T) { runCases(t, editCases, false) }

func TestViRegisterLinewise(t *testing.T) {
	v := newVi("a\nb\nc")
	v.typeKeys("2yy")
	if !v.reg.lines || len(v.reg.text) != 2 || string(v.reg.text[1]) != "b" {
		t.Errorf("2yy: register %+v", v.reg)
	}
	v.typeKeys("wyw")
	if v.reg.lines || len(v.reg.text) != 1 {
		t.Errorf("yw: register %+v", v.reg)
	}
}

func TestViUndoLevels(t *testing.T) {
	v := newVi("")
	for _, s := range []string{"a", "b", "c", "d"} {
		v.typeKeys("A" + s + "\x1b")
	}
	for i, want := range []string{"abc\n", "ab\n", "a\n", "", ""} {
		v.typeKeys("u")
		if got := string(v.text()); got != want {
			t.Errorf("undo %d: %q, want %q", i+1, got, want)
		}
	}
	for i, want := range []string{"a\n", "ab\n", "abc\n", "abcd\n", "abcd\n"} {
		v.typeKeys("\x12")
		if got := string(v.text()); got != want {
			t.Errorf("redo %d: %q, want %q", i+1, got, want)
		}
	}
}

func TestViModified(t *testing.T) {
	dir := t.TempDir()
	v := newVi("")
	v.env = &cmds.Env{Dir: dir}
	v.load("f")
	if v.modified() || !v.newFile {
		t.Fatalf("a new file: modified %v, new %v", v.modified(), v.newFile)
	}
	v.typeKeys("ix\x1b")
	if !v.modified() {
		t.Error("not modified after typing")
	}
	v.typeKeys("u")
	if v.modified() {
		t.Error("modified after undoing all")
	}
	v.typeKeys("\x12:w\r")
	if v.modified() || v.newFile {
		t.Errorf("after :w: modified %v, new %v", v.modified(), v.newFile)
	}
	v.typeKeys("xu")
	if v.modified() {
		t.Error("modified after x and u")
	}
	v.typeKeys("u")
	if !v.modified() {
		t.Error("not modified after undoing past the save")
	}
	v.typeKeys("\x12")
	if v.modified() {
		t.Error("modified after redoing back to the save")
	}
}

func TestViFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return string(b)
	}
	open := func(name string) *vi {
		v := &vi{env: &cmds.Env{Dir: dir}, cols: 80, rows: 24}
		v.load(name)
		return v
	}

	// What vi does not touch stays byte for byte: tabs, long lines,
	// control characters, bytes that are no UTF-8, no final newline.
	odd := "\tx\ty\r\n" + strings.Repeat("long ", 10000) + "\n\x00\x01\xff\xfe é\n\n last"
	write("odd", odd)
	v := open("odd")
	if !strings.Contains(v.msg, `"odd" 5L, `) || !strings.Contains(v.msg, "[noeol]") {
		t.Errorf("message on loading: %q", v.msg)
	}
	v.typeKeys("G0x:w\r")
	if got, want := read("odd"), odd[:len(odd)-5]+"last"; got != want {
		t.Errorf("after x on the last line: %q", got[len(got)-20:])
	}
	if !strings.Contains(v.msg, "written") {
		t.Errorf("message after :w: %q", v.msg)
	}

	// :q refuses to lose changes; :q! does not.
	write("a", "one\n")
	v = open("a")
	v.typeKeys("dd:q\r")
	if v.quit || !strings.Contains(v.msg, "No write since last change") {
		t.Errorf(":q with changes: quit %v, %q", v.quit, v.msg)
	}
	v.typeKeys(":q!\r")
	if !v.quit || read("a") != "one\n" {
		t.Errorf(":q!: quit %v, file %q", v.quit, read("a"))
	}

	// :wq, :x, ZZ.
	v = open("a")
	v.typeKeys("Atwo\x1b:wq\r")
	if !v.quit || read("a") != "onetwo\n" {
		t.Errorf(":wq: quit %v, file %q", v.quit, read("a"))
	}
	v = open("a")
	v.typeKeys("x:x\r")
	if !v.quit || read("a") != "netwo\n" {
		t.Errorf(":x: quit %v, file %q", v.quit, read("a"))
	}
	v = open("a")
	v.typeKeys("xZZ")
	if !v.quit || read("a") != "etwo\n" {
		t.Errorf("ZZ: quit %v, file %q", v.quit, read("a"))
	}
	v = open("a")
	v.typeKeys("xZQ")
	if !v.quit || read("a") != "etwo\n" {
		t.Errorf("ZQ: quit %v, file %q", v.quit, read("a"))
	}
	v = open("a")
	v.typeKeys(":q\r")
	if !v.quit {
		t.Error(":q unmodified did not quit")
	}

	// A new file, written under its name and under another.
	v = open("new")
	if !strings.Contains(v.msg, "[New file]") {
		t.Errorf("new file: %q", v.msg)
	}
	v.typeKeys("ihi\x1b:w other\r")
	if read("other") != "hi\n" || !v.modified() {
		t.Errorf(":w other: %q, modified %v", read("other"), v.modified())
	}
	v.typeKeys(":w\r")
	if read("new") != "hi\n" || v.modified() {
		t.Errorf(":w: %q, modified %v", read("new"), v.modified())
	}

	// Without a name, :w needs one.
	v = open("")
	v.typeKeys("ix\x1b:w\r")
	if !strings.Contains(v.msg, "No current filename") {
		t.Errorf(":w without a name: %q", v.msg)
	}
	v.typeKeys(":w named\r:q\r")
	if read("named") != "x\n" || !v.quit {
		t.Errorf(":w NAME then :q: %q, quit %v", read("named"), v.quit)
	}

	// :e loads another file, not over changes unless told.
	write("b", "bee\n")
	v = open("a")
	v.typeKeys("x:e b\r")
	if v.name != "a" || !strings.Contains(v.msg, "No write since last change") {
		t.Errorf(":e over changes: %s, %q", v.name, v.msg)
	}
	v.typeKeys(":e! b\r")
	if v.name != "b" || string(v.text()) != "bee\n" || v.modified() {
		t.Errorf(":e! b: %s, %q", v.name, string(v.text()))
	}
	v.typeKeys("x:e!\r")
	if string(v.text()) != "bee\n" {
		t.Errorf(":e! reloads: %q", string(v.text()))
	}

	// :r reads a file in below the cursor.
	v.typeKeys(":r a\r")
	if string(v.text()) != "bee\netwo\n" || v.cy != 1 {
		t.Errorf(":r: %q at %d", string(v.text()), v.cy)
	}

	// An unwritable file says why.
	v = open("dir/x")
	v.typeKeys("ix\x1b:w\r")
	if !strings.Contains(v.msg, "dir/x: No such file or directory") {
		t.Errorf("write into a missing directory: %q", v.msg)
	}
	v = open(".")
	if !strings.Contains(v.msg, "Is a directory") {
		t.Errorf("a directory: %q", v.msg)
	}

	// Writing keeps the file's mode, and its links: it is the same file.
	if err := os.Chmod(filepath.Join(dir, "a"), 0o751); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "a"), filepath.Join(dir, "a2")); err != nil {
		t.Fatal(err)
	}
	v = open("a")
	v.typeKeys("Ax\x1b:w\r")
	if fi, err := os.Stat(filepath.Join(dir, "a")); err != nil || fi.Mode().Perm() != 0o751 || read("a2") != "etwox\n" {
		t.Errorf("after :w: %v, %v, the other link has %q", fi.Mode(), err, read("a2"))
	}
	v.typeKeys("x:w\r")

	// -R: :w needs !.
	v = open("a")
	v.readOnly = true
	v.typeKeys("x:w\r")
	if read("a") != "etwo\n" || !strings.Contains(v.msg, "read only") {
		t.Errorf("read-only :w: %q, %q", read("a"), v.msg)
	}
	v.typeKeys(":w!\r")
	if read("a") != "two\n" {
		t.Errorf("read-only :w!: %q", read("a"))
	}
}

// TestViRescue: a bug in vi does not lose the text.
func TestViRescue(t *testing.T) {
	dir := t.TempDir()
	v := &vi{env: &cmds.Env{Dir: dir}}
	v.load("f")
	v.typeKeys("ikeep me\x1b")
	var err error
	func() {
		defer v.rescue(io.Discard, &err)
		panic("boom")
	}()
	if err == nil || err.Error() != "internal error: boom; the text is in f~" {
		t.Errorf("error %v", err)
	}
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "f~")); got != "keep me\n" {
		t.Errorf("f~: %q", got)
	}
}

func TestViSet(t *testing.T) {
	v := newVi("a")
	v.typeKeys(":set nu\r")
	if !v.number {
		t.Error(":set nu")
	}
	v.typeKeys(":set nonumber\r")
	if v.number {
		t.Error(":set nonumber")
	}
	v.typeKeys(":set frob\r")
	if !strings.Contains(v.msg, "Unknown option") {
		t.Errorf(":set frob: %q", v.msg)
	}
}

// TestViCommand runs the command as the shell does, keys on its input.
func TestViCommand(t *testing.T) {
	dir := t.TempDir()
	out, errOut, st := cmdtest.Run(t, dir, "ihello\x1bowORLD\x1b0~:wq\r", "vi", "f")
	if st != 0 || errOut != "" {
		t.Fatalf("vi f: status %d, %q", st, errOut)
	}
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "f")); got != "hello\nWORLD\n" {
		t.Errorf("file: %q", got)
	}
	if !strings.Contains(out, "\x1b[2J") || !strings.Contains(out, `"f" 2L, 12C written`) || !strings.HasSuffix(out, "\r\n") {
		t.Errorf("drawn: %q", out)
	}
	// -c runs ex commands first; the input ending ends vi.
	cmdtest.WriteFiles(t, dir, map[string]string{"g": "a b\n"})
	if _, _, st := cmdtest.Run(t, dir, "", "vi", "-c", "s/a/x/", "-c", "wq", "g"); st != 0 {
		t.Errorf("vi -c: status %d", st)
	}
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "g")); got != "x b\n" {
		t.Errorf("vi -c: %q", got)
	}
	if _, errOut, st := cmdtest.Run(t, dir, "", "vi", "-x"); st != 2 || !strings.Contains(errOut, "usage: vi") {
		t.Errorf("vi -x: %d %q", st, errOut)
	}
	// Several files: :n goes on to the next, :q warns of them.
	cmdtest.WriteFiles(t, dir, map[string]string{"h": "h\n"})
	cmdtest.Run(t, dir, "x:w\r:q\r:n\rx:wq\r", "vi", "g", "h")
	if g, h := cmdtest.ReadFile(t, filepath.Join(dir, "g")), cmdtest.ReadFile(t, filepath.Join(dir, "h")); g != " b\n" || h != "\n" {
		t.Errorf("vi g h: %q %q", g, h)
	}
}

// TestViHugeCounts: a count as large as can be typed must not take vi
// minutes or all the memory there is; what it makes is bounded.
func TestViHugeCounts(t *testing.T) {
	for _, keys := range []string{"99999999ia\x1b", "yy99999999p", "yl99999999p", "99999999J", "ia\x1b99999999.",
		"99999999w", "99999999ix\ry\x1bu", "99999999oa\x1b", "99999999Ra\x1b", "/e\r99999999n", "99999999\x06"} {
		v := newVi("the quick\tbrown\n\n  fox (jumps)\n")
		v.typeKeys(keys)
		if n := len(v.text()); n > 8*maxText {
			t.Errorf("%q makes %d bytes", keys, n)
		}
	}
}
