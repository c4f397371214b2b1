package coreutils

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "sort", Usage: "[-nrugMVhcszbdfi] [-o FILE] [-t CHAR] [-k START[,END]]... [FILE]...", Summary: "sort lines of text", Run: sortCmd})

// The ordering flags, as BusyBox keeps them: global ones, and per key
// after the key's numbers (-k2,2nr).
const (
	sortNum      = 1 << iota // -n: a leading number, as atof reads it
	sortGeneral              // -g: strtod, with NaN and infinities ordered
	sortMonth                // -M: JAN < ... < DEC
	sortVersion              // -V: strverscmp
	sortHuman                // -h: 2K < 1M (GNU's; BusyBox 1.35 has no -h)
	sortBlanks               // -b: ignore leading blanks
	sortTrailing             // b after a key's comma, or global -b: ignore trailing blanks
	sortReverse              // -r
	sortDict                 // -d: only blanks and alphanumerics count
	sortFold                 // -f: compare as upper case
	sortPrint                // -i: only printable characters count
)

// sortSpec is one -k: fields and characters 1-based, 0 for "not given".
type sortSpec struct {
	startField, startChar, endField, endChar int
	flags                                    int
}

type sorter struct {
	keys   []sortSpec
	global int
	sep    byte // -t; 0 splits at runs of blanks
	stable bool
	noTie  bool // -u: lines whose keys compare equal are the same line
}

func sortCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	var flag [11]*bool
	for i, l := range []struct {
		c    rune
		long string
	}{{'n', "numeric-sort"}, {'g', "general-numeric-sort"}, {'M', "month-sort"}, {'V', "version-sort"},
		{'h', "human-numeric-sort"}, {'b', "ignore-leading-blanks"}, {0, ""}, {'r', "reverse"},
		{'d', "dictionary-order"}, {'f', "ignore-case"}, {'i', "ignore-nonprinting"}} {
		if l.c != 0 {
			flag[i] = f.Bool(l.c, l.long, "")
		}
	}
	unique := f.Bool('u', "unique", "output only the first of equal lines")
	check := f.Bool('c', "check", "check whether the input is sorted")
	stable := f.Bool('s', "stable", "keep equal lines in input order")
	zero := f.Bool('z', "zero-terminated", "lines end in NUL")
	f.Bool('m', "merge", "ignored")
	f.String('S', "buffer-size", "", "ignored")
	f.String('T', "temporary-directory", "", "ignored")
	out := f.String('o', "output", "", "write to FILE")
	sep := f.String('t', "field-separator", "", "fields are separated by CHAR")
	keys := f.Strings('k', "key", "sort by a key: START[.CHAR][FLAGS][,END[.CHAR][FLAGS]]")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	s := &sorter{stable: *stable}
	for i, p := range flag {
		if p != nil && *p {
			s.global |= 1 << i
		}
	}
	if s.global&sortBlanks != 0 {
		s.global |= sortTrailing // BusyBox: a global -b strips both ends
	}
	if *sep != "" {
		if len(*sep) != 1 {
			return cmds.Usagef("bad -t parameter")
		}
		s.sep = (*sep)[0]
	}
	for _, k := range *keys {
		spec, err := parseSortKey(k)
		if err != nil {
			return cmds.Usagef("%v", err)
		}
		s.keys = append(s.keys, spec)
	}
	if len(s.keys) == 0 {
		s.keys = []sortSpec{{startField: 1}}
	}
	term := byte('\n')
	if *zero {
		term = 0
	}
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	var lines []string
	for _, op := range ops {
		// BusyBox (as coreutils 6.9) stops at the first file it cannot
		// read, with status 2 as for any trouble.
		r, err := e.Open(op)
		if err != nil {
			fmt.Fprintf(e.Stderr, "sort: %s\n", cmds.Message(err))
			return cmds.ExitStatus(2)
		}
		lines, err = readRecords(lines, r, term)
		r.Close()
		if err != nil {
			if cerr := e.Context().Err(); cerr != nil {
				return cerr
			}
			fmt.Fprintf(e.Stderr, "sort: %s\n", cmds.Message(e.ReadErr(err, op)))
			return cmds.ExitStatus(2)
		}
	}
	if *check {
		limit := 0
		if *unique {
			limit = -1
		}
		for i := 1; i < len(lines); i++ {
			if s.compare(lines[i-1], lines[i], 0, 0) > limit {
				fmt.Fprintf(e.Stderr, "sort: check line %d\n", i)
				return cmds.ExitStatus(1)
			}
		}
		return nil
	}
	// glibc's qsort, which BusyBox calls, is a merge sort: stable.
	idx := make([]int, len(lines))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return s.compare(lines[idx[a]], lines[idx[b]], idx[a], idx[b]) < 0
	})
	if *unique {
		s.noTie = true
		j := 0
		for i := 1; i < len(idx); i++ {
			if s.compare(lines[idx[j]], lines[idx[i]], 0, 0) != 0 {
				j++
				idx[j] = idx[i]
			}
		}
		if len(idx) > 0 {
			idx = idx[:j+1]
		}
	}
	w := io.Writer(e.Stdout)
	if *out != "" {
		fh, err := os.Create(e.Path(*out))
		if err != nil {
			fmt.Fprintf(e.Stderr, "sort: %s\n", cmds.Message(e.OpErr(err, *out)))
			return cmds.ExitStatus(2)
		}
		defer fh.Close()
		w = fh
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	for _, i := range idx {
		bw.WriteString(lines[i])
		bw.WriteByte(term)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if fh, ok := w.(*os.File); ok && *out != "" {
		return fh.Close()
	}
	return nil
}

// readRecords appends r's records, ended by term (the last may lack it).
func readRecords(lines []string, r io.Reader, term byte) ([]string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString(term)
		if len(line) > 0 {
			lines = append(lines, strings.TrimSuffix(line, string(term)))
		}
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
	}
}

