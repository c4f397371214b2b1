package editors

import (
	"slices"
	"strconv"
	"unicode"

	"pidone.dev/guest/term"
)

// Normal mode: a command is [count] then a command key, or [count]
// operator [count] motion, where the operator is d, c or y.

// command runs the normal-mode command keys, or reports false when it
// needs more keys.
func (v *vi) command(keys []term.Key) bool {
	if last := keys[len(keys)-1]; last == term.Esc || last == term.Ctrl('C') {
		return true // cancelled
	}
	n, keys := count(keys)
	if len(keys) == 0 {
		return false
	}
	switch op := keys[0]; op {
	case 'd', 'c', 'y':
		n2, rest := count(keys[1:])
		if len(rest) == 0 {
			return false
		}
		return v.operate(op, mulCount(n, n2), rest)
	}
	return v.simple(keys, n)
}

// maxCount bounds counts, so that 99999999999dd is not an overflow.
const maxCount = 1 << 20

// count takes a count off the front of keys; 0 if none. A leading 0 is
// no count but the motion to the start of the line.
func count(keys []term.Key) (int, []term.Key) {
	n := 0
	for len(keys) > 0 && keys[0] >= '0' && keys[0] <= '9' && (n > 0 || keys[0] != '0') {
		n = min(n*10+int(keys[0]-'0'), maxCount)
		keys = keys[1:]
	}
	return n, keys
}

func mulCount(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a*b, maxCount)
}

// simple runs a command that is no operator: keys[0] is its key.
func (v *vi) simple(keys []term.Key, n int) bool {
	cnt := max(n, 1)
	line := v.lines[v.cy]
	switch k := keys[0]; k {
	case 'i', term.Insert:
		v.startInsert(cnt, false)
	case 'a':
		if len(line) > 0 {
			v.cx++
		}
		v.startInsert(cnt, false)
	case 'A':
		v.cx = len(line)
		v.startInsert(cnt, false)
	case 'I':
		v.cx = firstNonBlank(line, len(line))
		v.startInsert(cnt, false)
	case 'o', 'O':
		if k == 'o' {
			v.cy++
		}
		v.replace(v.cy, v.cy, []rune{})
		v.cx = 0
		v.startInsert(cnt, true)
	case 'R':
		v.startInsert(1, false)
		v.mode = replace
	case 'x', term.Delete:
		return v.operate('d', n, []term.Key{'l'})
	case 'X':
		return v.operate('d', n, []term.Key{'h'})
	case 'D':
		return v.operate('d', n, []term.Key{'$'})
	case 'C':
		return v.operate('c', n, []term.Key{'$'})
	case 's':
		return v.operate('c', n, []term.Key{'l'})
	case 'S':
		return v.operate('c', n, []term.Key{'c'})
	case 'Y':
		return v.operate('y', n, []term.Key{'y'})
	case 'p', 'P':
		v.put(k == 'p', cnt)
	case 'J':
		v.join(max(cnt, 2))
	case 'r':
		if len(keys) < 2 {
			return false
		}
		v.replaceChars(keys[1], cnt)
	case '~':
		v.toggleCase(cnt)
	case 'u':
		for range cnt {
			if !v.undoChange(&v.undo, &v.redo) {
				v.msg = "Already at oldest change"
				break
			}
		}
	case term.Ctrl('R'):
		for range cnt {
			if !v.undoChange(&v.redo, &v.undo) {
				v.msg = "Already at newest change"
				break
			}
		}
	case '.':
		v.repeat(n)
	case 'Z':
		if len(keys) < 2 {
			return false
		}
		switch keys[1] {
		case 'Z':
			v.ex("x")
		case 'Q':
			v.ex("q!")
		default:
			v.bell()
		}
	case ':', '/', '?':
		v.mode, v.prompt, v.cmdline = cmdline, rune(k), nil
	case term.Ctrl('F'), term.PageDown:
		v.page(cnt)
	case term.Ctrl('B'), term.PageUp:
		v.page(-cnt)
	case term.Ctrl('D'), term.Ctrl('U'), term.Ctrl('E'), term.Ctrl('Y'):
		v.scroll(k, n)
	case term.Ctrl('G'):
		v.msg = v.fileInfo(true)
	case term.Ctrl('L'):
		v.clear = true
	default:
		m, st := v.motion(keys, n, 0)
		switch st {
		case more:
			return false
		case failed:
			v.bell()
		default:
			v.moveTo(m)
		}
	}
	return true
}

