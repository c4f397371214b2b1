package coreutils

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "wc", Usage: "[-clmwL] [FILE]...", Summary: "count lines, words and bytes", Run: wc})

type wcCounts struct{ lines, words, chars, bytes, longest int64 }

func wc(e *cmds.Env, args []string) error {
	var f cmds.Flags
	cBytes := f.Bool('c', "bytes", "count bytes")
	cChars := f.Bool('m', "chars", "count characters (UTF-8)")
	cLines := f.Bool('l', "lines", "count newlines")
	cWords := f.Bool('w', "words", "count words")
	cLongest := f.Bool('L', "max-line-length", "show the longest line's length")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if !*cBytes && !*cChars && !*cLines && !*cWords && !*cLongest {
		*cLines, *cWords, *cBytes = true, true, true
	}
	named := len(ops) > 0
	if !named {
		ops = []string{"-"}
	}
	selected := 0
	for _, b := range []bool{*cLines, *cWords, *cChars, *cBytes, *cLongest} {
		if b {
			selected++
		}
	}
	width := wcWidth(ops, selected)
	w := e.BufOut()
	defer w.Flush()
	emit := func(c wcCounts, name string) {
		var fields []string
		for _, x := range []struct {
			on bool
			n  int64
		}{{*cLines, c.lines}, {*cWords, c.words}, {*cChars, c.chars}, {*cBytes, c.bytes}, {*cLongest, c.longest}} {
			if x.on {
				fields = append(fields, padL(strconv.FormatInt(x.n, 10), width))
			}
		}
		line := strings.Join(fields, " ")
		if name != "" {
			line += " " + name
		}
		w.WriteString(line + "\n")
	}
	var total wcCounts
	for _, op := range ops {
		r, err := e.Open(op)
		if err != nil {
			e.Warn(err)
			continue
		}
		c, err := wcCount(r, *cWords || *cChars || *cLongest)
		r.Close()
		if err != nil {
			if cerr := e.Context().Err(); cerr != nil {
				return cerr
			}
			e.Warn(e.ReadErr(err, op))
			continue
		}
		total.lines += c.lines
		total.words += c.words
		total.chars += c.chars
		total.bytes += c.bytes
		total.longest = max(total.longest, c.longest)
		name := ""
		if named {
			name = op
		}
		emit(c, name)
	}
	if len(ops) > 1 {
		emit(total, "total")
	}
	return w.Flush()
}

// wcWidth is BusyBox's column width: 9, but none for a single count of
// a single input, so that "wc -l <f" prints a bare number.
func wcWidth(ops []string, selected int) int {
	if len(ops) == 1 && selected == 1 {
		return 1
	}
	return 9
}

func wcCount(r io.Reader, full bool) (wcCounts, error) {
	var c wcCounts
	buf := make([]byte, 64<<10)
	inWord := false
	var col int64
	var carry []byte // an incomplete UTF-8 sequence at the end of a read
	for {
		k, err := r.Read(buf)
		chunk := buf[:k]
		c.bytes += int64(k)
		c.lines += int64(bytes.Count(chunk, []byte{'\n'}))
		if full {
			if len(carry) > 0 {
				chunk = append(carry, chunk...)
				carry = nil
			}
			for len(chunk) > 0 {
				b := chunk[0]
				size := 1
				if b >= utf8.RuneSelf {
					if !utf8.FullRune(chunk) && err == nil {
						carry = append([]byte(nil), chunk...)
						break
					}
					var r rune
					r, size = utf8.DecodeRune(chunk)
					if r != utf8.RuneError || size > 1 {
						c.chars++
						col++
					}
					if !inWord {
						c.words++
						inWord = true
					}
					chunk = chunk[size:]
					continue
				}
				c.chars++
				switch b {
				case '\n', '\r', '\f':
					c.longest = max(c.longest, col)
					col = 0
					inWord = false
				case '\t':
					col += 8 - col%8
					inWord = false
				case ' ', '\v':
					if b == ' ' {
						col++
					}
					inWord = false
				default:
					if b >= ' ' && b < 0x7f {
						col++
					}
					if !inWord {
						c.words++
						inWord = true
					}
				}
				chunk = chunk[size:]
			}
		}
		if err == io.EOF {
			c.longest = max(c.longest, col)
			return c, nil
		}
		if err != nil {
			return c, err
		}
	}
}
