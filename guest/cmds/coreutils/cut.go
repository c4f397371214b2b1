package coreutils

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "cut", Usage: "-b LIST | -c LIST | -f LIST [-d SEP] [-s] | -F LIST [-d REGEX] [-O SEP] [-D] [FILE]...", Summary: "print selected fields or characters of each line", Run: cut})

// span is one range of a cut list, 1-based and inclusive; hi 0 is "to the end".
type span struct{ lo, hi int }

// parseCutList parses "1,3-5,7-" as cut does; empty items are allowed,
// as in BusyBox.
func parseCutList(s string) ([]span, error) {
	var list []span
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
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
	if len(list) == 0 {
		return nil, fmt.Errorf("missing list of positions")
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

// pick returns the indexes (from 0) of the n items the list selects:
// each once, in order, or with inOrder (-D) range by range as given,
// repeats and all.
func (l spanList) pick(n int, inOrder bool) []int {
	var idx []int
	if !inOrder {
		for i := 0; i < n; i++ {
			if l.has(i + 1) {
				idx = append(idx, i)
			}
		}
		return idx
	}
	for _, sp := range l {
		for i := sp.lo; i <= n && (sp.hi == 0 || i <= sp.hi); i++ {
			idx = append(idx, i-1)
		}
	}
	return idx
}

// cut follows BusyBox's: -c counts bytes, as -b does (as GNU's does
// too); -d takes the first character of SEP; -F splits fields at a
// regular expression (runs of white space by default) and joins them
// with -O's SEP (a space by default); -D keeps the list's order; -n is
// ignored.
func cut(e *cmds.Env, args []string) error {
	var f cmds.Flags
	fields := f.String('f', "fields", "", "select these fields")
	regexFields := f.String('F', "", "", "select these fields, separated by the regular expression -d")
	chars := f.String('c', "characters", "", "select these characters (bytes)")
	bytesList := f.String('b', "bytes", "", "select these bytes")
	delim := f.String('d', "delimiter", "", "field delimiter (TAB; for -F, runs of white space)")
	odelim := f.String('O', "output-delimiter", "", "join fields with SEP (-d's; for -F, a space)")
	only := f.Bool('s', "only-delimited", "skip lines without a delimiter")
	inOrder := f.Bool('D', "", "keep the list's order and repeats")
	f.Bool('n', "", "ignored")
	files, err := f.Parse(args)
	if err != nil {
		return err
	}
	mode, list := "", ""
	for _, m := range []struct{ mode, list string }{{"f", *fields}, {"F", *regexFields}, {"c", *chars}, {"b", *bytesList}} {
		if m.list != "" {
			if mode != "" {
				return cmds.Usagef("give only one of -b, -c, -f and -F")
			}
			mode, list = m.mode, m.list
		}
	}
	switch {
	case mode == "":
		return cmds.Usagef("expected a list of bytes, characters, or fields")
	case (mode == "b" || mode == "c") && *only:
		return fmt.Errorf("suppressing non-delimited lines makes sense only when operating on fields")
	case (mode == "b" || mode == "c") && *delim != "":
		return fmt.Errorf("a delimiter may be specified only when operating on fields")
	}
	sep := *delim
	var re *regexp.Regexp
	if mode == "F" {
		if sep == "" {
			sep = "[[:space:]]+"
		}
		expr, err := cmds.TranslateRegexp(sep, true)
		if err == nil {
			re, err = cmds.CompileRegexp(expr)
		}
		if err != nil {
			return cmds.Usagef("bad regular expression %s: %v", cmds.Quote(sep), err)
		}
		if *odelim == "" {
			*odelim = " "
		}
	} else {
		if sep == "" {
			sep = "\t"
		}
		sep = sep[:1]
		if *odelim == "" {
			*odelim = sep
		}
	}
	spans, err := parseCutList(list)
	if err != nil {
		return cmds.Usagef("%v", err)
	}
	sl := spanList(spans)
	sorted := make([]span, len(spans))
	copy(sorted, spans)
	if !*inOrder {
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].lo < sorted[j].lo })
	}
	out := bufio.NewWriter(e.Stdout)
	defer out.Flush()
	do := func(r io.Reader) error {
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line == "" {
				if err == io.EOF {
					return nil
				}
				return err
			}
			line = strings.TrimSuffix(line, "\n")
			switch mode {
			case "f", "F":
				if !cutFields(out, line, sep[0], re, sorted, *odelim, *only, *inOrder) {
					continue
				}
				out.WriteByte('\n')
			default:
				// Each byte once, even with -D.
				seen := make([]bool, len(line))
				for _, i := range sl.pick(len(line), *inOrder) {
					if !seen[i] {
						seen[i] = true
						out.WriteByte(line[i])
					}
				}
				out.WriteByte('\n')
			}
		}
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

// cutFields writes the fields of line that the ranges select, the way
// BusyBox's cut walks a line, quirks and all: a range that starts past
// the line's last field adds an empty field ("1:2" cut -d: -f1,3 is
// "1:"), and with -D each range starts over from the line's start. It
// reports false for a line -s leaves out.
func cutFields(w *bufio.Writer, line string, sep byte, re *regexp.Regexp, ranges []span, odelim string, only, inOrder bool) bool {
	first := func(r span) int { return r.lo - 1 }
	last := func(r span) int {
		if r.hi == 0 {
			return math.MaxInt
		}
		return r.hi - 1
	}
	uu, start, end, count, out, cl := 0, 0, 0, 0, 0, 0
	for {
		if end == len(line) || count > last(ranges[cl]) {
			if cl++; cl >= len(ranges) {
				break
			}
			if inOrder {
				start, count, uu = 0, 0, 0
			}
			end = 0
		}
		if uu == len(line) {
			if cl == 0 && count == 0 && re == nil {
				if only {
					return false
				}
			} else if count < first(ranges[cl]) {
				start = len(line)
			}
			end = len(line)
		} else {
			if re != nil {
				loc := re.FindStringIndex(line[uu:])
				if loc == nil || loc[1] == 0 {
					uu = len(line)
					continue
				}
				end, uu = uu+loc[0], uu+loc[1]
			} else {
				end = uu
				uu++
				if line[end] != sep {
					continue
				}
			}
			count++
			if count-1 < first(ranges[cl]) {
				start = uu
				continue
			}
		}
		if end != start || re == nil {
			if out > 0 {
				w.WriteString(odelim)
			}
			w.WriteString(line[start:end])
			out++
		}
		start = uu
		if count == 0 {
			break
		}
	}
	return true
}
