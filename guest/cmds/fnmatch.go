package cmds

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Flags of Fnmatch, as fnmatch(3) names them.
const (
	FnmPathname   = 1 << iota // a wildcard never matches "/" (FNM_PATHNAME)
	FnmCasefold               // letters match either case (FNM_CASEFOLD)
	FnmLeadingDir             // a match of a leading part up to a "/" is enough (FNM_LEADING_DIR)
)

// Fnmatch reports whether name matches the shell pattern, as the C
// library's fnmatch(3) does for find -name and -path and tar
// --exclude: "*" and "?" match "/" unless FnmPathname is set, a
// bracket takes ranges, "!" or "^" to negate and [:class:] names, a
// backslash quotes the next character, and a "[" that is never closed
// is an ordinary character. path.Match differs on each of these
// points.
func Fnmatch(pattern, name string, flags int) bool {
	if flags&FnmCasefold != 0 {
		pattern, name = foldCase(pattern), foldCase(name)
	}
	// Star backtracking: remember where the last "*" was and how much of
	// name it had taken, and give it one more character on a mismatch.
	star, starName := -1, 0
	p, n := 0, 0
	for {
		if p < len(pattern) {
			c := pattern[p]
			switch {
			case c == '*':
				star, starName = p, n
				p++
				continue
			case n < len(name) && !(flags&FnmPathname != 0 && name[n] == '/' && c != '/'):
				r, size := utf8.DecodeRuneInString(name[n:])
				if plen, ok := matchOne(pattern[p:], r); ok {
					p += plen
					n += size
					continue
				}
			}
		} else if n == len(name) || (flags&FnmLeadingDir != 0 && name[n] == '/') {
			return true
		}
		// Mismatch: let the last star take one more character, unless
		// that character is a "/" it may not take.
		if star < 0 || starName >= len(name) || (flags&FnmPathname != 0 && name[starName] == '/') {
			return false
		}
		_, size := utf8.DecodeRuneInString(name[starName:])
		starName += size
		p, n = star+1, starName
	}
}

// matchOne matches r against the pattern element at the start of pat
// ("?", a bracket, "\x" or a character) and returns the element's
// length.
func matchOne(pat string, r rune) (int, bool) {
	switch pat[0] {
	case '?':
		return 1, true
	case '[':
		if n, ok, valid := matchBracket(pat, r); valid {
			return n, ok
		}
		return 1, r == '['
	case '\\':
		if len(pat) > 1 {
			c, size := utf8.DecodeRuneInString(pat[1:])
			return 1 + size, c == r
		}
	}
	c, size := utf8.DecodeRuneInString(pat)
	return size, c == r
}

// matchBracket matches r against the bracket expression at the start of
// pat; valid is false when the bracket is never closed.
func matchBracket(pat string, r rune) (n int, ok, valid bool) {
	i := 1
	negate := i < len(pat) && (pat[i] == '!' || pat[i] == '^')
	if negate {
		i++
	}
	matched := false
	for first := true; i < len(pat); first = false {
		if pat[i] == ']' && !first {
			return i + 1, matched != negate, true
		}
		if strings.HasPrefix(pat[i:], "[:") {
			if end := strings.Index(pat[i+2:], ":]"); end >= 0 {
				if classMatch(pat[i+2:i+2+end], r) {
					matched = true
				}
				i += end + 4
				continue
			}
		}
		lo, size := utf8.DecodeRuneInString(pat[i:])
		if lo == '\\' && i+1 < len(pat) {
			i++
			lo, size = utf8.DecodeRuneInString(pat[i:])
		}
		i += size
		hi := lo
		if i+1 < len(pat) && pat[i] == '-' && pat[i+1] != ']' {
			i++
			if pat[i] == '\\' && i+1 < len(pat) {
				i++
			}
			hi, size = utf8.DecodeRuneInString(pat[i:])
			i += size
		}
		if lo <= r && r <= hi {
			matched = true
		}
	}
	return 0, false, false
}

func classMatch(class string, r rune) bool {
	switch class {
	case "alpha":
		return unicode.IsLetter(r)
	case "digit":
		return '0' <= r && r <= '9'
	case "alnum":
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	case "upper":
		return unicode.IsUpper(r)
	case "lower":
		return unicode.IsLower(r)
	case "space":
		return unicode.IsSpace(r)
	case "blank":
		return r == ' ' || r == '\t'
	case "punct":
		return r < 128 && unicode.IsPunct(r) || r < 128 && unicode.IsSymbol(r)
	case "xdigit":
		return strings.ContainsRune("0123456789abcdefABCDEF", r)
	case "cntrl":
		return unicode.IsControl(r)
	case "print":
		return unicode.IsPrint(r)
	case "graph":
		return unicode.IsPrint(r) && r != ' '
	}
	return false
}

// foldCase lowers the letters of s; FnmCasefold compares both sides so.
func foldCase(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
