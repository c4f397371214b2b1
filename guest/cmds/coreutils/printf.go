package coreutils

import (
	"bufio"
	"fmt"
	"math"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

// printf is /bin/printf, for scripts that exec it and for xargs and
// find -exec; the shell has its own builtin. It follows BusyBox's
// printf.c: the format is reused while arguments remain, a missing
// argument is "" (or 0), numbers take C's prefixes (0x, 0) and 'c for a
// character's code, "%b" expands escapes in its argument, and "\c"
// stops everything. BusyBox has no %q; neither has this.
var _ = cmds.Register(&cmds.Cmd{Name: "printf", Usage: "FORMAT [ARG]...", Summary: "format and print arguments", Run: printfCmd, Quick: true})

func printfCmd(e *cmds.Env, args []string) error {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return cmds.Usagef("no format")
	}
	w := e.BufOut()
	defer w.Flush()
	p := &printer{w: w, e: e}
	format, rest := args[0], args[1:]
	for {
		left, stop := p.formatted(format, rest)
		if stop || len(left) == len(rest) || len(left) == 0 {
			break
		}
		rest = left
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if p.bad {
		return cmds.ExitStatus(1)
	}
	return nil
}

type printer struct {
	w   *bufio.Writer
	e   *cmds.Env
	bad bool // an invalid number or format: exit status 1
}

func (p *printer) warnf(format string, a ...any) {
	p.w.Flush()
	fmt.Fprintf(p.e.Stderr, "printf: "+format+"\n", a...)
	p.bad = true
}

// formatted prints f once, taking arguments from args, and returns the
// ones left; stop is \c, or an invalid directive.
func (p *printer) formatted(f string, args []string) (left []string, stop bool) {
	next := func() (string, bool) {
		if len(args) == 0 {
			return "", false
		}
		a := args[0]
		args = args[1:]
		return a, true
	}
	for i := 0; i < len(f); i++ {
		switch c := f[i]; c {
		case '\\':
			i++
			if i < len(f) && f[i] == 'c' {
				return args, true
			}
			b, j := bbEscape(f, i)
			p.w.WriteByte(b)
			i = j - 1
		case '%':
			start := i
			i++
			if i < len(f) && f[i] == '%' {
				p.w.WriteByte('%')
				continue
			}
			if i < len(f) && f[i] == 'b' {
				if a, ok := next(); ok && p.escString(a) {
					return args, true
				}
				continue
			}
			var spec strings.Builder
			spec.WriteByte('%')
			for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
				spec.WriteByte(f[i])
				i++
			}
			width, prec := "", ""
			if i < len(f) && f[i] == '*' {
				i++
				if a, ok := next(); ok {
					width = strconv.Itoa(p.widthArg(a))
				}
			} else {
				for i < len(f) && isDigit(f[i]) {
					width += f[i : i+1]
					i++
				}
			}
			hasPrec := false
			if i < len(f) && f[i] == '.' {
				i++
				hasPrec = true
				if i < len(f) && f[i] == '*' {
					i++
					if a, ok := next(); ok {
						prec = strconv.Itoa(p.widthArg(a))
					}
				} else {
					for i < len(f) && isDigit(f[i]) {
						prec += f[i : i+1]
						i++
					}
				}
			}
			sizes := i
			for i < len(f) && (f[i]|0x20 == 'l' || f[i] == 'h' || f[i] == 'z') {
				i++
			}
			if i >= len(f) || strings.IndexByte("diouxXfeEgGcs", f[i]) < 0 {
				// BusyBox names the directive and the rest of the
				// format, without the size letters it dropped.
				p.warnf("%s: invalid format", f[start:sizes]+f[i:])
				return nil, true
			}
			flags := spec.String()[1:]
			if strings.HasPrefix(width, "-") {
				flags += "-"
				width = width[1:]
			}
			if strings.HasPrefix(prec, "-") {
				hasPrec, prec = false, ""
			}
			a, _ := next()
			p.directive(f[i], flags, width, prec, hasPrec, a)
		default:
			p.w.WriteByte(c)
		}
	}
	return args, false
}

