package lineedit

import (
	"strconv"
	"strings"

	"pidone.dev/guest/term"
)

// refresh redraws the prompt and the line.
func (s *session) refresh() {
	s.render(s.prompt, s.buf, s.pos)
	s.dirty = false
}

// render draws prompt and buf on the current row with the cursor at pos.
// When they do not fit, the line scrolls horizontally, like linenoise's
// single-line mode: the terminal never wraps, so no wrapping arithmetic
// can go wrong on a terminal whose size we do not really know. The last
// column stays empty, since writing there wraps on some terminals and
// not on others.
func (s *session) render(prompt string, buf []rune, pos int) {
	width := s.width()
	if width <= 0 {
		width = 80
	}
	prompt, pw := fitPrompt(prompt, width)
	avail := max(width-1-pw, 1)
	// The window is the longest stretch ending at the cursor that fits,
	// then as much after it as fits. Found from the cursor, so drawing
	// costs the width, not the length of the line.
	start, cw := pos, 0 // cw: columns from the window's start to the cursor
	for start > 0 && cw+term.RuneWidth(buf[start-1]) <= avail {
		start--
		cw += term.RuneWidth(buf[start])
	}
	end, ew := pos, cw
	for end < len(buf) && ew+term.RuneWidth(buf[end]) <= avail {
		ew += term.RuneWidth(buf[end])
		end++
	}
	s.put("\r")
	s.put(prompt)
	s.out = term.AppendVisible(s.out, buf[start:end])
	s.put("\x1b[K\r")
	if col := pw + cw; col > 0 {
		s.put("\x1b[")
		s.out = strconv.AppendInt(s.out, int64(col), 10)
		s.put("C")
	}
	s.fastCols = -1
	if start == 0 && end == len(buf) && pos == end {
		s.fastCols = avail - ew
	}
}

// fitPrompt returns the prompt to draw and its width in columns. A prompt
// too wide to leave room for typing is cut to its visible tail.
func fitPrompt(prompt string, width int) (string, int) {
	plain := []rune(stripEscapes(prompt))
	pw := runesWidth(plain)
	maxw := width - 1 - min(20, width/2)
	if pw <= maxw {
		return prompt, pw
	}
	i, w := len(plain), 0
	for i > 0 && w+term.RuneWidth(plain[i-1]) <= maxw {
		i--
		w += term.RuneWidth(plain[i])
	}
	return string(plain[i:]), w
}

// stripEscapes removes escape sequences (colours, titles) and control
// characters, which take no room on the screen.
func stripEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			for i += 2; i < len(s) && (s[i] < 0x40 || s[i] > 0x7e); i++ {
			}
		case c == 0x1b && i+1 < len(s) && s[i+1] == ']':
			// OSC, ended by BEL or ESC \.
			for i += 2; i < len(s) && s[i] != 0x07 && s[i] != 0x1b; i++ {
			}
			if i < len(s) && s[i] == 0x1b {
				i++
			}
		case c == 0x1b:
			i++
		case c < 0x20 || c == 0x7f:
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func runesWidth(rs []rune) int {
	w := 0
	for _, r := range rs {
		w += term.RuneWidth(r)
	}
	return w
}
