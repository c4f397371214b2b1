package lineedit

import (
	"io"
	"slices"
	"strings"
	"unicode"

	"pidone.dev/guest/term"
)

// session is the state of one ReadLine. It only needs a reader, a
// writer and a width, so tests and the fuzzer run it without a terminal.
type session struct {
	e      *Editor
	in     *term.Reader
	w      io.Writer
	out    []byte      // drawn but not yet written
	width  func() int  // terminal columns
	queued func() bool // more input already waiting; nil if unknown
	head   string      // prompt lines before the last, drawn once
	prompt string      // the prompt's last line, redrawn with the line
	buf    []rune
	pos    int
	hist   []string // history plus the line being edited, editable
	hi     int      // which of hist is in buf

	dirty    bool // the screen does not show buf
	fastCols int  // columns free after the line, if it is all visible with the cursor at its end; else -1
	lastKey  term.Key
	killing  bool // this key killed text: the next kill adds to it
	wasKill  bool
}

// edit is ReadLine's core: it runs the keys read from r until a line is
// done.
func (e *Editor) edit(r io.Reader, w io.Writer, width func() int, queued func() bool, prompt string) (string, error) {
	e.in.R = r
	s := &session{e: e, in: &e.in, w: w, width: width, queued: queued, prompt: prompt, fastCols: -1}
	if i := strings.LastIndexByte(prompt, '\n'); i >= 0 {
		s.head, s.prompt = prompt[:i+1], prompt[i+1:]
	}
	s.hist = append(slices.Clone(e.history), "")
	s.hi = len(s.hist) - 1
	s.putHead()
	s.dirty = true
	for {
		if s.dirty && !s.pending() {
			s.refresh()
		}
		if err := s.flush(); err != nil {
			return "", err
		}
		k, err := s.in.ReadKey()
		if err != nil {
			return "", err
		}
		done, err := s.handle(k)
		if done || err != nil {
			s.flush()
			if err != nil {
				return "", err
			}
			return string(s.buf), nil
		}
	}
}

func (s *session) pending() bool {
	return s.in.Buffered() > 0 || (s.queued != nil && s.queued())
}

func (s *session) put(str string) { s.out = append(s.out, str...) }

func (s *session) bell() { s.put("\a") }

// putHead draws the lines of a multi-line prompt that do not scroll.
func (s *session) putHead() {
	s.put(strings.ReplaceAll(s.head, "\n", "\r\n"))
}

func (s *session) flush() error {
	if len(s.out) == 0 {
		return nil
	}
	_, err := s.w.Write(s.out)
	s.out = s.out[:0]
	return err
}