// A move is where a motion goes, and how an operator takes the text
// between there and the cursor.
type move struct {
	y, x     int
	kind     int
	vertical bool // j, k and the like: the column is the one wanted
	end      bool // $: the end of every line is wanted
}

const (
	exclusive = iota // up to the move's position, without it
	inclusive        // with the character there
	linewise         // whole lines
)

// The outcomes of a motion's keys.
const (
	done = iota
	more
	failed
)

// motion finds where keys move the cursor, n times (0: no count given).
// op is the operator it is for, or 0.
func (v *vi) motion(keys []term.Key, n int, op term.Key) (move, int) {
	cnt := max(n, 1)
	y, x := v.cy, v.cx
	line := v.lines[y]
	last := len(v.lines) - 1
	m := move{y: y, x: x}
	lines := func(to int) {
		m.y, m.kind = to, linewise
		m.x = firstNonBlank(v.lines[to], 0)
	}
	switch k := keys[0]; k {
	case 'h', term.Left, 0x7f, term.Ctrl('H'):
		if x == 0 {
			return m, failed
		}
		m.x = max(x-cnt, 0)
	case 'l', term.Right, ' ':
		end := len(line) - 1
		if op != 0 {
			end = len(line) // the last character is deleted with it
		}
		if x >= end && op != 'c' {
			return m, failed
		}
		m.x = min(x+cnt, end)
	case 'j', term.Down, term.Ctrl('N'), '\n', 'k', term.Up, term.Ctrl('P'):
		to := min(y+cnt, last)
		if k == 'k' || k == term.Up || k == term.Ctrl('P') {
			to = max(y-cnt, 0)
		}
		if to == y {
			return m, failed
		}
		m.y, m.kind, m.vertical = to, linewise, true
	case '+', '\r', '-':
		to := min(y+cnt, last)
		if k == '-' {
			to = max(y-cnt, 0)
		}
		if to == y {
			return m, failed
		}
		lines(to)
	case '0', term.Home:
		m.x = 0
	case '^':
		m.x = firstNonBlank(line, max(len(line)-1, 0))
	case '$', term.End:
		m.y = min(y+cnt-1, last)
		m.x, m.kind, m.end = max(len(v.lines[m.y])-1, 0), inclusive, true
	case 'w', 'W', 'b', 'B', 'e', 'E':
		return v.wordMotion(k, cnt, op)
	case 'G':
		lines(last)
		if n > 0 {
			lines(min(n, last+1) - 1)
		}
	case 'g':
		if len(keys) < 2 {
			return m, more
		}
		if keys[1] != 'g' {
			return m, failed
		}
		lines(min(cnt, last+1) - 1)
	case 'H', 'L', 'M':
		bottom := min(v.top+v.textRows()-1, last)
		switch k {
		case 'H':
			lines(min(v.top+cnt-1, bottom))
		case 'L':
			lines(max(bottom-cnt+1, v.top))
		default:
			lines((v.top + bottom) / 2)
		}
	case 'f', 'F', 't', 'T':
		if len(keys) < 2 {
			return m, more
		}
		v.find = [2]term.Key{k, keys[1]}
		return v.findChar(k, keys[1], cnt, false)
	case ';', ',':
		f, c := v.find[0], v.find[1]
		if k == ',' {
			f ^= 0x20 // f and F, t and T
		}
		if f == 0 {
			return m, failed
		}
		return v.findChar(f, c, cnt, true)
	case 'n', 'N':
		p, ok := v.searchNext(v.backward != (k == 'N'), cnt)
		if !ok {
			return m, failed
		}
		m.y, m.x = p.y, p.x
	case '%':
		p, ok := v.matchBracket()
		if !ok {
			return m, failed
		}
		m.y, m.x, m.kind = p.y, p.x, inclusive
	default:
		return m, failed
	}
	return m, done
}

// moveTo moves the cursor as the motion m says.
func (v *vi) moveTo(m move) {
	v.cy = m.y
	if m.vertical {
		v.cx = xAt(v.lines[v.cy], v.want)
	} else {
		v.cx = m.x
	}
	v.clampX()
	switch {
	case m.end:
		v.want = wantEnd
	case !m.vertical:
		v.want = v.col()
	}
}

