package coreutils

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "xxd", Usage: "[-pir] [-g N] [-c N] [-l LENGTH] [-s OFFSET] [-o OFFSET] [FILE]", Summary: "show a file in hexadecimal, or turn such a dump back into bytes", Run: xxd})

// xxd takes BusyBox 1.35's flags: -p plain hex, -i a C array, -r back
// to bytes (see xxdReverse), -g bytes per group, -c per line, -l, -s
// and -o.
func xxd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	plain := f.Bool('p', "plain", "plain hex dump, 30 bytes a line")
	include := f.Bool('i', "include", "output a C include file")
	reverse := f.Bool('r', "revert", "turn a hex dump back into bytes")
	f.Bool('a', "autoskip", "ignored")
	group := f.Int('g', "groupsize", 2, "bytes per group")
	cols := f.Int('c', "cols", 0, "bytes per line")
	length := f.String('l', "len", "", "stop after LENGTH bytes")
	skip := f.String('s', "seek", "", "skip OFFSET bytes first")
	offset := f.String('o', "", "0", "add OFFSET to the displayed addresses")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 1 {
		return cmds.Usagef("at most one file")
	}
	if *group < 0 || *cols < 0 {
		return cmds.Usagef("-g and -c take numbers from 0")
	}
	name := "-"
	if len(ops) == 1 {
		name = ops[0]
	}
	w := e.BufOut()
	defer w.Flush()
	if *reverse {
		r, err := e.Open(name)
		if err != nil {
			return err
		}
		defer r.Close()
		if err := xxdReverse(w, bufio.NewReader(r), *plain); err != nil {
			return e.ReadErr(err, name)
		}
		return w.Flush()
	}
	in := &dumpInput{e: e, files: []string{name}, left: -1}
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
	disp, err := strconv.ParseInt(*offset, 0, 64)
	if err != nil {
		return cmds.Usagef("invalid offset %s", cmds.Quote(*offset))
	}
	n, bytesPer := *cols, *group
	switch {
	case *plain:
		if n == 0 {
			n = 30
		}
		bytesPer = n
	case *include:
		if n == 0 {
			n = 12
		}
		bytesPer = 1
	case n == 0:
		n = 16
	}
	if bytesPer < 1 || bytesPer >= n {
		bytesPer = n
	}
	cname := ""
	if *include && name != "-" {
		cname = cIdent(name)
		fmt.Fprintf(w, "unsigned char %s[] = {\n", cname)
	}
	addr := in.skip + disp
	total := int64(0)
	buf := make([]byte, n)
	for {
		k, err := readFull(in, buf)
		if err != nil {
			w.Flush()
			return err
		}
		if k == 0 {
			break
		}
		line := buf[:k]
		switch {
		case *plain:
			fmt.Fprintf(w, "%x\n", line)
		case *include:
			w.WriteString(" ")
			for _, c := range line {
				fmt.Fprintf(w, " 0x%02x,", c)
			}
			w.WriteString("\n")
		default:
			fmt.Fprintf(w, "%08x: %s  %s\n", addr, hexArea(line, n, bytesPer, 0), asciiArea(line))
		}
		addr += int64(k)
		total += int64(k)
		if k < n {
			break
		}
	}
	if cname != "" {
		fmt.Fprintf(w, "};\nunsigned int %s_len = %d;\n", cname, total)
	}
	return w.Flush()
}

// cIdent makes a C name of a file name, as xxd -i does.
func cIdent(name string) string {
	var b strings.Builder
	if name != "" && isDigit(name[0]) {
		b.WriteString("__")
	}
	for i := 0; i < len(name); i++ {
		if isAlnum(name[i]) {
			b.WriteByte(name[i])
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// xxdReverse is BusyBox's reverse(): without -p the leading address
// (hex digits and a colon) of each line is skipped, and (unlike
// BusyBox) the text column after two spaces; then every two hex digits
// are a byte, blanks between them allowed, anything else dropped along
// with a half-read byte. A byte may continue on the next line.
func xxdReverse(w *bufio.Writer, r *bufio.Reader, plain bool) error {
	half, val := false, byte(0)
	for {
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		line = strings.TrimSuffix(line, "\n")
		p := line
		if !plain && !half {
			i := 0
			for i < len(p) && hexVal(p[i]) >= 0 {
				i++
			}
			p = p[i:]
			p = strings.TrimPrefix(p, ":")
			// The text column starts after two spaces. BusyBox reads
			// it as hex too ("cafe" becomes two bytes), which breaks
			// xxd | xxd -r; vim's xxd stops there, and so does this.
			if k := strings.Index(p, "  "); k >= 0 {
				p = p[:k]
			}
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if isCSpace(c) {
				continue
			}
			d := hexVal(c)
			if d < 0 {
				half = false
				continue
			}
			if !half {
				val, half = byte(d)<<4, true
				continue
			}
			w.WriteByte(val | byte(d))
			half = false
		}
		if err == io.EOF {
			return nil
		}
	}
}
