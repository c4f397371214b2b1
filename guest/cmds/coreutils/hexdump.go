package coreutils

import (
	"bytes"
	"fmt"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "hexdump", Usage: "[-Cv] [-n LENGTH] [-s OFFSET] [FILE]...", Summary: "show files in hexadecimal", Run: hexdump})

// hexdump prints BusyBox's two usual layouts: the default, 16-bit words
// in hexadecimal (host order, as BusyBox's "%04x" of two bytes), and -C,
// bytes and their characters. Repeated lines show as one "*" unless -v.
func hexdump(e *cmds.Env, args []string) error {
	var f cmds.Flags
	canon := f.Bool('C', "canonical", "bytes in hexadecimal and as characters")
	all := f.Bool('v', "no-squeezing", "show repeated lines too")
	length := f.String('n', "length", "", "show only the first LENGTH bytes")
	skip := f.String('s', "skip", "", "skip OFFSET bytes first")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	in := &dumpInput{e: e, files: ops, left: -1}
	if len(ops) == 0 {
		in.files = []string{"-"}
	}
	if *length != "" {
		if in.left, err = parseCount(*length); err != nil {
			return cmds.Usagef("%v", err)
		}
	}
	if *skip != "" {
		if in.skip, err = parseCount(*skip); err != nil {
			return cmds.Usagef("%v", err)
		}
	}
	w := e.BufOut()
	defer w.Flush()
	addr := in.skip
	var prev []byte
	starred := false
	buf := make([]byte, 16)
	total := int64(0)
	for {
		n, err := readFull(in, buf)
		if err != nil {
			w.Flush()
			return err
		}
		if n == 0 {
			break
		}
		line := buf[:n]
		if !*all && n == 16 && prev != nil && bytes.Equal(line, prev) {
			if !starred {
				w.WriteString("*\n")
				starred = true
			}
		} else {
			starred = false
			if *canon {
				fmt.Fprintf(w, "%08x  %s  |%s|\n", addr, hexArea(line, 16, 1, 8), asciiArea(line))
			} else {
				fmt.Fprintf(w, "%07x %s\n", addr, wordArea(line))
			}
		}
		prev = append(prev[:0], line...)
		addr += int64(n)
		total += int64(n)
		if n < 16 {
			break
		}
	}
	// The end's address, unless there was nothing at all.
	if total > 0 {
		if *canon {
			fmt.Fprintf(w, "%08x\n", addr)
		} else {
			fmt.Fprintf(w, "%07x\n", addr)
		}
	}
	return w.Flush()
}

// hexArea is cols bytes as "xx", a space after every group of group
// bytes and a second one after byte gap (0: none), padded with spaces
// to the width of a full line.
func hexArea(line []byte, cols, group, gap int) string {
	var b strings.Builder
	for i := 0; i < cols; i++ {
		sep := ""
		if i < cols-1 && (i+1)%group == 0 {
			sep = " "
		}
		if gap > 0 && i == gap-1 {
			sep += " "
		}
		if i < len(line) {
			fmt.Fprintf(&b, "%02x%s", line[i], sep)
		} else {
			b.WriteString("  " + sep)
		}
	}
	return b.String()
}

func asciiArea(line []byte) string {
	b := make([]byte, len(line))
	for i, c := range line {
		b[i] = printableByte(c)
	}
	return string(b)
}

// wordArea is the default layout: 8 words of two bytes, little-endian
// as BusyBox reads them on the machines it runs on here, an odd last
// byte zero-filled.
func wordArea(line []byte) string {
	var b strings.Builder
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case i+1 < len(line):
			fmt.Fprintf(&b, "%04x", uint16(line[i])|uint16(line[i+1])<<8)
		case i < len(line):
			fmt.Fprintf(&b, "%04x", uint16(line[i]))
		default:
			b.WriteString("    ")
		}
	}
	return b.String()
}
