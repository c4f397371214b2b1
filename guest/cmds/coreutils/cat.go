package coreutils

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"strconv"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "cat", Usage: "[-nbvteAsu] [FILE]...", Summary: "concatenate files to standard output", Run: cat})

func cat(e *cmds.Env, args []string) error {
	var f cmds.Flags
	number := f.Bool('n', "number", "number all lines")
	nonblank := f.Bool('b', "number-nonblank", "number non-empty lines")
	visible := f.Bool('v', "show-nonprinting", "show control bytes as ^X and bytes past 127 as M-X")
	tabs := f.Bool('t', "", "as -v, and tabs as ^I")
	ends := f.Bool('e', "", "as -v, and $ at the end of lines")
	all := f.Bool('A', "show-all", "as -vte")
	squeeze := f.Bool('s', "squeeze-blank", "squeeze runs of empty lines")
	f.Bool('u', "", "ignored (output is never delayed)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	w := e.BufOut()
	defer w.Flush()
	lines := &catLines{number: *number || *nonblank, nonblank: *nonblank, squeeze: *squeeze, atStart: true,
		tabs: *tabs || *all, ends: *ends || *all}
	lines.visible = *visible || lines.tabs || lines.ends
	for _, op := range ops {
		r, err := e.Open(op)
		if err != nil {
			e.Warn(err)
			continue
		}
		if lines.number || lines.squeeze || lines.visible {
			err = lines.copy(w, r)
		} else {
			// Straight to stdout, which lets the kernel copy file to file
			// or pipe (copy_file_range, splice) without us.
			if err = w.Flush(); err != nil {
				r.Close()
				return err
			}
			_, err = io.Copy(e.Stdout, r)
			if err != nil && !isReadErr(err, e.Path(op)) {
				r.Close()
				return err
			}
		}
		r.Close()
		if err != nil {
			if e.Context().Err() != nil {
				return e.Context().Err()
			}
			if werr := w.Flush(); werr != nil {
				return werr
			}
			e.Warn(e.ReadErr(err, op))
		}
	}
	return w.Flush()
}

// catLines carries line state across files, as GNU cat numbers all its
// input as one stream.
type catLines struct {
	number, nonblank, squeeze bool
	visible, tabs, ends       bool // -v, -t, -e
	n                         int
	atStart                   bool // at the start of a line
	blanks                    int  // empty lines in a row so far
}

func (c *catLines) copy(w *bufio.Writer, r io.Reader) error {
	br := bufio.NewReaderSize(r, 32<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			c.line(w, line)
		}
		switch err {
		case nil, bufio.ErrBufferFull:
		case io.EOF:
			return nil
		default:
			return err
		}
	}
}

func (c *catLines) line(w *bufio.Writer, line []byte) {
	if c.atStart {
		empty := line[0] == '\n'
		if empty {
			c.blanks++
			if c.squeeze && c.blanks > 1 {
				return
			}
		} else {
			c.blanks = 0
		}
		if c.number && !(c.nonblank && empty) {
			c.n++
			s := strconv.Itoa(c.n)
			for i := len(s); i < 6; i++ {
				w.WriteByte(' ')
			}
			w.WriteString(s)
			w.WriteByte('\t')
		}
	}
	c.atStart = line[len(line)-1] == '\n'
	if !c.visible {
		w.Write(line)
		return
	}
	for i, b := range line {
		if b == '\n' && i == len(line)-1 {
			if c.ends {
				w.WriteByte('$')
			}
			w.WriteByte('\n')
			break
		}
		if b >= 128 {
			w.WriteString("M-")
			b -= 128
		}
		switch {
		case b == '\t' && !c.tabs:
			w.WriteByte(b)
		case b < 32:
			w.WriteByte('^')
			w.WriteByte(b + 64)
		case b == 127:
			w.WriteString("^?")
		default:
			w.WriteByte(b)
		}
	}
}

// isReadErr tells a failed read of the file at path from a failed write.
func isReadErr(err error, path string) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Path == path || errors.Is(err, context.Canceled)
}