// operate runs the operator op (d, c or y) over the text the motion
// keys cover, n times.
func (v *vi) operate(op term.Key, n int, keys []term.Key) bool {
	switch keys[0] {
	case op: // dd, cc, yy
		v.lineOp(op, v.cy, min(v.cy+max(n, 1), len(v.lines))-1)
		return true
	case '/', '?': // to what a search finds: see cmdlineKey
		v.mode, v.prompt, v.cmdline, v.opPending = cmdline, rune(keys[0]), nil, op
		return true
	}
	m, st := v.motion(keys, n, op)
	switch st {
	case more:
		return false
	case failed:
		v.bell()
	default:
		v.applyOp(op, m)
	}
	return true
}

// applyOp runs op from the cursor to where m goes.
func (v *vi) applyOp(op term.Key, m move) {
	if m.kind == linewise {
		v.lineOp(op, min(v.cy, m.y), max(v.cy, m.y))
		return
	}
	s, e := pos{v.cy, v.cx}, pos{m.y, m.x}
	if e.y < s.y || e.y == s.y && e.x < s.x {
		s, e = e, s
	}
	switch {
	case m.kind == inclusive:
		e.x = min(e.x+1, len(v.lines[e.y]))
	case e.y > s.y && e.x == 0:
		// An exclusive motion to the start of a line does not take
		// that line's break: it stops at the end of the line before,
		// or takes whole lines if it started before the first word.
		if s.x <= firstNonBlank(v.lines[s.y], len(v.lines[s.y])) {
			v.lineOp(op, s.y, e.y-1)
			return
		}
		e = pos{e.y - 1, len(v.lines[e.y-1])}
	}
	v.charOp(op, s, e)
}

type pos struct{ y, x int }

// lineOp runs op over lines a to b.
func (v *vi) lineOp(op term.Key, a, b int) {
	v.reg = register{text: slices.Clone(v.lines[a : b+1]), lines: true}
	count := b - a + 1
	switch op {
	case 'y':
		v.cy = a
		v.clampX()
		v.report(count, " lines yanked")
		return
	case 'd':
		if count == len(v.lines) {
			v.replace(0, len(v.lines), []rune{})
			v.noLines = true
		} else {
			v.replace(a, b+1)
		}
		v.cy = min(a, len(v.lines)-1)
		v.cx = firstNonBlank(v.lines[v.cy], 0)
		v.want = v.col()
		v.report(count, " fewer lines")
	case 'c':
		v.replace(a, b+1, []rune{})
		v.cy, v.cx = a, 0
		v.startInsert(1, false)
	}
	v.changed = true
}

// report says how many lines a command changed, when that is more than
// two.
func (v *vi) report(n int, what string) {
	if n > 2 {
		v.msg = strconv.Itoa(n) + what
	}
}

// charOp runs op over the text from s to e, e excluded.
func (v *vi) charOp(op term.Key, s, e pos) {
	var text [][]rune
	if s.y == e.y {
		text = [][]rune{slices.Clone(v.lines[s.y][s.x:e.x])}
	} else {
		text = append(text, slices.Clone(v.lines[s.y][s.x:]))
		text = append(text, v.lines[s.y+1:e.y]...)
		text = append(text, slices.Clone(v.lines[e.y][:e.x]))
	}
	v.reg = register{text: text}
	v.cy, v.cx = s.y, s.x
	if op == 'y' {
		v.clampX()
		return
	}
	v.replace(s.y, e.y+1, concat(v.lines[s.y][:s.x], v.lines[e.y][e.x:]))
	v.changed = true
	if op == 'c' {
		v.startInsert(1, false)
		return
	}
	v.clampX()
	v.want = v.col()
}

// concat returns a new line made of a then b.
func concat(a, b []rune) []rune {
	l := make([]rune, 0, len(a)+len(b))
	return append(append(l, a...), b...)
}

// startInsert enters insert mode; what is typed goes in cnt times.
func (v *vi) startInsert(cnt int, newLine bool) {
	v.mode, v.changed = insert, true
	v.insRepeat, v.insFrom, v.insLine = cnt-1, len(v.rec), newLine
	v.want = v.col()
}

