package coreutils

import (
	"bufio"
	"io"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "tr", Usage: "[-cds] STRING1 [STRING2]", Summary: "translate, squeeze or delete characters", Run: tr})

// tr works on bytes, as BusyBox's does (and GNU's: neither knows
// multibyte characters).
func tr(e *cmds.Env, args []string) error {
	var f cmds.Flags
	comp := f.Bool('c', "complement", "use the bytes not in STRING1")
	compC := f.Bool('C', "", "same as -c")
	del := f.Bool('d', "delete", "delete the bytes of STRING1")
	squeeze := f.Bool('s', "squeeze-repeats", "squeeze repeats of the bytes of the last STRING into one")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 || len(ops) > 2 {
		return cmds.Usagef("want STRING1 and at most a STRING2")
	}
	set1, err := trExpand(ops[0])
	if err != nil {
		return cmds.Usagef("%v", err)
	}
	if *comp || *compC {
		var in [256]bool
		for _, c := range set1 {
			in[c] = true
		}
		set1 = set1[:0]
		for c := 0; c < 256; c++ {
			if !in[c] {
				set1 = append(set1, byte(c))
			}
		}
	}
	var vector [256]byte
	for i := range vector {
		vector[i] = byte(i)
	}
	var set2 []byte
	if len(ops) == 2 {
		if ops[1] == "" {
			return errorString("STRING2 cannot be empty") // status 1, as BusyBox
		}
		if set2, err = trExpand(ops[1]); err != nil {
			return cmds.Usagef("%v", err)
		}
		// A short STRING2 is padded with its last byte (BusyBox starts
		// from '0' if it has none).
		last := byte('0')
		for i, c := range set1 {
			if i < len(set2) {
				last = set2[i]
			}
			vector[c] = last
		}
	}
	var inSet1, inSet2 [256]bool
	for _, c := range set1 {
		inSet1[c] = true
	}
	for _, c := range set2 {
		inSet2[c] = true
	}
	r := bufio.NewReaderSize(e.Input(), 32<<10)
	w := e.BufOut()
	defer w.Flush()
	last := -1
	for {
		c, err := r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if *del && inSet1[c] {
			continue
		}
		coded := vector[c]
		if *squeeze && last == int(coded) && (inSet1[c] || inSet2[coded]) {
			continue
		}
		w.WriteByte(coded)
		last = int(coded)
		if r.Buffered() == 0 {
			// Flush at the end of each read, so that tr in a pipe
			// from a terminal passes lines on as they come.
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
	return w.Flush()
}

// trExpand spells out a tr set as BusyBox does: escapes, ranges a-z,
// classes [:alpha:] (alnum digit lower upper space blank punct cntrl
// xdigit) and [=c=]. Other brackets are themselves, and [x*N] is not
// supported, as in BusyBox.
func trExpand(s string) ([]byte, error) {
	var out []byte
	i := 0
	for i < len(s) {
		c := s[i]
		i++
		if c == '\\' {
			c, i = bbEscape(s, i)
		}
		if i < len(s) && s[i] == '-' {
			if i+1 >= len(s) { // "a-" at the end: both literally
				out = append(out, c)
				continue
			}
			hi := s[i+1]
			i += 2
			if hi == '\\' {
				hi, i = bbEscape(s, i)
			}
			for x := int(c); x <= int(hi); x++ {
				out = append(out, byte(x))
			}
			continue
		}
		if c == '[' && i < len(s) {
			switch s[i] {
			case ':':
				if cls, n := trClass(s[i+1:]); n > 0 {
					out = append(out, cls...)
					i += 1 + n
					continue
				}
			case '=':
				if i+3 < len(s) && s[i+2] == '=' && s[i+3] == ']' {
					out = append(out, s[i+1])
					i += 4
					continue
				}
				return nil, errorString("bad [=c=] in " + cmds.Quote(s))
			}
		}
		out = append(out, c)
	}
	return out, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

// trClass expands the class whose name starts s ("upper:]..."), and
// says how much of s it took; 0 if it is none.
func trClass(s string) ([]byte, int) {
	names := [...]string{"alpha", "alnum", "digit", "lower", "upper", "space", "blank", "punct", "cntrl", "xdigit"}
	for _, name := range names {
		if len(s) < len(name)+2 || s[:len(name)] != name || s[len(name):len(name)+2] != ":]" {
			continue
		}
		var out []byte
		add := func(lo, hi byte) {
			for c := int(lo); c <= int(hi); c++ {
				out = append(out, byte(c))
			}
		}
		switch name {
		case "alnum", "digit", "xdigit":
			add('0', '9')
		}
		switch name {
		case "alpha", "alnum", "upper":
			add('A', 'Z')
		}
		switch name {
		case "alpha", "alnum", "lower":
			add('a', 'z')
		case "space":
			out = append(out, '\t', '\n', '\v', '\f', '\r', ' ')
		case "blank":
			out = append(out, '\t', ' ')
		case "punct":
			for c := 0x21; c < 0x7f; c++ {
				if !isAlnum(byte(c)) {
					out = append(out, byte(c))
				}
			}
		case "cntrl":
			add(0, 31)
			out = append(out, 127)
		case "xdigit":
			out = append(out, "ABCDEFabcdef"...)
		}
		return out, len(name) + 2
	}
	return nil, 0
}
