package lineedit

import (
	"io"
	"unicode/utf8"
)

// A key is a rune typed, a control character (0x00–0x1f, 0x7f) or one of
// the special keys below, which lie beyond Unicode.
type key rune

const (
	keyNone key = utf8.MaxRune + 1 + iota // swallowed: invalid or unknown
	keyUp
	keyDown
	keyLeft
	keyRight
	keyHome
	keyEnd
	keyDelete
	keyWordLeft
	keyWordRight
	keyKillWordLeft
	keyKillWordRight
)

func ctrl(c byte) key { return key(c & 0x1f) }

// printable reports whether k is a rune to insert as text. C1 controls
// are left out: some terminals act on them.
func printable(k key) bool {
	return k >= 0x20 && k != 0x7f && (k < 0x80 || k >= 0xa0) && k <= utf8.MaxRune
}

// input decodes keys from r. It reads one byte at a time: the terminal
// is shared with the commands the shell runs next, and a byte read past
// the Enter would be stolen from them.
type input struct {
	r     io.Reader
	e     *Editor
	b     [1]byte
	zeros int
}

func (in *input) byte() (byte, error) {
	if len(in.e.unread) > 0 {
		c := in.e.unread[0]
		in.e.unread = in.e.unread[1:]
		return c, nil
	}
	for {
		n, err := in.r.Read(in.b[:])
		if n == 1 {
			in.zeros = 0
			return in.b[0], nil
		}
		if err != nil {
			return 0, err
		}
		if in.zeros++; in.zeros > 100 {
			return 0, io.ErrNoProgress
		}
	}
}

// unreadByte keeps c for the next byte(), in this ReadLine or the next.
func (in *input) unreadByte(c byte) {
	in.e.unread = append([]byte{c}, in.e.unread...)
}

// key reads one key. Errors come only from the reader; garbage decodes
// as keyNone.
func (in *input) key() (key, error) {
	c, err := in.byte()
	switch {
	case err != nil:
		return keyNone, err
	case c == 0x1b:
		return in.escape()
	case c < 0x80:
		return key(c), nil
	}
	return in.utf8(c)
}

// utf8 reassembles a multi-byte rune whose first byte is c, however the
// bytes were split across reads.
func (in *input) utf8(c byte) (key, error) {
	var n int
	switch {
	case c >= 0xc2 && c <= 0xdf:
		n = 2
	case c >= 0xe0 && c <= 0xef:
		n = 3
	case c >= 0xf0 && c <= 0xf4:
		n = 4
	default:
		return keyNone, nil
	}
	b := []byte{c}
	for len(b) < n {
		c, err := in.byte()
		if err != nil {
			return keyNone, err
		}
		if c&0xc0 != 0x80 {
			in.unreadByte(c) // the start of the next key
			return keyNone, nil
		}
		b = append(b, c)
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size <= 1 {
		return keyNone, nil
	}
	return key(r), nil
}

// escape decodes what follows an ESC. Without timeouts ESC and the next
// byte always form a sequence; CSI sequences are read up to their final
// byte so that unknown ones vanish whole instead of leaving text behind.
func (in *input) escape() (key, error) {
	c, err := in.byte()
	for c == 0x1b && err == nil {
		c, err = in.byte() // ESC ESC [ A is Alt-Up on some terminals
	}
	if err != nil {
		return keyNone, err
	}
	switch c {
	case '[':
		return in.csi()
	case 'O':
		c, err := in.byte()
		if err != nil {
			return keyNone, err
		}
		if k, ok := ss3Keys[c]; ok {
			return k, nil
		}
		return keyNone, nil
	case 'b', 'B':
		return keyWordLeft, nil
	case 'f', 'F':
		return keyWordRight, nil
	case 'd', 'D':
		return keyKillWordRight, nil
	case 0x7f, 0x08:
		return keyKillWordLeft, nil
	}
	return keyNone, nil
}

var ss3Keys = map[byte]key{'A': keyUp, 'B': keyDown, 'C': keyRight, 'D': keyLeft, 'H': keyHome, 'F': keyEnd}

// csi reads ESC [ params intermediates final.
func (in *input) csi() (key, error) {
	var params []byte
	for {
		c, err := in.byte()
		if err != nil {
			return keyNone, err
		}
		switch {
		case c >= 0x20 && c <= 0x3f:
			if len(params) < 16 {
				params = append(params, c)
			}
			continue
		case c < 0x20 || c > 0x7e:
			// Not part of a sequence: a broken one, then a real key.
			in.unreadByte(c)
			return keyNone, nil
		case c == '[' && len(params) == 0:
			// Linux console F1–F5: ESC [ [ A–E.
			_, err := in.byte()
			return keyNone, err
		}
		return csiKey(string(params), c), nil
	}
}

func csiKey(params string, final byte) key {
	// "1;5C" is Ctrl-Right and "1;3C" Alt-Right: move by words.
	mod := len(params) > 2 && (params[len(params)-2:] == ";5" || params[len(params)-2:] == ";3")
	switch final {
	case 'A':
		return keyUp
	case 'B':
		return keyDown
	case 'C':
		if mod {
			return keyWordRight
		}
		return keyRight
	case 'D':
		if mod {
			return keyWordLeft
		}
		return keyLeft
	case 'H':
		return keyHome
	case 'F':
		return keyEnd
	case '~':
		switch params {
		case "1", "7":
			return keyHome
		case "4", "8":
			return keyEnd
		case "3":
			return keyDelete
		}
	}
	return keyNone
}