// put puts the register after or before the cursor, cnt times.
func (v *vi) put(after bool, cnt int) {
	r := v.reg
	if r.text == nil {
		v.bell()
		return
	}
	v.changed = true
	size := 0
	for _, l := range r.text {
		size += len(l) + 1
	}
	cnt = max(min(cnt, maxText/size), 1)
	if r.lines {
		var add [][]rune
		for range cnt {
			add = append(add, r.text...)
		}
		at := v.cy
		if after {
			at++
		}
		v.replace(at, at, add...)
		v.cy, v.cx = at, firstNonBlank(v.lines[at], 0)
		v.report(len(add), " more lines")
		v.want = v.col()
		return
	}
	// The text cnt times over: its last piece joins the next first one.
	text := [][]rune{slices.Repeat(r.text[0], cnt)}
	if len(r.text) > 1 {
		text = [][]rune{{}}
		for range cnt {
			text[len(text)-1] = concat(text[len(text)-1], r.text[0])
			text = append(text, r.text[1:]...)
		}
	}
	line := v.lines[v.cy]
	x := v.cx
	if after && len(line) > 0 {
		x++
	}
	first := concat(line[:x], text[0])
	if len(text) == 1 {
		v.setLine(v.cy, concat(first, line[x:]))
		v.cx = x + len(text[0]) - 1
	} else {
		add := append([][]rune{first}, text[1:len(text)-1]...)
		add = append(add, concat(text[len(text)-1], line[x:]))
		v.replace(v.cy, v.cy+1, add...)
		v.cx = x
	}
	v.clampX()
	v.want = v.col()
}

// join joins n lines from the cursor's, as J does: the next line's
// indent becomes a space, or nothing after a blank or before a ")".
func (v *vi) join(n int) {
	last := min(v.cy+n-1, len(v.lines)-1)
	if last == v.cy {
		v.bell()
		return
	}
	line := slices.Clone(v.lines[v.cy])
	x := 0
	for y := v.cy + 1; y <= last; y++ {
		next := v.lines[y][firstNonBlank(v.lines[y], len(v.lines[y])):]
		x = len(line)
		if len(next) > 0 && next[0] != ')' && (len(line) == 0 || !isBlank(line[len(line)-1])) {
			line = append(line, ' ')
		}
		line = append(line, next...)
	}
	v.replace(v.cy, last+1, line)
	v.cx = x
	v.clampX()
	v.want = v.col()
	v.changed = true
}

// replaceChars is r: cnt characters become c; Enter breaks the line
// there instead.
func (v *vi) replaceChars(c term.Key, cnt int) {
	line := v.lines[v.cy]
	if v.cx+cnt > len(line) || !(c.Printable() || c == '\t' || c == '\r') {
		v.bell()
		return
	}
	v.changed = true
	if c == '\r' {
		v.replace(v.cy, v.cy+1, slices.Clone(line[:v.cx]), slices.Clone(line[v.cx+cnt:]))
		v.cy, v.cx = v.cy+1, 0
		return
	}
	l := slices.Clone(line)
	for i := range cnt {
		l[v.cx+i] = rune(c)
	}
	v.setLine(v.cy, l)
	v.cx += cnt - 1
	v.want = v.col()
}

// toggleCase is ~: the case of cnt characters changes.
func (v *vi) toggleCase(cnt int) {
	line := v.lines[v.cy]
	if len(line) == 0 {
		v.bell()
		return
	}
	l := slices.Clone(line)
	end := min(v.cx+cnt, len(l))
	for i := v.cx; i < end; i++ {
		if unicode.IsUpper(l[i]) {
			l[i] = unicode.ToLower(l[i])
		} else {
			l[i] = unicode.ToUpper(l[i])
		}
	}
	v.setLine(v.cy, l)
	v.cx = end
	v.clampX()
	v.want = v.col()
	v.changed = true
}

// repeat is ".": the keys of the last change again, with count n
// instead of theirs if given.
func (v *vi) repeat(n int) {
	if v.dot == nil {
		v.bell()
		return
	}
	if n > 0 {
		_, rest := count(v.dot)
		v.dot = append([]term.Key(nil), []term.Key(strconv.Itoa(n))...)
		v.dot = append(v.dot, rest...)
	}
	keys := v.dot
	v.pending, v.replayed = nil, true
	for _, k := range keys {
		v.key(k)
	}
	v.replayed, v.changed = false, false
}

