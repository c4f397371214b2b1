package editors

import (
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/term"
	"pidone.dev/pkg/bootopts"
)

// The screen: the text's lines from top, then a status line. Lines do
// not wrap: like BusyBox's vi, the whole text scrolls sideways to keep
// the cursor in view. The last column stays empty, since writing there
// wraps on some terminals and not on others.
//
// A serial line is slow (a screen at 115200 baud takes a fifth of a
// second), so the screen remembers what the terminal shows and writes
// only what changed, from the first cell that differs in each row, and
// scrolls with the terminal's scrolling region rather than redrawing.
// It uses only VT100 sequences: cursor position (CUP), erase to the end
// of the line (EL), erase the screen (ED), the scrolling region
// (DECSTBM), index and reverse index (IND, RI).

// termSize returns how to learn the terminal's size: TIOCGWINSZ if the
// terminal knows it, else $COLUMNS and $LINES, else pidone.winsize on
// the kernel's command line, else 80x24.
func termSize(e *cmds.Env, fd int) func() (cols, rows int) {
	cols, rows := 80, 24
	c, _ := strconv.Atoi(e.Getenv("COLUMNS"))
	r, _ := strconv.Atoi(e.Getenv("LINES"))
	if c <= 0 || r <= 0 {
		if b, err := os.ReadFile("/proc/cmdline"); err == nil {
			o, _ := bootopts.Parse(string(b))
			c, r = o.Winsize.Cols, o.Winsize.Rows
		}
	}
	if c > 0 && r > 0 {
		cols, rows = c, r
	}
	return func() (int, int) {
		if fd >= 0 {
			if c, r := term.Size(fd); c > 0 && r > 0 {
				return c, r
			}
		}
		return cols, rows
	}
}

// textRows is how many rows show text.
func (v *vi) textRows() int { return max(v.rows-1, 1) }

// textCols is how many columns show text, after the line numbers.
func (v *vi) textCols() int { return max(v.cols-1-v.gutter(), 1) }

// gutter is the width of the line numbers, with their space.
func (v *vi) gutter() int {
	if !v.number {
		return 0
	}
	return max(len(strconv.Itoa(len(v.lines))), 3) + 1
}

// view scrolls, if need be, so that the cursor shows.
func (v *vi) view() {
	h := v.textRows()
	switch {
	case v.cy < v.top-h/2:
		v.top = v.cy - h/2 // far: the cursor's line in the middle
	case v.cy < v.top:
		v.top = v.cy
	case v.cy >= v.top+h+h/2:
		v.top = min(v.cy-h/2, len(v.lines)-h)
	case v.cy >= v.top+h:
		v.top = v.cy - h + 1
	}
	v.top = max(min(v.top, len(v.lines)-1), 0)
	w := v.textCols()
	c := v.cursorCol()
	if c < v.left || c >= v.left+w {
		v.left = max(c-w/2, 0)
	}
}

// cursorCol is the display column of the cursor: on a tab, its last
// column in normal mode, as in vi.
func (v *vi) cursorCol() int {
	line := v.lines[v.cy]
	c := colOf(line, v.cx)
	if v.mode == normal && v.cx < len(line) && line[v.cx] == '\t' {
		c += runeCols('\t', c) - 1
	}
	return c
}

// A row is what a screen row shows, a string per cell: a wide rune's
// second cell is "", a combining mark goes with the cell before it.
type row []string

// printable holds the printable ASCII characters, so that most cells
// are a slice of it rather than a string of their own.
const printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

func (r row) add(s string) row {
	if len(s) == 1 && s[0] >= ' ' && s[0] <= '~' {
		i := s[0] - ' '
		return append(r, printable[i:i+1])
	}
	return append(r, s)
}

// addText appends s, cut at width cells.
func (r row) addText(s string, width int) row {
	for _, c := range s {
		if len(r) >= width {
			break
		}
		r = r.addRune(c)
	}
	return r
}

