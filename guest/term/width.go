package term

import (
	"unicode"
	"unicode/utf8"
)

// AppendVisible appends rs as drawn: control characters as ^X, C1
// controls as '?', so that nothing in the text moves the cursor.
func AppendVisible(b []byte, rs []rune) []byte {
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

// RuneWidth is the number of columns r takes as drawn by AppendVisible.
func RuneWidth(r rune) int {
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
var wide = [...][2]rune{
	{0x1100, 0x115f}, {0x2e80, 0x303e}, {0x3041, 0x33ff}, {0x3400, 0x4dbf},
	{0x4e00, 0x9fff}, {0xa000, 0xa4cf}, {0xac00, 0xd7a3}, {0xf900, 0xfaff},
	{0xfe30, 0xfe4f}, {0xff00, 0xff60}, {0xffe0, 0xffe6}, {0x1f300, 0x1f64f},
	{0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
}
