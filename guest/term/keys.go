package term

import (
	"io"
	"unicode/utf8"
)

// A Key is a rune typed, a control character (0x00–0x1f, 0x7f; Esc
// among them) or one of the special keys below, which lie beyond
// Unicode.
type Key rune

// The special keys.
const (
	None Key = utf8.MaxRune + 1 + iota // swallowed: invalid or unknown
	Up
	Down
	Left
	Right
	Home
	End
	Insert
	Delete
	PageUp
	PageDown
	WordLeft      // Ctrl-Left, Alt-Left, Alt-b
	WordRight     // Ctrl-Right, Alt-Right, Alt-f
	KillWordLeft  // Alt-Backspace
	KillWordRight // Alt-d
)

// Esc is the Escape key, when a Reader has EscKey set.
const Esc Key = 0x1b

// Ctrl is the key Ctrl-c.
func Ctrl(c byte) Key { return Key(c & 0x1f) }

// Printable reports whether k is a rune to insert as text. C1 controls
// are left out: some terminals act on them.
func (k Key) Printable() bool {
	return k >= 0x20 && k != 0x7f && (k < 0x80 || k >= 0xa0) && k <= utf8.MaxRune
}

// A Reader decodes keys from a terminal. It reads one byte at a time:
// the terminal is shared with the commands that run next, and a byte
// read past the Enter would be stolen from them. Bytes it had to look
// at and did not use are kept for the next read, also across changes
// of R.
type Reader struct {
	R io.Reader
	// EscKey makes ESC a key of its own (Esc), as vi needs, unless a [
	// or O follows at once: those start the sequences of the arrow
	// keys. Without it, ESC and the next byte always go together and
	// ESC b is Alt-b, as the line editor wants.
	EscKey bool
	// Soon, if not nil, reports whether another byte arrives soon after
	// an ESC: a sequence comes all at once, while a person who presses
	// Esc and then [ takes longer. Nil means that it does, as it has
	// when reading a string.
	Soon func() bool

	unread []byte
	b      [1]byte
	zeros  int
}

// ReadByte reads one byte.
func (in *Reader) ReadByte() (byte, error) {
	if len(in.unread) > 0 {
		c := in.unread[0]
		in.unread = in.unread[1:]
		return c, nil
	}
	for {
		n, err := in.R.Read(in.b[:])
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

// Buffered is the number of bytes read from R and not used yet.
func (in *Reader) Buffered() int { return len(in.unread) }

// unreadByte keeps c for the next ReadByte.
func (in *Reader) unreadByte(c byte) {
	in.unread = append([]byte{c}, in.unread...)
}

// ReadKey reads one key. Errors come only from the reader; garbage
// decodes as None.
func (in *Reader) ReadKey() (Key, error) {
	c, err := in.ReadByte()
	switch {
	case err != nil:
		return None, err
	case c == 0x1b:
		return in.escape()
	case c < 0x80:
		return Key(c), nil
	}
	return in.utf8(c)
}

// utf8 reassembles a multi-byte rune whose first byte is c, however the
// bytes were split across reads.
func (in *Reader) utf8(c byte) (Key, error) {
	var n int
	switch {
	case c >= 0xc2 && c <= 0xdf:
		n = 2
	case c >= 0xe0 && c <= 0xef:
		n = 3
	case c >= 0xf0 && c <= 0xf4:
		n = 4
	default:
		return None, nil
	}
	b := []byte{c}
	for len(b) < n {
		c, err := in.ReadByte()
		if err != nil {
			return None, err
		}
		if c&0xc0 != 0x80 {
			in.unreadByte(c) // the start of the next key
			return None, nil
		}
		b = append(b, c)
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size <= 1 {
		return None, nil
	}
	return Key(r), nil
}

// escape decodes what follows an ESC. CSI sequences are read up to their
// final byte so that unknown ones vanish whole instead of leaving text
// behind.
func (in *Reader) escape() (Key, error) {
	if in.EscKey && len(in.unread) == 0 && in.Soon != nil && !in.Soon() {
		return Esc, nil
	}
	c, err := in.ReadByte()
	if in.EscKey {
		switch {
		case err != nil:
			return Esc, nil // the error comes again with the next read
		case c != '[' && c != 'O':
			in.unreadByte(c)
			return Esc, nil
		}
	}
	for c == 0x1b && err == nil {
		c, err = in.ReadByte() // ESC ESC [ A is Alt-Up on some terminals
	}
	if err != nil {
		return None, err
	}
	switch c {
	case '[':
		return in.csi()
	case 'O':
		c, err := in.ReadByte()
		switch {
		case err == nil && (c == 'A' || c == 'B' || c == 'C' || c == 'D' || c == 'H' || c == 'F'):
			return csiKey("", c), nil
		case in.EscKey:
			// Esc, then O to open a line, typed quickly.
			if err == nil {
				in.unreadByte(c)
			}
			in.unreadByte('O')
			return Esc, nil
		}
		return None, err
	case 'b', 'B':
		return WordLeft, nil
	case 'f', 'F':
		return WordRight, nil
	case 'd', 'D':
		return KillWordRight, nil
	case 0x7f, 0x08:
		return KillWordLeft, nil
	}
	return None, nil
}

// csi reads ESC [ params intermediates final.
func (in *Reader) csi() (Key, error) {
	var params []byte
	for {
		c, err := in.ReadByte()
		if err != nil {
			return None, err
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
			return None, nil
		case c == '[' && len(params) == 0:
			// Linux console F1–F5: ESC [ [ A–E.
			_, err := in.ReadByte()
			return None, err
		}
		return csiKey(string(params), c), nil
	}
}

func csiKey(params string, final byte) Key {
	// "1;5C" is Ctrl-Right and "1;3C" Alt-Right: move by words.
	mod := len(params) > 2 && (params[len(params)-2:] == ";5" || params[len(params)-2:] == ";3")
	switch final {
	case 'A':
		return Up
	case 'B':
		return Down
	case 'C':
		if mod {
			return WordRight
		}
		return Right
	case 'D':
		if mod {
			return WordLeft
		}
		return Left
	case 'H':
		return Home
	case 'F':
		return End
	case '~':
		switch params {
		case "1", "7":
			return Home
		case "4", "8":
			return End
		case "2":
			return Insert
		case "3":
			return Delete
		case "5":
			return PageUp
		case "6":
			return PageDown
		}
	}
	return None
}