// handle runs one key and reports whether the line is done.
func (s *session) handle(k term.Key) (done bool, err error) {
	defer func() { s.lastKey = k }()
	s.wasKill, s.killing = s.killing, false
	if k.Printable() {
		s.insert([]rune{rune(k)})
		return false, nil
	}
	s.dirty = true
	n := len(s.buf)
	switch k {
	case '\r', '\n':
		s.pos = n
		s.refresh()
		s.put("\r\n")
		return true, nil
	case term.Ctrl('C'):
		s.pos = n
		s.refresh()
		if s.fastCols >= 2 { // not when it would wrap
			s.put("^C")
		}
		s.put("\r\n")
		return true, ErrInterrupted
	case term.Ctrl('D'):
		if n == 0 {
			return true, io.EOF
		}
		s.delete(s.pos)
	case term.Ctrl('A'), term.Home:
		s.pos = 0
	case term.Ctrl('E'), term.End:
		s.pos = n
	case term.Ctrl('B'), term.Left:
		s.pos = max(s.pos-1, 0)
	case term.Ctrl('F'), term.Right:
		s.pos = min(s.pos+1, n)
	case term.WordLeft:
		s.pos = s.wordLeft()
	case term.WordRight:
		s.pos = s.wordRight()
	case 0x7f, term.Ctrl('H'):
		if s.pos > 0 {
			s.pos--
			s.delete(s.pos)
		}
	case term.Delete:
		s.delete(s.pos)
	case term.Ctrl('K'):
		s.kill(s.pos, n, false)
	case term.Ctrl('U'):
		s.kill(0, s.pos, true)
	case term.Ctrl('W'):
		i := s.pos
		for i > 0 && unicode.IsSpace(s.buf[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(s.buf[i-1]) {
			i--
		}
		s.kill(i, s.pos, true)
	case term.KillWordLeft:
		s.kill(s.wordLeft(), s.pos, true)
	case term.KillWordRight:
		s.kill(s.pos, s.wordRight(), false)
	case term.Ctrl('Y'):
		s.insert(s.e.yank)
	case term.Ctrl('T'):
		s.transpose()
	case term.Ctrl('L'):
		s.put("\x1b[H\x1b[2J")
		s.putHead()
	case term.Ctrl('P'), term.Up:
		s.walkHistory(-1)
	case term.Ctrl('N'), term.Down:
		s.walkHistory(1)
	case term.Ctrl('R'):
		next, err := s.search()
		if err != nil || next == term.None {
			return err != nil, err
		}
		return s.handle(next)
	case '\t':
		return false, s.complete()
	}
	return false, nil
}

// maxLine bounds a line, in runes. Yanking doubles a line quickly, and
// a line that fills the guest's memory helps nobody.
const maxLine = 1 << 15

// insert inserts rs at the cursor. Typing at the end of a line that fits
// just echoes the rune, which is all a slow serial line needs.
func (s *session) insert(rs []rune) {
	if len(s.buf)+len(rs) > maxLine {
		s.bell()
		return
	}
	if len(rs) == 1 && !s.dirty && s.pos == len(s.buf) {
		if w := term.RuneWidth(rs[0]); w > 0 && w <= s.fastCols && term.Key(rs[0]).Printable() {
			s.buf = append(s.buf, rs[0])
			s.pos++
			s.fastCols -= w
			s.out = term.AppendVisible(s.out, rs)
			return
		}
	}
	s.dirty = true
	s.buf = slices.Insert(s.buf, s.pos, rs...)
	s.pos += len(rs)
}

func (s *session) delete(i int) {
	if i < len(s.buf) {
		s.buf = slices.Delete(s.buf, i, i+1)
	}
}

// kill cuts buf[from:to] into the yank buffer. Kills in a row add up, as
// in readline, so Ctrl-W Ctrl-W Ctrl-Y gives back both words.
func (s *session) kill(from, to int, backward bool) {
	text := slices.Clone(s.buf[from:to])
	switch {
	case !s.wasKill:
		s.e.yank = text
	case backward:
		s.e.yank = append(text, s.e.yank...)
	default:
		s.e.yank = append(s.e.yank, text...)
	}
	s.killing = true
	s.buf = slices.Delete(s.buf, from, to)
	s.pos = from
}

func (s *session) transpose() {
	if s.pos == 0 || len(s.buf) < 2 {
		s.bell()
		return
	}
	if s.pos == len(s.buf) {
		s.pos--
	}
	s.buf[s.pos-1], s.buf[s.pos] = s.buf[s.pos], s.buf[s.pos-1]
	s.pos++
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

func (s *session) wordLeft() int {
	i := s.pos
	for i > 0 && !isWordRune(s.buf[i-1]) {
		i--
	}
	for i > 0 && isWordRune(s.buf[i-1]) {
		i--
	}
	return i
}

func (s *session) wordRight() int {
	i := s.pos
	for i < len(s.buf) && !isWordRune(s.buf[i]) {
		i++
	}
	for i < len(s.buf) && isWordRune(s.buf[i]) {
		i++
	}
	return i
}

// walkHistory moves by d entries. Edits to an entry, including the new
// line, are kept until ReadLine returns, so coming back down finds the
// line as it was left.
func (s *session) walkHistory(d int) {
	i := s.hi + d
	if i < 0 || i >= len(s.hist) {
		s.bell()
		return
	}
	s.hist[s.hi] = string(s.buf)
	s.hi = i
	s.buf = []rune(s.hist[i])
	s.pos = len(s.buf)
}
