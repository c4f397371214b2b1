package editors

import (
	"io"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/term"
)

// vt is a small VT100: enough of one to check what vi draws. It fails
// the test on a sequence vi should not send, and on drawing in the last
// column, where terminals disagree about wrapping.
type vt struct {
	t          *testing.T
	cols, rows int
	cells      [][]string // " " is blank; "" the second cell of a wide rune
	y, x       int
	top, bot   int // the scrolling region
	beeps      int
}

func newVT(t *testing.T, cols, rows int) *vt {
	d := &vt{t: t, cols: cols, rows: rows, bot: rows - 1}
	d.cells = make([][]string, rows)
	for i := range d.cells {
		d.clearRow(i, 0)
	}
	return d
}

func (d *vt) clearRow(y, from int) {
	if d.cells[y] == nil {
		d.cells[y] = make([]string, d.cols)
	}
	for x := from; x < d.cols; x++ {
		d.cells[y][x] = " "
	}
}

// scroll moves the region's rows up by one (down if up is false).
func (d *vt) scroll(up bool) {
	region := d.cells[d.top : d.bot+1]
	if up {
		copy(region, region[1:])
		region[len(region)-1] = nil
		d.clearRow(d.bot, 0)
	} else {
		copy(region[1:], region)
		region[0] = nil
		d.clearRow(d.top, 0)
	}
}

func (d *vt) write(s string) {
	d.t.Helper()
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\r':
			d.x = 0
			i++
		case c == '\n':
			d.index()
			i++
		case c == '\a':
			d.beeps++
			i++
		case c == 0x1b && i+1 < len(s) && s[i+1] == 'D':
			d.index()
			i += 2
		case c == 0x1b && i+1 < len(s) && s[i+1] == 'M':
			if d.y == d.top {
				d.scroll(false)
			} else if d.y > 0 {
				d.y--
			}
			i += 2
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			if j == len(s) {
				d.t.Fatalf("unfinished sequence %q", s[i:])
			}
			d.csi(s[i+2:j], s[j])
			i = j + 1
		case c < 0x20:
			d.t.Fatalf("control character %q drawn", c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			i += n
			w := term.RuneWidth(r)
			if w == 0 {
				if d.x > 0 {
					d.cells[d.y][d.x-1] += string(r)
				}
				continue
			}
			if d.x+w > d.cols-1 {
				d.t.Fatalf("%q drawn at row %d, column %d: in the last column of %d", r, d.y, d.x, d.cols)
			}
			d.cells[d.y][d.x] = string(r)
			if w == 2 {
				d.cells[d.y][d.x+1] = ""
			}
			d.x += w
		}
	}
}

func (d *vt) index() {
	if d.y == d.bot {
		d.scroll(true)
	} else if d.y < d.rows-1 {
		d.y++
	}
}

func (d *vt) csi(params string, final byte) {
	d.t.Helper()
	var n []int
	for _, p := range strings.Split(params, ";") {
		v, _ := strconv.Atoi(p)
		n = append(n, v)
	}
	arg := func(i, def int) int {
		if i < len(n) && n[i] > 0 {
			return n[i]
		}
		return def
	}
	switch final {
	case 'H':
		d.y, d.x = min(arg(0, 1), d.rows)-1, min(arg(1, 1), d.cols)-1
	case 'K':
		d.clearRow(d.y, d.x)
	case 'J':
		if params != "2" {
			d.t.Fatalf("ESC[%sJ", params)
		}
		for y := range d.cells {
			d.clearRow(y, 0)
		}
	case 'r':
		d.top, d.bot = arg(0, 1)-1, arg(1, d.rows)-1
		d.y, d.x = 0, 0
	default:
		d.t.Fatalf("unexpected sequence ESC[%s%c", params, final)
	}
}

// row is what row y shows, without trailing blanks.
func (d *vt) row(y int) string {
	return strings.TrimRight(strings.Join(d.cells[y], ""), " ")
}

// rowString is a row of vi's frame as it shows.
func rowString(r row) string { return strings.TrimRight(strings.Join(r, ""), " ") }

// drawn draws v on d and checks that d shows v's frame, with the cursor
// in its place. It returns what was written.
func drawn(t *testing.T, v *vi, s *screen, d *vt) string {
	t.Helper()
	var out strings.Builder
	if err := s.draw(&out, v); err != nil {
		t.Fatal(err)
	}
	d.write(out.String())
	rows, cy, cx := v.frame()
	for i, r := range rows {
		if got, want := d.row(i), rowString(r); got != want {
			t.Fatalf("row %d shows %q, want %q; after %q", i, got, want, out.String())
		}
	}
	if d.y != cy || d.x != cx {
		t.Fatalf("cursor at %d,%d, want %d,%d", d.y, d.x, cy, cx)
	}
	return out.String()
}