// page is Ctrl-F (n > 0) and Ctrl-B (n < 0): n screens, less two lines.
func (v *vi) page(n int) {
	step := max(v.textRows()-2, 1) * n
	top := min(max(v.top+step, 0), len(v.lines)-1)
	if top == v.top {
		v.bell()
		return
	}
	v.top = top
	v.cy = min(max(v.cy, top), top+v.textRows()-1)
	v.cx = firstNonBlank(v.lines[v.cy], 0)
	v.want = v.col()
}

// scroll is Ctrl-D and Ctrl-U (half a screen, or n lines, and the
// cursor as much), Ctrl-E and Ctrl-Y (n lines, the cursor staying).
func (v *vi) scroll(k term.Key, n int) {
	h := v.textRows()
	last := len(v.lines) - 1
	switch k {
	case term.Ctrl('D'), term.Ctrl('U'):
		d := h / 2
		if n > 0 {
			d = n
		}
		if k == term.Ctrl('U') {
			d = -d
		}
		y := min(max(v.cy+d, 0), last)
		if y == v.cy {
			v.bell()
			return
		}
		v.top = min(max(v.top+d, 0), last)
		v.cy = y
		v.cx = firstNonBlank(v.lines[y], 0)
		v.want = v.col()
	default:
		d := max(n, 1)
		if k == term.Ctrl('Y') {
			d = -d
		}
		v.top = min(max(v.top+d, 0), last)
		v.cy = min(max(v.cy, v.top), v.top+h-1)
		v.clampX()
	}
}

// Insert mode.

func (v *vi) insertKey(k term.Key) {
	line := v.lines[v.cy]
	if v.literal {
		v.literal = false
		if k <= unicode.MaxRune {
			v.insertRune(rune(k))
		}
		return
	}
	switch {
	case k == term.Esc || k == term.Ctrl('C'):
		v.endInsert()
		return
	case k.Printable() || k == '\t':
		v.insertRune(rune(k))
	case k == '\r' || k == '\n':
		v.replace(v.cy, v.cy+1, slices.Clone(line[:v.cx]), slices.Clone(line[v.cx:]))
		v.cy, v.cx = v.cy+1, 0
	case k == 0x7f || k == term.Ctrl('H'):
		switch {
		case v.mode == replace:
			v.cx = max(v.cx-1, 0) // what was typed over stays typed over
		case v.cx > 0:
			v.setLine(v.cy, concat(line[:v.cx-1], line[v.cx:]))
			v.cx--
		case v.cy > 0:
			prev := v.lines[v.cy-1]
			v.replace(v.cy-1, v.cy+1, concat(prev, line))
			v.cy, v.cx = v.cy-1, len(prev)
		default:
			v.bell()
		}
	case k == term.Delete:
		switch {
		case v.cx < len(line):
			v.setLine(v.cy, concat(line[:v.cx], line[v.cx+1:]))
		case v.cy+1 < len(v.lines):
			v.replace(v.cy, v.cy+2, concat(line, v.lines[v.cy+1]))
		}
	case k == term.Ctrl('W'), k == term.Ctrl('U'):
		x := 0
		if k == term.Ctrl('W') {
			x = v.cx
			for x > 0 && isBlank(line[x-1]) {
				x--
			}
			if x > 0 {
				c := class(line[x-1], false)
				for x > 0 && class(line[x-1], false) == c {
					x--
				}
			}
		}
		v.setLine(v.cy, concat(line[:x], line[v.cx:]))
		v.cx = x
	case k == term.Ctrl('V'):
		v.literal = true
	case k == term.Left && v.cx > 0:
		v.cx--
	case k == term.Right && v.cx < len(line):
		v.cx++
	case k == term.Home:
		v.cx = 0
	case k == term.End:
		v.cx = len(line)
	case k == term.Up && v.cy > 0, k == term.Down && v.cy+1 < len(v.lines):
		if k == term.Up {
			v.cy--
		} else {
			v.cy++
		}
		v.cx = xAt(v.lines[v.cy], v.want)
		return
	default:
		return
	}
	v.want = v.col()
}

// insertRune types r in insert mode, or over the cursor's character in
// replace mode.
func (v *vi) insertRune(r rune) {
	line := v.lines[v.cy]
	rest := line[v.cx:]
	if v.mode == replace && len(rest) > 0 {
		rest = rest[1:]
	}
	v.setLine(v.cy, concat(concat(line[:v.cx], []rune{r}), rest))
	v.cx++
}

