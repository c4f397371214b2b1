package editors

import (
	"slices"
	"unicode/utf8"
)

// vi keeps its text as lines of runes. A line in the buffer is never
// changed in place: an edit puts a new slice in its place, so that undo
// records, registers and the screen may hold on to old ones.

// rawByte is where a byte that is not part of valid UTF-8 is kept, as
// the rune rawByte+b beyond Unicode, so that saving gives it back as it
// was: vi must not corrupt a file it does not understand.
const rawByte = utf8.MaxRune + 1

// splitLines turns a file's bytes into lines; noEOL reports that the
// last line had no newline.
func splitLines(b []byte) (lines [][]rune, noEOL bool) {
	var line []rune
	for len(b) > 0 {
		if b[0] == '\n' {
			lines = append(lines, line)
			line = []rune{}
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			r = rawByte + rune(b[0])
		}
		line = append(line, r)
		b = b[n:]
	}
	if len(line) > 0 {
		lines = append(lines, line)
		noEOL = true
	}
	if len(lines) == 0 {
		lines = [][]rune{{}}
	}
	return lines, noEOL
}

// appendText appends rs as the file holds them.
func appendText(b []byte, rs []rune) []byte {
	for _, r := range rs {
		if r >= rawByte {
			b = append(b, byte(r-rawByte))
		} else {
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// joinLines is what a file of lines holds.
func joinLines(lines [][]rune, noEOL bool) []byte {
	var b []byte
	for i, l := range lines {
		b = appendText(b, l)
		if i < len(lines)-1 || !noEOL {
			b = append(b, '\n')
		}
	}
	return b
}

// text is what the file is to hold: nothing when the text has no
// lines, which is not the same as one empty line.
func (v *vi) text() []byte {
	if v.noLines {
		return nil
	}
	return joinLines(v.lines, v.noEOL)
}

// A delta replaced lines[at:at+n] for what old holds. Undoing it puts
// old back and turns it into the delta that redoes it.
type delta struct {
	at  int
	old [][]rune
	n   int
}

// A change is what one command did, undone and redone as one: its
// deltas in the order made, and where the cursor was and whether the
// text had no lines before.
type change struct {
	deltas  []delta
	y, x    int
	noLines bool
}

// maxUndo bounds the undo levels kept.
const maxUndo = 1000

// replace puts repl in place of lines[from:to], recording it for undo.
// The lines must not become empty: a buffer has at least one line.
func (v *vi) replace(from, to int, repl ...[]rune) {
	if v.cur == nil {
		v.cur = &change{y: v.cy, x: v.cx, noLines: v.noLines}
		v.undo = append(v.undo, v.cur)
		if len(v.undo) > maxUndo {
			v.undo = slices.Delete(v.undo, 0, len(v.undo)-maxUndo)
		}
	}
	v.redo, v.noLines = nil, false
	// A change inside what this command already changed (typing on
	// in insert mode) adds nothing to undo: the old lines are known.
	if n := len(v.cur.deltas); n > 0 {
		last := &v.cur.deltas[n-1]
		if from >= last.at && to <= last.at+last.n {
			last.n += len(repl) - (to - from)
			v.lines = slices.Replace(v.lines, from, to, repl...)
			return
		}
	}
	v.cur.deltas = append(v.cur.deltas, delta{at: from, old: slices.Clone(v.lines[from:to]), n: len(repl)})
	v.lines = slices.Replace(v.lines, from, to, repl...)
}

// setLine replaces line y.
func (v *vi) setLine(y int, l []rune) { v.replace(y, y+1, l) }

// endChange ends the undo group of the command that is done.
func (v *vi) endChange() { v.cur = nil }

// undoChange undoes the last change of from and moves it to to, turned
// into the change that undoes the undo. It reports false if from is
// empty.
func (v *vi) undoChange(from, to *[]*change) bool {
	v.endChange()
	if len(*from) == 0 {
		return false
	}
	c := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	y, x := v.cy, v.cx
	top := len(v.lines)
	for i := len(c.deltas) - 1; i >= 0; i-- {
		d := &c.deltas[i]
		now := slices.Clone(v.lines[d.at : d.at+d.n])
		v.lines = slices.Replace(v.lines, d.at, d.at+d.n, d.old...)
		d.old, d.n = now, len(d.old)
		top = min(top, d.at)
	}
	slices.Reverse(c.deltas)
	if to == &v.redo {
		v.cy, v.cx = c.y, c.x
	} else {
		v.cy, v.cx = top, 0
	}
	c.y, c.x = y, x
	c.noLines, v.noLines = v.noLines, c.noLines
	*to = append(*to, c)
	v.cy = min(v.cy, len(v.lines)-1)
	v.clampX()
	return true
}

// modified reports whether the text differs from the file's: whether
// undo has anything other than what it had at the last save.
func (v *vi) modified() bool {
	var top *change
	if len(v.undo) > 0 {
		top = v.undo[len(v.undo)-1]
	}
	return top != v.saved
}