func screenVi(text string, cols, rows int) *vi {
	v := newVi(text)
	v.cols, v.rows = cols, rows
	return v
}

func TestViScreen(t *testing.T) {
	v := screenVi("one\ttab\nx\x01y\x7f\n日本語é\n\xff\n", 20, 6)
	v.name = "f"
	d := newVT(t, 20, 6)
	drawn(t, v, &screen{}, d)
	want := []string{"one     tab", "x^Ay^?", "日本語é", "<ff>", "~", `"f"             1,1`}
	for i, w := range want {
		if got := d.row(i); got != w {
			t.Errorf("row %d: %q, want %q", i, got, w)
		}
	}
}

func TestViScreenStatus(t *testing.T) {
	v := screenVi("abc\n", 30, 4)
	v.name = "file"
	s, d := &screen{}, newVT(t, 30, 4)
	drawn(t, v, s, d)
	v.typeKeys("x")
	drawn(t, v, s, d)
	if got := d.row(3); got != `"file" [Modified]         1,1` {
		t.Errorf("status after x: %q", got)
	}
	v.typeKeys("i")
	drawn(t, v, s, d)
	if got := d.row(3); got != `-- INSERT -- "file" [Modi 1,1` {
		t.Errorf("status in insert mode: %q", got)
	}
	v.typeKeys("\x1b:s/b/")
	drawn(t, v, s, d)
	if got := d.row(3); got != `:s/b/` || d.x != 5 {
		t.Errorf("command line: %q, cursor at %d", got, d.x)
	}
	v.typeKeys(strings.Repeat("x", 40))
	drawn(t, v, s, d)
	if got := d.row(3); got != "<"+strings.Repeat("x", 27) || d.x != 28 {
		t.Errorf("long command line: %q, cursor at %d", got, d.x)
	}
	v.typeKeys("\x1b\x07")
	drawn(t, v, s, d)
	if got := d.row(3); got != `"file" [Modified] line 1 of 1` {
		t.Errorf("ctrl-g: %q", got)
	}
}

// TestViScreenTyping: typing at the end of a line sends the character
// and the new column, not the line or the screen.
func TestViScreenTyping(t *testing.T) {
	v := screenVi("hello\nworld\n", 40, 10)
	s, d := &screen{}, newVT(t, 40, 10)
	drawn(t, v, s, d)
	v.typeKeys("A!")
	drawn(t, v, s, d)
	v.typeKeys("?")
	if out, want := drawn(t, v, s, d), "?\x1b[10;24H8\x1b[1;8H"; out != want {
		t.Errorf("typing ? drew %q, want %q", out, want)
	}
	v.typeKeys("\x1b")
	drawn(t, v, s, d)
	v.typeKeys("j")
	if out, want := drawn(t, v, s, d), "\x1b[10;22H2,5\x1b[2;5H"; out != want {
		t.Errorf("j drew %q, want %q", out, want)
	}
}

// numbered is n lines that all differ.
func numbered(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("line " + strconv.Itoa(i+1) + "\n")
	}
	return b.String()
}

// TestViScreenScroll: moving past the bottom or the top scrolls the
// terminal's text rows instead of drawing them all again.
func TestViScreenScroll(t *testing.T) {
	v := screenVi(numbered(40), 20, 6)
	s, d := &screen{}, newVT(t, 20, 6)
	drawn(t, v, s, d)
	v.typeKeys("4j")
	drawn(t, v, s, d)
	v.typeKeys("j")
	out := drawn(t, v, s, d)
	if !strings.Contains(out, "\x1b[1;5r\x1b[5H\x1bD\x1b[r") || strings.Count(out, "line") != 1 {
		t.Errorf("one line down drew %q", out)
	}
	v.typeKeys("2j")
	out = drawn(t, v, s, d)
	if !strings.Contains(out, "\x1bD\x1bD\x1b[r") || strings.Count(out, "line") != 2 {
		t.Errorf("two lines down drew %q", out)
	}
	v.typeKeys("7k")
	out = drawn(t, v, s, d)
	if !strings.Contains(out, "\x1bM\x1bM\x1bM") {
		t.Errorf("up drew %q", out)
	}
	v.typeKeys("G")
	out = drawn(t, v, s, d)
	if strings.Contains(out, "\x1bD") || d.row(4) != "line 40" {
		t.Errorf("G drew %q", out)
	}
	v.typeKeys("\x0c")
	if out := drawn(t, v, s, d); !strings.Contains(out, "\x1b[2J") {
		t.Errorf("ctrl-l drew %q", out)
	}
}