// endInsert leaves insert mode, typing the text again as the count
// asked.
func (v *vi) endInsert() {
	if n := v.insRepeat; n > 0 && v.insFrom < len(v.rec) {
		typed := slices.Clone(v.rec[v.insFrom : len(v.rec)-1])
		n = min(n, maxText/max(len(typed), 1))
		text := make([]rune, 0, len(typed))
		for _, k := range typed {
			if k.Printable() || k == '\t' {
				text = append(text, rune(k))
			}
		}
		switch {
		case len(text) < len(typed) || v.mode == replace:
			// Keys that edit: type them again.
			for range n {
				if v.insLine {
					v.insertKey('\r')
				}
				for _, k := range typed {
					v.insertKey(k)
				}
			}
		case v.insLine:
			add := make([][]rune, n)
			for i := range add {
				add[i] = text
			}
			v.replace(v.cy+1, v.cy+1, add...)
			v.cy += n
			v.cx = len(text)
		default:
			line := v.lines[v.cy]
			more := slices.Repeat(text, n)
			v.setLine(v.cy, concat(concat(line[:v.cx], more), line[v.cx:]))
			v.cx += len(more)
		}
	}
	v.insRepeat = 0
	v.mode = normal
	v.cx--
	v.clampX()
	v.want = v.col()
	v.endChange()
	v.remember()
}

// maxText bounds what a count makes: 99999999p must not take all the
// memory there is.
const maxText = 1 << 22

// Text positions and widths.

// clampX keeps the cursor on the line: on its last character in normal
// mode, and up to just after it in insert mode.
func (v *vi) clampX() {
	end := len(v.lines[v.cy])
	if v.mode == normal || v.mode == cmdline {
		end--
	}
	v.cx = max(min(v.cx, end), 0)
}

// col is the display column of the cursor.
func (v *vi) col() int { return colOf(v.lines[v.cy], v.cx) }

// runeCols is how many columns r takes when it starts at column col: a
// tab reaches the next multiple of 8, a control character shows as ^X,
// a byte of no character as <xx>.
func runeCols(r rune, col int) int {
	switch {
	case r == '\t':
		return 8 - col%8
	case r >= rawByte:
		return 4
	}
	return term.RuneWidth(r)
}

// colOf is the display column where rune x of line starts.
func colOf(line []rune, x int) int {
	c := 0
	for _, r := range line[:min(x, len(line))] {
		c += runeCols(r, c)
	}
	return c
}

// xAt is the rune of line shown at display column col, or the line's
// length past its end.
func xAt(line []rune, col int) int {
	c := 0
	for i, r := range line {
		c += runeCols(r, c)
		if c > col {
			return i
		}
	}
	return len(line)
}

func isBlank(r rune) bool { return r == ' ' || r == '\t' }

// firstNonBlank is the index of line's first character that is not a
// blank, or none if there is none.
func firstNonBlank(line []rune, none int) int {
	for i, r := range line {
		if !isBlank(r) {
			return i
		}
	}
	return none
}

// class sorts characters for word motions: blanks, word characters
// (letters, digits and _; for WORDs any non-blank), other.
func class(r rune, big bool) int {
	switch {
	case isBlank(r):
		return 0
	case big || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
		return 1
	}
	return 2
}

// classAt is the class at p; the end of a line counts as a blank.
func (v *vi) classAt(p pos, big bool) int {
	if l := v.lines[p.y]; p.x < len(l) {
		return class(l[p.x], big)
	}
	return 0
}

// next moves p on by one character, the end of a line counting as one.
func (v *vi) next(p *pos) bool {
	switch {
	case p.x < len(v.lines[p.y]):
		p.x++
	case p.y+1 < len(v.lines):
		p.y, p.x = p.y+1, 0
	default:
		return false
	}
	return true
}

func (v *vi) prev(p *pos) bool {
	switch {
	case p.x > 0:
		p.x--
	case p.y > 0:
		p.y--
		p.x = len(v.lines[p.y])
	default:
		return false
	}
	return true
}

func (v *vi) emptyLine(p pos) bool { return p.x == 0 && len(v.lines[p.y]) == 0 }

