package lineedit

import (
	"slices"
	"strings"
	"unicode/utf8"

	"pidone.dev/guest/term"
)

// search runs Ctrl-R, reverse incremental search through the history.
// Typing narrows the search, Ctrl-R finds the next older match,
// Backspace widens it again, Ctrl-G or Ctrl-C give the line back as it
// was. Any other key takes the match into the line and is returned, for
// the caller to run: Enter then returns the match, Ctrl-E edits it.
func (s *session) search() (term.Key, error) {
	origBuf, origPos := slices.Clone(s.buf), s.pos
	s.hist[s.hi] = string(s.buf) // search the entry being edited as it is now
	var q []rune
	match, at := -1, 0 // s.hist[match], and the match's rune offset in it
	failed := false
	newest := len(s.hist) - 2 // the last entry is the line being edited
	find := func(from int) bool {
		for i := from; i >= 0; i-- {
			if j := strings.Index(s.hist[i], string(q)); j >= 0 {
				match, at = i, utf8.RuneCountInString(s.hist[i][:j])
				return true
			}
		}
		s.bell()
		return false
	}
	for {
		if !s.pending() {
			p := "(reverse-i-search)`"
			if failed {
				p = "(failed reverse-i-search)`"
			}
			shown, pos := origBuf, origPos
			if match >= 0 {
				shown, pos = []rune(s.hist[match]), at
			}
			s.render(p+string(q)+"': ", shown, pos)
		}
		if err := s.flush(); err != nil {
			return term.None, err
		}
		k, err := s.in.ReadKey()
		if err != nil {
			return term.None, err
		}
		switch {
		case k == term.None:
		case k == term.Ctrl('G') || k == term.Ctrl('C'):
			s.buf, s.pos = origBuf, origPos
			return term.None, nil
		case k == term.Ctrl('R'):
			if len(q) > 0 && match >= 0 {
				failed = !find(match - 1)
			}
		case k == 0x7f || k == term.Ctrl('H'):
			if len(q) > 0 {
				q = q[:len(q)-1]
				match, failed = -1, false
				if len(q) > 0 {
					failed = !find(newest)
				}
			}
		case k.Printable():
			q = append(q, rune(k))
			from := match
			if from < 0 {
				from = newest
			}
			failed = !find(from)
		default:
			if match >= 0 {
				s.hi = match
				s.buf, s.pos = []rune(s.hist[match]), at
			}
			return k, nil
		}
	}
}
