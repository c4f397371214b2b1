package coreutils

// bbEscape decodes the backslash escape whose text starts at s[i] (just
// after the backslash) as BusyBox's bb_process_escape_sequence does, for
// tr and printf: \a \b \e \f \n \r \t \v \\, up to three octal digits
// (\0 to \377; bash needs a leading 0, BusyBox does not), \x and up to
// two hex digits. Anything else is a backslash, with s[i] left unread.
// It returns the byte and where the escape ends.
func bbEscape(s string, i int) (byte, int) {
	if i < len(s) && s[i] == 'x' {
		n, j := 0, i+1
		for ; j < len(s) && j < i+3; j++ {
			d := hexVal(s[j])
			if d < 0 {
				break
			}
			n = n*16 + d
		}
		if j == i+1 {
			return '\\', i
		}
		return byte(n), j
	}
	n, j := 0, i
	for ; j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7'; j++ {
		r := n*8 + int(s[j]-'0')
		if r > 255 {
			break
		}
		n = r
	}
	if j > i {
		return byte(n), j
	}
	if i < len(s) {
		switch s[i] {
		case 'a':
			return '\a', i + 1
		case 'b':
			return '\b', i + 1
		case 'e':
			return 27, i + 1
		case 'f':
			return '\f', i + 1
		case 'n':
			return '\n', i + 1
		case 'r':
			return '\r', i + 1
		case 't':
			return '\t', i + 1
		case 'v':
			return '\v', i + 1
		case '\\':
			return '\\', i + 1
		}
	}
	return '\\', i
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
