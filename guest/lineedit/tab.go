package lineedit

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"pidone.dev/guest/term"
)

// maxListed is how many candidates are listed without asking first.
const maxListed = 100

// complete runs Tab: one candidate replaces the word, several insert
// their common prefix, and when that adds nothing a second Tab lists
// them.
func (s *session) complete() error {
	line := string(s.buf)
	bpos := len(string(s.buf[:s.pos]))
	start, cands := s.candidates(line, bpos)
	if start < 0 || start > bpos || (start < len(line) && !utf8.RuneStart(line[start])) || len(cands) == 0 {
		s.bell()
		return nil
	}
	word := line[start:bpos]
	rstart := utf8.RuneCountInString(line[:start])
	if len(cands) == 1 {
		c := cands[0]
		if !strings.HasSuffix(c, "/") {
			c += " "
		}
		s.replace(rstart, c)
		return nil
	}
	prefix := commonPrefix(cands)
	if len(prefix) > len(word) {
		s.replace(rstart, prefix)
		return nil
	}
	if s.lastKey != '\t' {
		s.bell()
		return nil
	}
	return s.list(cands, prefix)
}

// candidates calls Complete, which is not ours to trust: a panic in it
// means no candidates rather than a dead shell.
func (s *session) candidates(line string, pos int) (start int, cands []string) {
	if s.e.Complete == nil {
		return 0, nil
	}
	defer func() {
		if recover() != nil {
			start, cands = 0, nil
		}
	}()
	start, cands = s.e.Complete(line, pos)
	cands = slices.Clone(cands)
	slices.Sort(cands)
	return start, slices.Compact(cands)
}

// replace replaces the text from rune start to the cursor with text.
func (s *session) replace(start int, text string) {
	rs := []rune(text)
	if len(s.buf)-(s.pos-start)+len(rs) > maxLine {
		s.bell()
		return
	}
	s.buf = slices.Concat(s.buf[:start], rs, s.buf[s.pos:])
	s.pos = start + len(rs)
}

// commonPrefix is the longest common prefix of cands, cut back to a
// whole rune.
func commonPrefix(cands []string) string {
	p := cands[0]
	for _, c := range cands[1:] {
		n := 0
		for n < len(p) && n < len(c) && p[n] == c[n] {
			n++
		}
		p = p[:n]
	}
	for len(p) > 0 && len(p) < len(cands[0]) && !utf8.RuneStart(cands[0][len(p)]) {
		p = p[:len(p)-1]
	}
	return p
}

// list prints the candidates in columns below the line, asking first if
// there are many, then draws the prompt again. Paths are shown from the
// last "/" they share, as ls would.
func (s *session) list(cands []string, prefix string) error {
	width := s.width()
	if width <= 0 {
		width = 80
	}
	s.put("\r\n")
	if len(cands) > maxListed {
		s.put("Display all " + strconv.Itoa(len(cands)) + " possibilities? (y or n)")
		if err := s.flush(); err != nil {
			return err
		}
		k, err := s.in.ReadKey()
		if err != nil {
			return err
		}
		s.put("\r\n")
		if k != 'y' && k != 'Y' && k != ' ' {
			s.putHead()
			return nil
		}
	}
	cut := strings.LastIndexByte(prefix, '/') + 1
	names := make([][]rune, len(cands))
	colw := 0
	for i, c := range cands {
		names[i] = []rune(c[cut:])
		colw = max(colw, runesWidth(names[i])+2)
	}
	cols := max((width+1)/colw, 1)
	rows := (len(names) + cols - 1) / cols
	for r := range rows {
		for c := range cols {
			i := c*rows + r
			if i >= len(names) {
				break
			}
			s.out = term.AppendVisible(s.out, names[i])
			if i+rows < len(names) {
				s.put(strings.Repeat(" ", colw-runesWidth(names[i])))
			}
		}
		s.put("\r\n")
		if len(s.out) > 4096 {
			if err := s.flush(); err != nil {
				return err
			}
		}
	}
	s.putHead()
	return nil
}