// widthArg reads a * width or precision.
func (p *printer) widthArg(a string) int {
	n, err := strconv.Atoi(a)
	if err != nil {
		p.warnf("invalid number '%s'", a)
		return 0
	}
	return n
}

func (p *printer) directive(verb byte, flags, width, prec string, hasPrec bool, arg string) {
	spec := "%" + flags + width
	if hasPrec {
		spec += "." + prec
	}
	// C pads strings with spaces whatever the 0 flag says; Go with zeros.
	strSpec := "%" + strings.ReplaceAll(flags, "0", "") + width
	switch verb {
	case 'c':
		c := "\x00"
		if arg != "" {
			c = arg[:1]
		}
		fmt.Fprintf(p.w, strSpec+"s", c)
	case 's':
		if hasPrec {
			strSpec += "." + prec
		}
		fmt.Fprintf(p.w, strSpec+"s", arg)
	case 'd', 'i':
		fmt.Fprintf(p.w, spec+"d", p.signed(arg))
	case 'o', 'u', 'x', 'X':
		v := p.unsigned(arg)
		if verb == 'u' {
			verb = 'd'
		}
		fmt.Fprintf(p.w, spec+string(verb), v)
	default: // f e E g G
		v := p.float(arg)
		if !hasPrec {
			// C's default precision is 6 for %g too; Go's is "as
			// many digits as needed".
			spec += ".6"
		}
		if math.IsInf(v, 0) || math.IsNaN(v) {
			name := "inf"
			switch {
			case math.IsNaN(v):
				name = "nan"
			case v < 0:
				name = "-inf"
			case strings.Contains(flags, "+"):
				name = "+inf"
			}
			if verb == 'E' || verb == 'G' {
				name = strings.ToUpper(name)
			}
			fmt.Fprintf(p.w, strSpec+"s", name)
			return
		}
		fmt.Fprintf(p.w, spec+string(verb), v)
	}
}

// numArg turns 'c and "c into c's code, as POSIX printf does.
func numArg(a string) string {
	a = strings.TrimLeft(a, " \t\n\v\f\r")
	if len(a) > 0 && (a[0] == '\'' || a[0] == '"') {
		if len(a) < 2 {
			return "0"
		}
		return strconv.Itoa(int(a[1]))
	}
	return strings.TrimPrefix(a, "+")
}

func (p *printer) signed(a string) int64 {
	s := numArg(a)
	v, err := strconv.ParseInt(cBase(s))
	if err != nil {
		if u, uerr := strconv.ParseUint(cBase(s)); uerr == nil {
			return int64(u)
		}
		p.warnf("invalid number '%s'", a)
		return 0
	}
	return v
}

func (p *printer) unsigned(a string) uint64 {
	s := numArg(a)
	u, err := strconv.ParseUint(cBase(s))
	if err == nil {
		return u
	}
	// -2 is 0xfffffffffffffffe, as in coreutils and bash.
	if v, err := strconv.ParseInt(cBase(s)); err == nil {
		return uint64(v)
	}
	p.warnf("invalid number '%s'", a)
	return 0
}

// cBase splits s for strconv as strtoll with base 0 reads it: 0x is
// hexadecimal, a leading 0 octal.
func cBase(s string) (string, int, int) {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		return sign + s[2:], 16, 64
	case len(s) > 1 && s[0] == '0':
		return sign + s[1:], 8, 64
	}
	return sign + s, 10, 64
}

func (p *printer) float(a string) float64 {
	s := numArg(a)
	v, end := leadingFloatEnd(s)
	if end != len(s) || s == "" {
		p.warnf("invalid number '%s'", a)
		return 0
	}
	return v
}

// escString prints a %b argument; true if it held \c.
func (p *printer) escString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			p.w.WriteByte(c)
			continue
		}
		i++
		if i < len(s) && s[i] == 'c' {
			return true
		}
		// %b takes \0NNN: a 0 before three octal digits is dropped.
		if i+1 < len(s) && s[i] == '0' && s[i+1] >= '0' && s[i+1] <= '7' {
			i++
		}
		b, j := bbEscape(s, i)
		p.w.WriteByte(b)
		i = j - 1
	}
	return false
}