// TestViScreenWide: a long line scrolls sideways; wide runes cut by the
// edges show as blanks.
func TestViScreenWide(t *testing.T) {
	long := strings.Repeat("0123456789", 5) + "\n"
	v := screenVi(long+"\t日本語日本語日本語日本語\n", 20, 4)
	s, d := &screen{}, newVT(t, 20, 4)
	drawn(t, v, s, d)
	v.typeKeys("$")
	drawn(t, v, s, d)
	if got := d.row(0); got != "0123456789" || d.x != 9 {
		t.Errorf("$ on a long line: %q, cursor at %d", got, d.x)
	}
	for _, keys := range []string{"j", "l", "l", "0", "$", "h", "h", "h"} {
		v.typeKeys(keys)
		drawn(t, v, s, d)
	}
}

func TestLineRow(t *testing.T) {
	for _, c := range []struct {
		line        string
		left, width int
		want        string
	}{
		{"\t日本", 0, 20, "        日本"},
		{"\t日本", 9, 5, " 本"},
		{"\t日本", 8, 2, "日"},
		{"\t日本", 8, 1, " "},
		{"ab\tc", 1, 20, "b      c"},
		{"a\x01\xff", 0, 20, "a^A\xff"},
		{"e\u0301x", 0, 20, "e\u0301x"},
	} {
		line, _ := splitLines([]byte(c.line))
		r := lineRow(nil, line[0], c.left, c.width)
		got := strings.Join(r, "")
		if strings.HasSuffix(c.want, "\xff") {
			c.want = strings.TrimSuffix(c.want, "\xff") + "<ff>"
		}
		if got != c.want || len(r) > c.width {
			t.Errorf("%q from %d, %d wide: %q (%d cells), want %q", c.line, c.left, c.width, got, len(r), c.want)
		}
	}
}

func TestViScreenNumber(t *testing.T) {
	v := screenVi("a\nb\n", 20, 4)
	s, d := &screen{}, newVT(t, 20, 4)
	v.typeKeys(":set nu\r")
	drawn(t, v, s, d)
	if d.row(0) != "  1 a" || d.row(1) != "  2 b" || d.x != 4 {
		t.Errorf("numbers: %q %q, cursor at %d", d.row(0), d.row(1), d.x)
	}
}

// TestViScreenRandom types random keys and checks after each that the
// terminal shows what vi means it to.
func TestViScreenRandom(t *testing.T) {
	keys := []string{"h", "j", "k", "l", "w", "b", "e", "0", "$", "G", "gg", "x", "dd", "p", "P", "u", "\x12",
		"ia\x1b", "o日本\x1b", "A\tz\x1b", "J", "\x06", "\x02", "\x04", "\x15", "/x\r", "n", "5j", "3k", ".",
		"yy", "rq", "~", ":set nu\r", ":set nonu\r", "i\x7f\x7f\x1b", "cwab\x1b", "\x05", "\x19", "L", "H", "M"}
	rng := rand.New(rand.NewSource(1))
	text := strings.Repeat("the quick\tbrown fox x jumps\nover\n\n  日本語 lazy dogs "+strings.Repeat("long ", 20)+"\n", 12)
	for _, size := range [][2]int{{20, 6}, {40, 10}, {13, 3}} {
		v := screenVi(text, size[0], size[1])
		s, d := &screen{}, newVT(t, size[0], size[1])
		drawn(t, v, s, d)
		var typed strings.Builder
		for range 400 {
			k := keys[rng.Intn(len(keys))]
			typed.WriteString(k)
			v.typeKeys(k)
			if rng.Intn(4) > 0 {
				continue // keys that come together are drawn together
			}
			t.Run("", func(t *testing.T) {
				d.t = t
				drawn(t, v, s, d)
			})
			if t.Failed() {
				t.Fatalf("%dx%d after %q", size[0], size[1], typed.String())
			}
		}
	}
	// Terminals too small to use must not make vi fail.
	for _, size := range [][2]int{{1, 1}, {2, 2}, {5, 1}} {
		v := screenVi(text, size[0], size[1])
		s := &screen{}
		for range 200 {
			v.typeKeys(keys[rng.Intn(len(keys))])
			if err := s.draw(io.Discard, v); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestViTermSize: without a terminal that knows its size (a serial
// line), $COLUMNS and $LINES say it, else 80x24.
func TestViTermSize(t *testing.T) {
	for _, c := range []struct {
		env        []string
		cols, rows int
	}{
		{[]string{"COLUMNS=132", "LINES=50"}, 132, 50},
		{[]string{"COLUMNS=132"}, 80, 24},
		{[]string{"COLUMNS=x", "LINES=50"}, 80, 24},
		{nil, 80, 24},
	} {
		cols, rows := termSize(&cmds.Env{Environ: c.env}, -1)()
		if cols != c.cols || rows != c.rows {
			t.Errorf("%q: %dx%d, want %dx%d", c.env, cols, rows, c.cols, c.rows)
		}
	}
}
