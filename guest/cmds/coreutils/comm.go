package coreutils

import (
	"bufio"
	"io"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "comm", Usage: "[-123] FILE1 FILE2", Summary: "compare two sorted files line by line", Run: comm})

// comm prints lines only in FILE1, only in FILE2 and in both, in three
// tab-indented columns. It is BusyBox's comm.c (which Debian's busybox
// leaves out; GNU's prints the same).
func comm(e *cmds.Env, args []string) error {
	var f cmds.Flags
	no1 := f.Bool('1', "", "suppress lines only in FILE1")
	no2 := f.Bool('2', "", "suppress lines only in FILE2")
	no3 := f.Bool('3', "", "suppress lines in both")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) != 2 {
		return cmds.Usagef("want two files")
	}
	var in [2]*bufio.Reader
	for i, op := range ops {
		r, err := e.Open(op)
		if err != nil {
			return err
		}
		defer r.Close()
		in[i] = bufio.NewReaderSize(r, 32<<10)
	}
	w := e.BufOut()
	defer w.Flush()
	write := func(line string, col int) {
		switch {
		case col == 0 && *no1, col == 1 && *no2, col == 2 && *no3:
			return
		}
		if col >= 1 && !*no1 {
			w.WriteByte('\t')
		}
		if col == 2 && !*no2 {
			w.WriteByte('\t')
		}
		w.WriteString(line)
		w.WriteByte('\n')
	}
	var readErr error
	read := func(i int) (string, bool) {
		line, err := in[i].ReadString('\n')
		if err != nil && err != io.EOF && readErr == nil {
			readErr = e.ReadErr(err, ops[i])
		}
		if line == "" {
			return "", false
		}
		return strings.TrimSuffix(line, "\n"), true
	}
	l1, ok1 := read(0)
	l2, ok2 := read(1)
	for ok1 && ok2 {
		switch c := strings.Compare(l1, l2); {
		case c < 0:
			write(l1, 0)
			l1, ok1 = read(0)
		case c > 0:
			write(l2, 1)
			l2, ok2 = read(1)
		default:
			write(l1, 2)
			l1, ok1 = read(0)
			l2, ok2 = read(1)
		}
	}
	for ok1 {
		write(l1, 0)
		l1, ok1 = read(0)
	}
	for ok2 {
		write(l2, 1)
		l2, ok2 = read(1)
	}
	if readErr != nil {
		return readErr
	}
	return w.Flush()
}
