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

var _ = cmds.Register(&cmds.Cmd{Name: "cat", Usage: "[-nbsu] [FILE]...", Summary: "concatenate files to standard output", Run: cat})

func cat(e *cmds.Env, args []string) error {
	var f cmds.Flags
	number := f.Bool('n', "number", "number all lines")
	nonblank := f.Bool('b', "number-nonblank", "number non-empty lines")
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
	lines := &catLines{number: *number || *nonblank, nonblank: *nonblank, squeeze: *squeeze, atStart: true}
	for _, op := range ops {
		r, err := e.Open(op)
		if err != nil {
			e.Warn(err)
			continue
		}
		if lines.number || lines.squeeze {
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
	w.Write(line)
	c.atStart = line[len(line)-1] == '\n'
}

// isReadErr tells a failed read of the file at path from a failed write.
func isReadErr(err error, path string) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Path == path || errors.Is(err, context.Canceled)
}