func (r row) addRune(c rune) row {
	if c < 0x80 && c >= ' ' && c <= '~' {
		return append(r, printable[c-' ':c-' '+1])
	}
	b := term.AppendVisible(nil, []rune{c})
	if len(b) == 2 && b[0] == '^' {
		return append(r, "^", printable[b[1]-' ':b[1]-' '+1])
	}
	return append(r, string(b))
}

// lineRow draws line from display column left, width cells wide.
func lineRow(r row, line []rune, left, width int) row {
	col := 0
	end := left + width
	for _, c := range line {
		if col >= end {
			break
		}
		w := runeCols(c, col)
		if w == 0 {
			if col > left && len(r) > 0 {
				r[len(r)-1] += string(c)
			}
			continue
		}
		if col+w <= left {
			col += w
			continue
		}
		var cells row
		switch {
		case c == '\t':
			for range w {
				cells = append(cells, " ")
			}
		case c >= rawByte:
			cells = cells.addText("<"+strconv.FormatUint(uint64(c-rawByte)|0x100, 16)[1:]+">", 4)
		case w == 2 && (c >= ' ' && c != 0x7f):
			cells = row{string(c), ""}
		default:
			cells = cells.addRune(c)
		}
		for i, cell := range cells {
			at := col + i
			if at < left || at >= end {
				continue
			}
			if cell == "" && at == left || len(cells) == 2 && cells[1] == "" && i == 0 && at == end-1 {
				cell = " " // half a wide rune
			}
			r = append(r, cell)
		}
		col += w
	}
	return r
}

// frame is what the screen should show, and where its cursor goes.
func (v *vi) frame() (rows []row, cy, cx int) {
	v.view()
	h, w := v.textRows(), v.textCols()
	g := v.gutter()
	rows = make([]row, 0, h+1)
	for i := range h {
		y := v.top + i
		var r row
		if y >= len(v.lines) {
			rows = append(rows, r.add("~"))
			continue
		}
		if g > 0 {
			n := strconv.Itoa(y + 1)
			r = r.addText(strings.Repeat(" ", g-1-len(n))+n+" ", g)
		}
		rows = append(rows, trimRow(lineRow(r, v.lines[y], v.left, w)))
	}
	status, sx := v.status()
	rows = append(rows, trimRow(status))
	if v.mode == cmdline {
		return rows, h, sx
	}
	return rows, v.cy - v.top, g + v.cursorCol() - v.left
}

func trimRow(r row) row {
	for len(r) > 0 && r[len(r)-1] == " " {
		r = r[:len(r)-1]
	}
	return r
}

// status is the bottom row: the command line being typed, or the mode,
// a message or the file's name and state, then the cursor's line and
// column. sx is where the cursor goes on the command line.
func (v *vi) status() (r row, sx int) {
	w := v.cols - 1
	if v.mode == cmdline {
		text := string(v.prompt) + string(v.cmdline)
		r = lineRow(r, []rune(text), 0, 1<<30)
		if len(r) >= w { // show the end, where the typing is
			r = append(row{"<"}, r[len(r)-w+2:]...)
		}
		return r, len(r)
	}
	left := v.msg
	if left == "" {
		left = v.fileInfo(false)
	}
	switch v.mode {
	case insert:
		left = "-- INSERT -- " + left
	case replace:
		left = "-- REPLACE -- " + left
	}
	// The line and column go at a fixed place, so that moving rewrites
	// only them; a message too long for the room before gets the row.
	right := strconv.Itoa(v.cy+1) + "," + strconv.Itoa(v.cx+1)
	at := w - 18
	if at < w/2 {
		at = w - len(right)
	}
	if v.msg != "" && utf8.RuneCountInString(left) >= at {
		return r.addText(left, w), 0
	}
	r = r.addText(left, at-1)
	for len(r) < at {
		r = append(r, " ")
	}
	return r.addText(right, w), 0
}

// fileInfo is the file's name and state, and with long, where the
// cursor is in it (Ctrl-G).
func (v *vi) fileInfo(long bool) string {
	s := "[No file]"
	if v.name != "" {
		s = strconv.Quote(v.name)
	}
	if v.modified() {
		s += " [Modified]"
	}
	if v.newFile {
		s += " [New file]"
	}
	if v.readOnly {
		s += " [Read only]"
	}
	if long {
		n := len(v.lines)
		s += " line " + strconv.Itoa(v.cy+1) + " of " + strconv.Itoa(n) +
			" --" + strconv.Itoa((v.cy+1)*100/n) + "%-- col " + strconv.Itoa(v.cx+1)
	}
	return s
}

