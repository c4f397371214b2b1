package coreutils

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "cmp", Usage: "[-ls] [-n NUM] FILE1 [FILE2 [SKIP1 [SKIP2]]]", Summary: "compare two files byte by byte", Run: cmp})

// cmp exits 0 when the files are the same, 1 when they differ and 2 on
// trouble, as BusyBox's (and POSIX's) does.
func cmp(e *cmds.Env, args []string) error {
	var f cmds.Flags
	list := f.Bool('l', "verbose", "list every differing byte: position and octal values")
	silent := f.Bool('s', "silent", "print nothing; only the exit status tells")
	limit := f.Int('n', "bytes", -1, "compare at most NUM bytes")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *list && *silent {
		return cmds.Usagef("-l and -s exclude each other")
	}
	if len(ops) < 1 || len(ops) > 4 {
		return cmds.Usagef("want one to two files and two offsets")
	}
	names := []string{ops[0], "-"}
	if len(ops) > 1 {
		names[1] = ops[1]
	}
	var skip [2]int64
	for i := 2; i < len(ops); i++ {
		n, err := strconv.ParseInt(ops[i], 0, 64)
		if err != nil || n < 0 {
			return cmds.Usagef("invalid offset %s", cmds.Quote(ops[i]))
		}
		skip[i-2] = n
	}
	trouble := func(err error) error {
		if !*silent {
			e.Warn(err)
		}
		return cmds.ExitStatus(2)
	}
	if names[0] == "-" && names[1] == "-" {
		return nil
	}
	var in [2]*bufio.Reader
	for i, name := range names {
		r, err := e.Open(name)
		if err != nil {
			return trouble(err)
		}
		defer r.Close()
		in[i] = bufio.NewReaderSize(r, 64<<10)
		if _, err := io.CopyN(io.Discard, in[i], skip[i]); err != nil && err != io.EOF {
			return trouble(e.ReadErr(err, name))
		}
	}
	w := e.BufOut()
	defer w.Flush()
	var pos int64
	line := 1
	differ := false
	for *limit < 0 || pos < int64(*limit) {
		c1, err1 := in[0].ReadByte()
		c2, err2 := in[1].ReadByte()
		for i, err := range []error{err1, err2} {
			if err != nil && err != io.EOF {
				w.Flush()
				return trouble(e.ReadErr(err, names[i]))
			}
		}
		pos++
		if err1 == io.EOF && err2 == io.EOF {
			break
		}
		if err1 != nil || err2 != nil || c1 != c2 {
			differ = true
			if err1 != nil || err2 != nil {
				short := names[0]
				if err2 != nil {
					short = names[1]
				}
				if !*silent {
					w.Flush()
					fmt.Fprintf(e.Stderr, "cmp: EOF on %s\n", short)
				}
				break
			}
			if *silent {
				break
			}
			if *list {
				fmt.Fprintf(w, "%d %3o %3o\n", pos, c1, c2)
				continue
			}
			fmt.Fprintf(w, "%s %s differ: char %d, line %d\n", names[0], names[1], pos, line)
			break
		}
		if c1 == '\n' {
			line++
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if differ {
		return cmds.ExitStatus(1)
	}
	return nil
}
