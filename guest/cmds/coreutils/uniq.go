package coreutils

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "uniq", Usage: "[-cduiz] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]", Summary: "drop repeated adjacent lines", Run: uniq})

func uniq(e *cmds.Env, args []string) error {
	var f cmds.Flags
	count := f.Bool('c', "count", "prefix lines with their number of occurrences")
	dups := f.Bool('d', "repeated", "print only lines that repeat")
	uniques := f.Bool('u', "unique", "print only lines that do not repeat")
	icase := f.Bool('i', "ignore-case", "compare ignoring case")
	zero := f.Bool('z', "zero-terminated", "end output lines with NUL")
	fields := f.Int('f', "skip-fields", 0, "skip the first N fields")
	chars := f.Int('s', "skip-chars", 0, "skip the first N characters (after the fields)")
	width := f.Int('w', "check-chars", -1, "compare at most N characters")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *fields < 0 || *chars < 0 || *width < -1 {
		return cmds.Usagef("N must not be negative")
	}
	if len(ops) > 2 {
		return cmds.Usagef("extra operand %s", cmds.Quote(ops[2]))
	}
	in := "-"
	if len(ops) > 0 {
		in = ops[0]
	}
	r, err := e.Open(in)
	if err != nil {
		return err
	}
	defer r.Close()
	out := io.Writer(e.Stdout)
	if len(ops) == 2 && ops[1] != "-" {
		fh, err := os.Create(e.Path(ops[1]))
		if err != nil {
			return e.OpErr(err, ops[1])
		}
		defer fh.Close()
		out = fh
	}
	w := bufio.NewWriterSize(out, 32<<10)
	defer w.Flush()
	eol := byte('\n')
	if *zero {
		eol = 0 // BusyBox: output only; input lines still end in newlines
	}
	key := func(line string) string {
		for i := 0; i < *fields; i++ {
			line = strings.TrimLeft(line, " \t\n\v\f\r")
			if j := strings.IndexAny(line, " \t\n\v\f\r"); j >= 0 {
				line = line[j:]
			} else {
				line = ""
			}
		}
		line = line[min(*chars, len(line)):]
		if *width >= 0 && len(line) > *width {
			line = line[:*width]
		}
		return line
	}
	same := func(a, b string) bool {
		if *icase {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	var prev, prevKey string
	n := 0
	flush := func() {
		if n == 0 || (n > 1 && *uniques) || (n == 1 && *dups) {
			return
		}
		if *count {
			fmt.Fprintf(w, "%7d ", n)
		}
		w.WriteString(prev)
		w.WriteByte(eol)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, rerr := br.ReadString('\n')
		if line != "" {
			line = strings.TrimSuffix(line, "\n")
			k := key(line)
			if n > 0 && same(prevKey, k) {
				n++
			} else {
				flush()
				prev, prevKey, n = line, k, 1
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if cerr := e.Context().Err(); cerr != nil {
				return cerr
			}
			return e.ReadErr(rerr, in)
		}
	}
	flush()
	return w.Flush()
}