// screen is the terminal as last drawn.
type screen struct {
	out      []byte
	shown    []row // nil: unknown, to be cleared
	cols     int
	top      int // the text line shown on the first row
	textRows int
	row, col int // the terminal's cursor
}

// draw brings the terminal up to date with the editor.
func (s *screen) draw(w io.Writer, v *vi) error {
	rows, cy, cx := v.frame()
	if v.clear || len(s.shown) != len(rows) || s.cols != v.cols {
		v.clear = false
		s.out = append(s.out, "\x1b[r\x1b[H\x1b[2J"...)
		s.shown = make([]row, len(rows))
		s.cols, s.row, s.col = v.cols, 0, 0
	} else if d := v.top - s.top; d != 0 && abs(d) < v.textRows() {
		s.scroll(d, v.textRows())
	}
	s.top = v.top
	if v.beep {
		v.beep = false
		s.out = append(s.out, '\a')
	}
	for i, r := range rows {
		s.drawRow(i, r)
	}
	s.move(cy, cx)
	_, err := w.Write(s.out)
	s.out = s.out[:0]
	return err
}

// scroll moves the text rows up by d (down if d < 0) in the terminal,
// as the text scrolled by d lines.
func (s *screen) scroll(d, n int) {
	s.out = append(s.out, "\x1b[1;"...)
	s.out = strconv.AppendInt(s.out, int64(n), 10)
	s.out = append(s.out, 'r')
	if d > 0 {
		s.out = append(s.out, "\x1b["...)
		s.out = strconv.AppendInt(s.out, int64(n), 10)
		s.out = append(s.out, 'H')
		s.out = append(s.out, strings.Repeat("\x1bD", d)...)
		copy(s.shown, s.shown[d:n])
		clear(s.shown[n-d : n])
	} else {
		s.out = append(s.out, "\x1b[H"...)
		s.out = append(s.out, strings.Repeat("\x1bM", -d)...)
		copy(s.shown[-d:n], s.shown)
		clear(s.shown[:-d])
	}
	s.out = append(s.out, "\x1b[r"...) // and the cursor goes home
	s.row, s.col = 0, 0
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// drawRow writes what differs between row i as shown and r.
func (s *screen) drawRow(i int, r row) {
	old := s.shown[i]
	c := 0
	for c < len(r) && c < len(old) && r[c] == old[c] {
		c++
	}
	if c == len(r) && c == len(old) {
		return
	}
	// Never start in the middle of a wide rune.
	for c > 0 && (c < len(r) && r[c] == "" || c < len(old) && old[c] == "") {
		c--
	}
	s.move(i, c)
	for _, cell := range r[c:] {
		s.out = append(s.out, cell...)
	}
	s.col = len(r)
	if len(old) > len(r) {
		s.out = append(s.out, "\x1b[K"...)
	}
	s.shown[i] = r
}

// move puts the terminal's cursor at row, col.
func (s *screen) move(row, col int) {
	switch {
	case row == s.row && col == s.col:
		return
	case row == s.row && col == 0:
		s.out = append(s.out, '\r')
	default:
		s.out = append(s.out, "\x1b["...)
		s.out = strconv.AppendInt(s.out, int64(row+1), 10)
		if col > 0 {
			s.out = append(s.out, ';')
			s.out = strconv.AppendInt(s.out, int64(col+1), 10)
		}
		s.out = append(s.out, 'H')
	}
	s.row, s.col = row, col
}

// leave draws the last state, then goes below it for the shell.
func (s *screen) leave(w io.Writer, v *vi) error {
	if err := s.draw(w, v); err != nil {
		return err
	}
	s.move(len(s.shown)-1, 0)
	s.out = append(s.out, "\r\n"...)
	_, err := w.Write(s.out)
	return err
}
