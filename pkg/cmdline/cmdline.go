// Package cmdline is the kernel command line's quoting, as the kernel
// splits it (lib/cmdline.c's next_arg): words separated by white space,
// double quotes grouping white space into a word and removed from it, no
// other escapes, and everything after a lone "--" left for init's argv.
// pidone's init reads its options with it, and the host checks with it
// what it bakes into an image.
package cmdline

import (
	"fmt"
	"strings"
)

// Param is one word of a command line: KEY, or KEY=VALUE.
type Param struct {
	Key, Value string
	HasValue   bool
}

// isSpace is the kernel's isspace (lib/ctype.c), which takes 0xA0, a
// Latin-1 no-break space, for one too: in UTF-8 it is the second byte of
// "à" and of other letters, which must be quoted to stay in their word.
// NUL ends the kernel's string.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xa0 || c == 0
}

// Parse splits a command line the way the kernel does. A quote left open
// runs to the end of the line, as in the kernel (Check finds it).
func Parse(s string) []Param {
	params, _ := scan(s)
	return params
}

// Check reports a double quote that is never closed: the kernel would
// take everything after it as one word.
func Check(s string) error {
	if _, open := scan(s); open >= 0 {
		return fmt.Errorf("the double quote in %q is never closed; close it, or leave it out (quotes only group words)", tail(s[open:]))
	}
	return nil
}

func tail(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// scan splits s and returns where a quote left open starts, or -1.
func scan(s string) (params []Param, open int) {
	open = -1
	pos := 0
	for pos < len(s) {
		for pos < len(s) && isSpace(s[pos]) {
			pos++
		}
		if pos == len(s) {
			break
		}
		var word strings.Builder
		quoted := false
		quote := -1
		for ; pos < len(s); pos++ {
			c := s[pos]
			if c == '"' {
				quoted = !quoted
				if quoted {
					quote = pos
				}
				continue
			}
			if !quoted && isSpace(c) {
				break
			}
			word.WriteByte(c)
		}
		if quoted {
			open = quote
		}
		w := word.String()
		if w == "--" {
			break
		}
		k, v, ok := strings.Cut(w, "=")
		params = append(params, Param{Key: k, Value: v, HasValue: ok})
	}
	return params, open
}

// String returns p as one word of a command line, quoted if it holds
// white space (or is empty). Parse gives p back; a Param holding a
// double quote, which Parse never returns, cannot be written.
func (p Param) String() string {
	w := p.Key
	if p.HasValue {
		w += "=" + p.Value
	}
	for i := 0; i < len(w); i++ {
		if isSpace(w[i]) {
			return `"` + w + `"`
		}
	}
	if w == "" {
		return `""`
	}
	return w
}

// Join writes params as a command line that Parse splits back into them.
func Join(params []Param) string {
	words := make([]string, len(params))
	for i, p := range params {
		words[i] = p.String()
	}
	return strings.Join(words, " ")
}