// wordMotion is w, W, b, B, e and E.
func (v *vi) wordMotion(k term.Key, cnt int, op term.Key) (move, int) {
	big := k == 'W' || k == 'B' || k == 'E'
	start := pos{v.cy, v.cx}
	p := start
	m := move{kind: exclusive}
	switch k {
	case 'w', 'W':
		if op == 'c' && v.classAt(p, big) != 0 {
			// cw changes to the end of the word, not up to the next.
			for i := range cnt {
				if i > 0 {
					p = v.wordEnd(p, big)
				}
				p = v.restOfWord(p, big)
			}
			m.kind = inclusive
			break
		}
		for i := range cnt {
			from := p
			p = v.wordStart(p, big)
			if i == cnt-1 && op != 0 && p.y > from.y {
				// The last word ends its line: the line break stays.
				p = pos{from.y, len(v.lines[from.y])}
			}
		}
	case 'b', 'B':
		for range cnt {
			p = v.wordBack(p, big)
		}
	case 'e', 'E':
		for range cnt {
			p = v.wordEnd(p, big)
		}
		m.kind = inclusive
	}
	if p == start && (op == 0 || m.kind == exclusive) {
		return m, failed
	}
	m.y, m.x = p.y, p.x
	return m, done
}

func (v *vi) wordStart(p pos, big bool) pos {
	if c := v.classAt(p, big); c != 0 {
		for v.classAt(p, big) == c {
			if !v.next(&p) {
				return p
			}
		}
	}
	for v.classAt(p, big) == 0 {
		if !v.next(&p) || v.emptyLine(p) {
			return p
		}
	}
	return p
}

func (v *vi) wordEnd(p pos, big bool) pos {
	if !v.next(&p) {
		return p
	}
	for v.classAt(p, big) == 0 {
		if !v.next(&p) {
			return p
		}
	}
	return v.restOfWord(p, big)
}

// restOfWord moves p to the last character of its word.
func (v *vi) restOfWord(p pos, big bool) pos {
	c := v.classAt(p, big)
	for {
		q := p
		if !v.next(&q) || v.classAt(q, big) != c || q.y != p.y {
			return p
		}
		p = q
	}
}

func (v *vi) wordBack(p pos, big bool) pos {
	if !v.prev(&p) {
		return p
	}
	for v.classAt(p, big) == 0 && !v.emptyLine(p) {
		if !v.prev(&p) {
			return p
		}
	}
	c := v.classAt(p, big)
	for {
		q := p
		if !v.prev(&q) || v.classAt(q, big) != c || q.y != p.y {
			return p
		}
		p = q
	}
}

// findChar is f, F, t and T: to the cnt-th c on the line; again for
// ; and , which do not stay stuck just before a c.
func (v *vi) findChar(k, c term.Key, cnt int, again bool) (move, int) {
	line := v.lines[v.cy]
	m := move{y: v.cy, x: v.cx, kind: inclusive}
	d := 1
	if k == 'F' || k == 'T' {
		d, m.kind = -1, exclusive
	}
	x := v.cx
	if again && (k == 't' || k == 'T') && x+d >= 0 && x+d < len(line) && line[x+d] == rune(c) {
		x += d
	}
	for range cnt {
		for x += d; x >= 0 && x < len(line) && line[x] != rune(c); x += d {
		}
		if x < 0 || x >= len(line) {
			return m, failed
		}
	}
	if k == 't' || k == 'T' {
		x -= d
	}
	m.x = x
	return m, done
}

// matchBracket is %: from the first bracket at or after the cursor on
// its line to the one that matches it.
func (v *vi) matchBracket() (pos, bool) {
	const brackets = "()[]{}"
	line := v.lines[v.cy]
	p := pos{v.cy, v.cx}
	i := -1
	for ; p.x < len(line); p.x++ {
		if i = indexRune(brackets, line[p.x]); i >= 0 {
			break
		}
	}
	if i < 0 {
		return p, false
	}
	from, to := line[p.x], rune(brackets[i^1])
	step := v.next
	if i&1 == 1 {
		step = v.prev
	}
	depth := 0
	for {
		if l := v.lines[p.y]; p.x < len(l) {
			switch l[p.x] {
			case from:
				depth++
			case to:
				depth--
			}
			if depth == 0 {
				return p, true
			}
		}
		if !step(&p) {
			return p, false
		}
	}
}

func indexRune(s string, r rune) int {
	for i, c := range s {
		if c == r {
			return i
		}
	}
	return -1
}