// parseSortKey reads a -k argument, as BusyBox does.
func parseSortKey(k string) (sortSpec, error) {
	var spec sortSpec
	num := func() (int, error) {
		i := 0
		for i < len(k) && k[i] >= '0' && k[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(k[:i])
		if err != nil || n == 0 {
			return 0, fmt.Errorf("bad field specification")
		}
		k = k[i:]
		return n, nil
	}
	const keyFlags = "ngMVhbrdfi"
	if k == "" {
		return spec, fmt.Errorf("bad field specification") // not a key of field 0
	}
	for part := 0; part < 2 && k != ""; part++ {
		field, err := num()
		if err != nil {
			return spec, err
		}
		char := 0
		if strings.HasPrefix(k, ".") {
			k = k[1:]
			if char, err = num(); err != nil {
				return spec, err
			}
		}
		if part == 0 {
			spec.startField, spec.startChar = field, char
		} else {
			spec.endField, spec.endChar = field, char
		}
		for k != "" {
			if k[0] == ',' && part == 0 {
				k = k[1:]
				break
			}
			i := strings.IndexByte(keyFlags, k[0])
			if i < 0 {
				return spec, fmt.Errorf("unknown key option")
			}
			fl := []int{sortNum, sortGeneral, sortMonth, sortVersion, sortHuman, sortBlanks, sortReverse, sortDict, sortFold, sortPrint}[i]
			if part == 1 && fl == sortBlanks {
				fl = sortTrailing // b after the comma strips trailing blanks
			}
			spec.flags |= fl
			k = k[1:]
		}
	}
	return spec, nil
}

func isCSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// key cuts the key out of line, as BusyBox's get_key does, quirks
// included: an end character counts from the start of the line, not
// of the end field.
func (s *sorter) key(line string, k *sortSpec, flags int) string {
	if k.startField == 1 && k.startChar == 0 && k.endField == 0 && k.endChar == 0 &&
		flags&(sortBlanks|sortDict|sortFold|sortPrint|sortTrailing) == 0 {
		return line
	}
	n := len(line)
	var start, end int
	for j := 0; j < 2; j++ {
		field := k.startField
		if j == 1 {
			field = k.endField
		}
		if field == 0 {
			end = n
		} else {
			end = 0
			var ch byte
			for i := 1; i < field+j; i++ {
				if end >= n {
					ch = 0 // what the rest of the field count would leave, without counting to -k 2000000000
					break
				}
				if s.sep != 0 {
					ch = 0
					for end < n {
						c := line[end]
						end++
						if c == s.sep {
							ch = c
							break
						}
					}
				} else {
					for end < n && isCSpace(line[end]) {
						end++
					}
					for end < n && !isCSpace(line[end]) {
						end++
					}
				}
			}
			if j == 1 && ch != 0 {
				end--
			}
		}
		if j == 0 {
			start = end
		}
	}
	if flags&sortBlanks != 0 {
		for start < n && isCSpace(line[start]) {
			start++
		}
	}
	if flags&sortTrailing != 0 {
		for end > start && isCSpace(line[end-1]) {
			end--
		}
	}
	if k.endChar != 0 {
		end = min(k.endChar, n)
	}
	if k.startChar != 0 {
		start = min(start+k.startChar-1, n)
	}
	if end < start {
		end = start
	}
	key := line[start:end]
	if flags&(sortDict|sortPrint|sortFold) == 0 {
		return key
	}
	b := []byte(key)
	o := b[:0]
	for _, c := range b {
		if flags&sortDict != 0 && !(isCSpace(c) || isAlnum(c)) {
			continue
		}
		if flags&sortPrint != 0 && !(c >= 0x20 && c < 0x7f) {
			continue
		}
		if flags&sortFold != 0 && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		o = append(o, c)
	}
	return string(o)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// compare is BusyBox's compare_keys: the keys in turn, then (unless -s
// or -u) the whole lines; xi and yi are the lines' input positions, for
// -s. Note BusyBox's -r: a key's own r reverses that key, the global one
// the last resort too, and -r reverses even -s's input order.
func (s *sorter) compare(x, y string, xi, yi int) int {
	flags, ret := s.global, 0
	for i := range s.keys {
		if ret != 0 {
			break
		}
		k := &s.keys[i]
		flags = s.global
		if k.flags != 0 {
			flags = k.flags
		}
		a, b := s.key(x, k, flags), s.key(y, k, flags)
		switch {
		case flags&sortNum != 0:
			ret = cmpFloat(leadingFloat(a), leadingFloat(b))
		case flags&sortGeneral != 0:
			ret = cmpGeneral(a, b)
		case flags&sortMonth != 0:
			ret = cmpMonth(a, b)
		case flags&sortVersion != 0:
			ret = strverscmp(a, b)
		case flags&sortHuman != 0:
			ret = cmpHuman(a, b)
		default:
			ret = strings.Compare(a, b)
		}
	}
	if ret == 0 {
		switch {
		case s.stable:
			ret = 1
			if xi < yi {
				ret = -1
			}
		case !s.noTie:
			flags = s.global
			ret = strings.Compare(x, y)
		}
	}
	if flags&sortReverse != 0 {
		return -ret
	}
	return ret
}

func cmpFloat(a, b float64) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}

// leadingFloat reads the number at the start of s as C's strtod does
// (blanks, sign, decimal or 0x hexadecimal, exponent, inf, nan), and
// says where it ends; no number is 0 with end 0.
func leadingFloatEnd(s string) (float64, int) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	rest := strings.ToLower(s[j:min(len(s), j+8)])
	switch {
	case strings.HasPrefix(rest, "infinity"):
		v, _ := strconv.ParseFloat(s[i:j+8], 64)
		return v, j + 8
	case strings.HasPrefix(rest, "inf"), strings.HasPrefix(rest, "nan"):
		v, _ := strconv.ParseFloat(s[i:j+3], 64)
		return v, j + 3
	}
	hex := strings.HasPrefix(rest, "0x") && len(rest) > 2 && isHexDigit(rest[2])
	if hex {
		j += 2
	}
	digit := func(c byte) bool { return c >= '0' && c <= '9' || hex && isHexDigit(c) }
	k, digits := j, 0
	for k < len(s) && digit(s[k]) {
		k++
		digits++
	}
	if k < len(s) && s[k] == '.' {
		k++
		for k < len(s) && digit(s[k]) {
			k++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	exp := byte('e')
	if hex {
		exp = 'p'
	}
	if k < len(s) && (s[k]|0x20) == exp {
		m := k + 1
		if m < len(s) && (s[m] == '+' || s[m] == '-') {
			m++
		}
		if m < len(s) && s[m] >= '0' && s[m] <= '9' {
			for m < len(s) && s[m] >= '0' && s[m] <= '9' {
				m++
			}
			k = m
		}
	}
	num := s[i:k]
	if hex && !strings.ContainsAny(num[j-i:], "pP") {
		num += "p0"
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil && v == 0 && !strings.Contains(err.Error(), "range") {
		return 0, 0
	}
	return v, k
}

func leadingFloat(s string) float64 { v, _ := leadingFloatEnd(s); return v }

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// cmpGeneral is -g: not numbers < NaN < -inf < numbers < +inf.
func cmpGeneral(a, b string) int {
	x, xe := leadingFloatEnd(a)
	y, ye := leadingFloatEnd(b)
	rank := func(v float64, end int) int {
		switch {
		case end == 0:
			return 0
		case math.IsNaN(v):
			return 1
		}
		return 2
	}
	if ra, rb := rank(x, xe), rank(y, ye); ra != rb || ra < 2 {
		return ra - rb
	}
	return cmpFloat(x, y)
}

// cmpMonth is -M: an unknown name sorts before JAN.
func cmpMonth(a, b string) int {
	month := func(s string) int {
		s = strings.TrimLeft(s, " \t")
		if len(s) < 3 {
			return -1
		}
		i := strings.Index("janfebmaraprmayjunjulaugsepoctnovdec", strings.ToLower(s[:3]))
		if i < 0 || i%3 != 0 {
			return -1
		}
		return i / 3
	}
	return month(a) - month(b)
}

// cmpHuman is GNU's -h: the suffix (K M G T P E Z Y) first, then the
// number.
func cmpHuman(a, b string) int {
	rank := func(s string) (int, float64) {
		v, end := leadingFloatEnd(s)
		r := 0
		if end < len(s) {
			r = strings.IndexByte("KMGTPEZY", s[end]&^0x20) + 1
			if s[end] == 'k' {
				r = 1
			}
		}
		if v < 0 {
			r = -r
		} else if v == 0 {
			r = 0
		}
		return r, v
	}
	ra, va := rank(a)
	rb, vb := rank(b)
	if ra != rb {
		return ra - rb
	}
	return cmpFloat(va, vb)
}

// strverscmp is glibc's: runs of digits compare as numbers, except
// that a run with a leading zero is a fraction, which sorts first. A
// port of glibc's state machine.
func strverscmp(a, b string) int {
	const (
		sN, sI, sF, sZ = 0, 3, 6, 9
		cmp, length    = 2, 3
	)
	next := [...]int{
		sN, sI, sZ,
		sN, sI, sI,
		sN, sF, sF,
		sN, sF, sZ,
	}
	result := [...]int{
		cmp, cmp, cmp, cmp, length, cmp, cmp, cmp, cmp,
		cmp, -1, -1, +1, length, length, +1, length, length,
		cmp, cmp, cmp, cmp, cmp, cmp, cmp, cmp, cmp,
		cmp, +1, +1, -1, cmp, cmp, -1, cmp, cmp,
	}
	at := func(s string, i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	class := func(c byte) int {
		switch {
		case c == '0':
			return 2
		case isDigit(c):
			return 1
		}
		return 0
	}
	i := 0
	c1, c2 := at(a, 0), at(b, 0)
	state := sN + class(c1)
	for c1 == c2 {
		if c1 == 0 && i >= len(a) {
			return 0
		}
		state = next[state]
		i++
		c1, c2 = at(a, i), at(b, i)
		state += class(c1)
	}
	diff := int(c1) - int(c2)
	switch r := result[state*3+class(c2)]; r {
	case cmp:
		return diff
	case length:
		k := i + 1
		for ; isDigit(at(a, k)); k++ {
			if !isDigit(at(b, k)) {
				return 1
			}
		}
		if isDigit(at(b, k)) {
			return -1
		}
		return diff
	default:
		return r
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
