package lineedit

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
	for start > 0 && cw+runeWidth(buf[start-1]) <= avail {
		start--
		cw += runeWidth(buf[start])
	}
	end, ew := pos, cw
	for end < len(buf) && ew+runeWidth(buf[end]) <= avail {
		ew += runeWidth(buf[end])
		end++
	}
	s.put("\r")
	s.put(prompt)
	s.out = appendVisible(s.out, buf[start:end])
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
	for i > 0 && w+runeWidth(plain[i-1]) <= maxw {
		i--
		w += runeWidth(plain[i])
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

// appendVisible appends rs as drawn: control characters (which only
// history can bring, such as the newlines of a multi-line command) as
// ^X, C1 controls as '?', so that nothing in the line moves the cursor.
func appendVisible(b []byte, rs []rune) []byte {
	for _, r := range rs {
		switch {
		case r < 0x20 || r == 0x7f:
			b = append(b, '^', byte(r)^0x40)
		case r >= 0x80 && r < 0xa0:
			b = append(b, '?')
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

func runesWidth(rs []rune) int {
	w := 0
	for _, r := range rs {
		w += runeWidth(r)
	}
	return w
}

// runeWidth is the number of columns r takes as drawn by appendVisible.
func runeWidth(r rune) int {
	switch {
	case r < 0x20 || r == 0x7f:
		return 2
	case r < 0x300:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	for _, w := range wide {
		if r >= w[0] && r <= w[1] {
			return 2
		}
	}
	return 1
}

// wide lists the main East Asian wide and fullwidth ranges, and emoji.
var wide = [][2]rune{
	{0x1100, 0x115f}, {0x2e80, 0x303e}, {0x3041, 0x33ff}, {0x3400, 0x4dbf},
	{0x4e00, 0x9fff}, {0xa000, 0xa4cf}, {0xac00, 0xd7a3}, {0xf900, 0xfaff},
	{0xfe30, 0xfe4f}, {0xff00, 0xff60}, {0xffe0, 0xffe6}, {0x1f300, 0x1f64f},
	{0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
}
