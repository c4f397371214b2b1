package kmod

import "strings"

// Match reports whether s matches the shell pattern pattern exactly as
// glibc's fnmatch(3) with no flags does in the C locale, which is how
// kmod matches modaliases against the aliases of modules: '*' matches
// any run of bytes ('/' and a leading '.' included), '?' any one byte,
// "[...]" a set with ranges, "!" or "^" negation, classes such as
// [:digit:], collating symbols [.x.] and equivalence classes [=x=], and
// '\' quotes the next byte. A '[' with no closing ']' is an ordinary
// byte; ill-formed sets (an unknown class, a '\' at the end) match
// nothing. As with C strings, a NUL byte ends either string.
//
// path.Match is not the same: its '*' stops at '/', and it rejects
// patterns that fnmatch takes, such as "[]a]".
func Match(pattern, s string) bool {
	if i := strings.IndexByte(pattern, 0); i >= 0 {
		pattern = pattern[:i]
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	// Iterative matching with one backtrack point, the last '*': on a
	// mismatch that star takes one more byte. glibc does the same (its
	// "ends" records the last star); it needs no more because '*'
	// matches anything. O(len*len) time at worst, never exponential.
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			switch c := pattern[p]; c {
			case '*':
				for p < len(pattern) && pattern[p] == '*' {
					p++
				}
				if p == len(pattern) {
					return true
				}
				starP, starI = p, i
				continue
			case '?':
				p++
				i++
				continue
			case '[':
				switch res, next := bracket(pattern, p+1, s[i]); res {
				case bracketMatch:
					p = next
					i++
					continue
				case bracketLiteral:
					if s[i] == '[' {
						p++
						i++
						continue
					}
				}
			case '\\':
				if p+1 < len(pattern) && pattern[p+1] == s[i] {
					p += 2
					i++
					continue
				}
			default:
				if c == s[i] {
					p++
					i++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starI++
		p, i = starP, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

const (
	bracketFail    = iota // no match here: fn is not in the set, or the set is ill-formed
	bracketMatch          // fn is in the set
	bracketLiteral        // the set has no end: '[' is an ordinary byte
)

// classMax is glibc's CHAR_CLASS_MAX_LENGTH: longer class names make the
// pattern ill-formed.
const classMax = 2048

// bracket matches the byte fn against the set whose body starts at p
// (just after the '['), following glibc's fnmatch_loop.c step for step
// for the C locale: the set is read left to right, and once fn is found
// the rest is only skipped, so an error after a match is not seen. next
// is the index after the closing ']'.
func bracket(pat string, p int, fn byte) (res, next int) {
	at := func(i int) byte {
		if i < len(pat) {
			return pat[i]
		}
		return 0
	}
	not := at(p) == '!' || at(p) == '^'
	if not {
		p++
	}
	c := at(p)
	p++
	for {
		var cold byte
		rangeNext := false // c and cold are set for the range test below
		switch {
		case c == '\\':
			if at(p) == 0 {
				return bracketFail, 0
			}
			c = at(p)
			p++
			if m, np := normalBracket(at, p, c, fn); m {
				return skip(at, np, not)
			}
			cold, c = c, at(p)
			p++
			rangeNext = true
		case c == '[' && at(p) == ':':
			startp := p
			isClass := false
			for c1 := 0; ; c1++ {
				if c1 == classMax {
					return bracketFail, 0
				}
				p++
				c = at(p)
				if c == ':' && at(p+1) == ']' {
					p += 2
					isClass = true
					break
				}
				if c < 'a' || c >= 'z' {
					break
				}
			}
			if isClass {
				known, in := inClass(pat[startp+1:p-2], fn)
				if !known {
					return bracketFail, 0
				}
				if in {
					return skip(at, p, not)
				}
				c = at(p)
				p++
				break
			}
			// Not a class: '[' is a member of the set.
			p, c = startp, '['
			if m, np := normalBracket(at, p, c, fn); m {
				return skip(at, np, not)
			}
			cold, c = c, at(p)
			p++
			rangeNext = true
		case c == '[' && at(p) == '=':
			startp := p
			if at(p+1) != 0 && at(p+2) == '=' && at(p+3) == ']' {
				str := at(p + 1)
				p += 4
				if fn == str {
					return skip(at, p, not)
				}
				c = at(p)
				p++
				break
			}
			p, c = startp, '['
			if m, np := normalBracket(at, p, c, fn); m {
				return skip(at, np, not)
			}
			cold, c = c, at(p)
			p++
			rangeNext = true
		case c == 0:
			return bracketLiteral, 0
		case c == '[' && at(p) == '.':
			sym, np, ok := collatingSymbol(at, p)
			if !ok {
				return bracketFail, 0
			}
			p = np
			isRange := at(p) == '-' && at(p+1) != 0
			if !isRange && fn == sym {
				return skip(at, p, not)
			}
			cold, c = sym, at(p)
			p++
			rangeNext = true
		default:
			if m, np := normalBracket(at, p, c, fn); m {
				return skip(at, np, not)
			}
			cold, c = c, at(p)
			p++
			rangeNext = true
		}
		if rangeNext && c == '-' && at(p) != ']' {
			cend := at(p)
			p++
			if cend == '[' && at(p) == '.' {
				sym, np, ok := collatingSymbol(at, p)
				if !ok {
					return bracketFail, 0
				}
				cend, p = sym, np
			} else {
				if cend == '\\' {
					cend = at(p)
					p++
				}
				if cend == 0 {
					return bracketFail, 0
				}
			}
			if cold <= fn && fn <= cend {
				return skip(at, p, not)
			}
			c = at(p)
			p++
		}
		if c == ']' {
			break
		}
	}
	if !not {
		return bracketFail, 0
	}
	return bracketMatch, p
}

// collatingSymbol reads a collating symbol "[.x.]" whose '.' is at p and
// returns its byte and the position after its "]". It fails if the
// symbol is unterminated or is not one byte: the C locale names no
// collating elements but single bytes.
func collatingSymbol(at func(int) byte, p int) (sym byte, next int, ok bool) {
	start := p
	for n := 0; ; n++ {
		p++
		c := at(p)
		if c == '.' && at(p+1) == ']' {
			return at(start + 1), p + 2, n == 1
		}
		if c == 0 {
			return 0, 0, false
		}
	}
}

// normalBracket is glibc's normal_bracket step for the member c, with p
// after it: c matches unless it starts a range.
func normalBracket(at func(int) byte, p int, c, fn byte) (matched bool, next int) {
	isRange := at(p) == '-' && at(p+1) != 0 && at(p+1) != ']'
	return !isRange && c == fn, p
}

// skip passes over the rest of a set in which the byte was found.
func skip(at func(int) byte, p int, not bool) (res, next int) {
	for {
		c := at(p)
		p++
		if c == ']' {
			break
		}
		switch {
		case c == 0:
			return bracketLiteral, 0
		case c == '\\':
			if at(p) == 0 {
				return bracketFail, 0
			}
			p++
		case c == '[' && at(p) == ':':
			startp := p
			for c1 := 1; ; c1++ {
				p++
				c = at(p)
				if c1 == classMax {
					return bracketFail, 0
				}
				if c == ':' && at(p+1) == ']' {
					break
				}
				if c < 'a' || c >= 'z' {
					p = startp - 2
					break
				}
			}
			p += 2
		case c == '[' && at(p) == '=':
			p++
			if at(p) == 0 {
				return bracketFail, 0
			}
			p++
			if at(p) != '=' || at(p+1) != ']' {
				return bracketFail, 0
			}
			p += 2
		case c == '[' && at(p) == '.':
			for {
				p++
				c = at(p)
				if c == 0 {
					return bracketFail, 0
				}
				if c == '.' && at(p+1) == ']' {
					break
				}
			}
			p += 2
		}
	}
	if not {
		return bracketFail, 0
	}
	return bracketMatch, p
}

// inClass says whether c is in the POSIX class name, in the C locale.
func inClass(name string, c byte) (known, in bool) {
	upper := 'A' <= c && c <= 'Z'
	lower := 'a' <= c && c <= 'z'
	digit := '0' <= c && c <= '9'
	switch name {
	case "alnum":
		return true, upper || lower || digit
	case "alpha":
		return true, upper || lower
	case "blank":
		return true, c == ' ' || c == '\t'
	case "cntrl":
		return true, c < 0x20 || c == 0x7f
	case "digit":
		return true, digit
	case "graph":
		return true, c > 0x20 && c < 0x7f
	case "lower":
		return true, lower
	case "print":
		return true, c >= 0x20 && c < 0x7f
	case "punct":
		return true, c > 0x20 && c < 0x7f && !upper && !lower && !digit
	case "space":
		return true, c == ' ' || (c >= '\t' && c <= '\r')
	case "upper":
		return true, upper
	case "xdigit":
		return true, digit || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
	}
	return false, false
}
