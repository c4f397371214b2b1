package coreutils

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "cut", Usage: "-f LIST [-d DELIM] [-s] | -c LIST | -b LIST [FILE]...", Summary: "print selected fields or characters of each line", Run: cut})

// span is one range of a cut list, 1-based and inclusive; hi 0 is "to the end".
type span struct{ lo, hi int }

// parseCutList parses "1,3-5,7-" as cut does.
func parseCutList(s string) ([]span, error) {
	var list []span
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		var sp span
		var err error
		switch {
		case !isRange:
			sp.lo, err = strconv.Atoi(lo)
			sp.hi = sp.lo
		default:
			sp.lo = 1
			if lo != "" {
				sp.lo, err = strconv.Atoi(lo)
			}
			if err == nil && hi != "" {
				sp.hi, err = strconv.Atoi(hi)
			}
			if lo == "" && hi == "" {
				err = fmt.Errorf("empty range")
			}
		}
		if err != nil || sp.lo < 1 || (sp.hi != 0 && sp.hi < sp.lo) {
			return nil, fmt.Errorf("invalid list %q: want numbers from 1, such as 1,3-5,7-", s)
		}
		list = append(list, sp)
	}
	return list, nil
}

func (l spanList) has(i int) bool {
	for _, sp := range l {
		if i >= sp.lo && (sp.hi == 0 || i <= sp.hi) {
			return true
		}
	}
	return false
}

type spanList []span

func cut(e *cmds.Env, args []string) error {
	var f cmds.Flags
	fields := f.String('f', "fields", "", "select these fields")
	chars := f.String('c', "characters", "", "select these characters")
	bytesList := f.String('b', "bytes", "", "select these bytes")
	delim := f.String('d', "delimiter", "\t", "field delimiter")
	only := f.Bool('s', "only-delimited", "skip lines without a delimiter")
	files, err := f.Parse(args)
	if err != nil {
		return err
	}
	mode, list := "", ""
	for m, l := range map[string]string{"f": *fields, "c": *chars, "b": *bytesList} {
		if l != "" {
			if mode != "" {
				return cmds.Usagef("give only one of -f, -c and -b")
			}
			mode, list = m, l
		}
	}
	if mode == "" {
		return cmds.Usagef("give a list with -f, -c or -b")
	}
	if len([]rune(*delim)) != 1 {
		return cmds.Usagef("the delimiter must be one character")
	}
	spans, err := parseCutList(list)
	if err != nil {
		return cmds.Usagef("%v", err)
	}
	sl := spanList(spans)
	out := bufio.NewWriter(e.Stdout)
	defer out.Flush()
	do := func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<24)
		for sc.Scan() {
			line := sc.Text()
			switch mode {
			case "f":
				parts := strings.Split(line, *delim)
				if len(parts) == 1 {
					if !*only {
						out.WriteString(line + "\n")
					}
					continue
				}
				var sel []string
				for i, p := range parts {
					if sl.has(i + 1) {
						sel = append(sel, p)
					}
				}
				out.WriteString(strings.Join(sel, *delim) + "\n")
			case "c":
				for i, r := range []rune(line) {
					if sl.has(i + 1) {
						out.WriteRune(r)
					}
				}
				out.WriteByte('\n')
			case "b":
				for i := 0; i < len(line); i++ {
					if sl.has(i + 1) {
						out.WriteByte(line[i])
					}
				}
				out.WriteByte('\n')
			}
		}
		return sc.Err()
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, name := range files {
		if name == "-" {
			e.Warn(do(e.Stdin))
			continue
		}
		fh, err := os.Open(e.Path(name))
		if err != nil {
			e.Warn(err)
			continue
		}
		e.Warn(do(fh))
		fh.Close()
	}
	return nil
}
