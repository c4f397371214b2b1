package coreutils

import (
	"bufio"
	"encoding/base64"
	"errors"
	"io"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "base64", Usage: "[-d] [-w COL] [FILE]", Summary: "encode or decode base64", Run: base64Cmd})

func base64Cmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	decode := f.Bool('d', "decode", "decode")
	f.Bool('i', "ignore-garbage", "ignored: garbage is always skipped")
	wrap := f.Int('w', "wrap", 76, "wrap lines at COL characters; 0: never")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 1 {
		return cmds.Usagef("extra operand %s", cmds.Quote(ops[1]))
	}
	if *wrap < 0 {
		return cmds.Usagef("invalid wrap size %d", *wrap)
	}
	name := "-"
	if len(ops) == 1 {
		name = ops[0]
	}
	r, err := e.Open(name)
	if err != nil {
		return err
	}
	defer r.Close()
	w := e.BufOut()
	defer w.Flush()
	if *decode {
		err = base64Decode(w, bufio.NewReader(r))
	} else {
		err = base64Encode(w, r, *wrap)
	}
	if err != nil {
		w.Flush()
		if cerr := e.Context().Err(); cerr != nil {
			return cerr
		}
		return e.ReadErr(err, name)
	}
	return w.Flush()
}

func base64Encode(w *bufio.Writer, r io.Reader, wrap int) error {
	buf := make([]byte, 3*1024)
	out := make([]byte, 4*1024)
	col := 0
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			m := base64.StdEncoding.EncodedLen(n)
			base64.StdEncoding.Encode(out, buf[:n])
			for _, c := range out[:m] {
				w.WriteByte(c)
				if col++; wrap > 0 && col == wrap {
					w.WriteByte('\n')
					col = 0
				}
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if wrap > 0 && col != 0 {
		w.WriteByte('\n')
	}
	return nil
}

// base64Decode decodes as BusyBox does: blanks, newlines and other
// characters outside the alphabet are skipped, padding ends a group, and
// data after it decodes on; input that stops inside a group is an
// error once the whole groups before it are out.
func base64Decode(w *bufio.Writer, r *bufio.Reader) error {
	var ch uint32
	i := 0
	for {
		c, err := r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		var t uint32
		switch {
		case c >= 'A' && c <= 'Z':
			t = uint32(c - 'A')
		case c >= 'a' && c <= 'z':
			t = uint32(c-'a') + 26
		case c >= '0' && c <= '9':
			t = uint32(c-'0') + 52
		case c == '+':
			t = 62
		case c == '/':
			t = 63
		case c == '=' && (i == 3 || i == 2 && peekByte(r) == '='):
			t = 0x1000000
		default:
			continue
		}
		ch = ch<<6 | t
		i = (i + 1) & 3
		if i == 0 {
			b := []byte{byte(ch >> 16), byte(ch >> 8), byte(ch)}
			if ch&0x1000000 != 0 {
				b = b[:2]
				if ch&(0x1000000<<6) != 0 {
					b = b[:1]
				}
			}
			w.Write(b)
			ch = 0
		}
	}
	if i != 0 {
		return errors.New("truncated input")
	}
	return nil
}

func peekByte(r *bufio.Reader) byte {
	b, err := r.Peek(1)
	if err != nil {
		return 0
	}
	return b[0]
}
