package coreutils

import (
	"bufio"
	"fmt"
	"io"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "strings", Usage: "[-afo] [-t o|d|x] [-n LEN] [FILE]...", Summary: "print the runs of printable characters in files", Run: stringsCmd})

// stringsCmd always scans whole files (-a is the default, as in
// BusyBox); printable means ASCII 0x20-0x7e and tab.
func stringsCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	f.Bool('a', "all", "scan whole files (always)")
	names := f.Bool('f', "print-file-name", "precede each string with its file's name")
	octal := f.Bool('o', "", "precede each string with its offset in octal")
	radix := f.String('t', "radix", "", "precede each string with its offset: o, d or x")
	min := f.Int('n', "bytes", 4, "strings of at least LEN characters")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *min < 1 {
		return cmds.Usagef("invalid length %d", *min)
	}
	offFmt := ""
	switch *radix {
	case "":
		if *octal {
			offFmt = "%7o "
		}
	case "o", "d", "x":
		offFmt = "%7" + *radix + " "
	default:
		return cmds.Usagef("-t takes o, d or x")
	}
	nameFmt := "%s: "
	if len(ops) == 0 {
		ops = []string{"-"}
		nameFmt = "{%s}: "
	}
	w := e.BufOut()
	defer w.Flush()
	run := make([]byte, 0, *min)
	for _, op := range ops {
		r, err := e.Open(op)
		if err != nil {
			w.Flush()
			e.Warn(err)
			continue
		}
		shown := op
		if op == "-" {
			shown = "standard input"
		}
		br := bufio.NewReaderSize(r, 64<<10)
		var off int64
		run = run[:0]
		for {
			c, err := br.ReadByte()
			if err == nil && (c >= 0x20 && c < 0x7f || c == '\t') {
				switch {
				case len(run) >= *min:
					w.WriteByte(c)
				default:
					run = append(run, c)
					if len(run) == *min {
						if *names {
							fmt.Fprintf(w, nameFmt, shown)
						}
						if offFmt != "" {
							fmt.Fprintf(w, offFmt, off-int64(*min-1))
						}
						w.Write(run)
						run = append(run, 0) // past min: print as they come
					}
				}
			} else {
				if len(run) > *min {
					w.WriteByte('\n')
				}
				run = run[:0]
			}
			off++
			if err == io.EOF {
				break
			}
			if err != nil {
				w.Flush()
				e.Warn(e.ReadErr(err, op))
				break
			}
		}
		r.Close()
	}
	return w.Flush()
}
