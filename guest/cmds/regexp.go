package cmds

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TranslateRegexp rewrites a POSIX regular expression, basic (BRE) or
// extended (ERE), into Go's RE2 syntax, for grep, sed, find -regex and
// the like. What differs: in a BRE \( \) \{ \}
// \| \+ \? are the operators and the bare characters are literals; a
// leading * is a literal; ^ and $ anchor only at the ends; a backslash in a
// bracket expression is itself; \< \> are word boundaries. Back-references
// have no RE2 equivalent and are refused.
func TranslateRegexp(pat string, ere bool) (string, error) {
	t := &reTranslator{pat: pat, ere: ere, atomStart: -1, atStart: true}
	if err := t.run(); err != nil {
		return "", err
	}
	return string(t.out), nil
}

type reTranslator struct {
	pat       string
	ere       bool
	out       []byte
	i         int
	atomStart int   // where the last atom begins in out; -1: none to repeat
	lastRep   bool  // out ends with a repetition operator
	atStart   bool  // at the start of the expression, a group or a branch
	groups    []int // where each open group begins in out
}

func (t *reTranslator) run() error {
	for t.i < len(t.pat) {
		c := t.pat[t.i]
		t.i++
		switch {
		case c == '\\':
			if err := t.escape(); err != nil {
				return err
			}
		case c == '[':
			if err := t.bracket(); err != nil {
				return err
			}
		case c == '.':
			t.atom(".")
		case c == '*':
			t.repeat("*", `\*`)
		case c == '^':
			if t.ere || t.atStart {
				t.anchor("^")
			} else {
				t.atom(`\^`)
			}
		case c == '$':
			rest := t.pat[t.i:]
			if t.ere || rest == "" || strings.HasPrefix(rest, `\)`) || strings.HasPrefix(rest, `\|`) {
				t.anchor("$")
			} else {
				t.atom(`\$`)
			}
		case t.ere && c == '(':
			t.open()
		case t.ere && c == ')':
			if len(t.groups) == 0 {
				t.atom(`\)`) // POSIX leaves it undefined; GNU takes it literally
			} else {
				t.close()
			}
		case t.ere && c == '|':
			t.alternate()
		case t.ere && (c == '+' || c == '?'):
			t.repeat(string(c), `\`+string(c))
		case t.ere && c == '{':
			if t.atomStart < 0 {
				t.atom(`\{`)
			} else if n, ok := t.interval("}"); ok {
				t.repeat(n, "")
			} else {
				t.atom(`\{`)
			}
		default:
			t.i--
			r, size := utf8.DecodeRuneInString(t.pat[t.i:])
			t.i += size
			if r == utf8.RuneError && size == 1 {
				return errors.New("invalid UTF-8 in pattern")
			}
			t.atom(regexp.QuoteMeta(string(r)))
		}
	}
	if len(t.groups) > 0 {
		if t.ere {
			return errors.New("unmatched ( or \\(")
		}
		return errors.New("unmatched \\(")
	}
	return nil
}

func (t *reTranslator) atom(s string) {
	t.atomStart, t.lastRep, t.atStart = len(t.out), false, false
	t.out = append(t.out, s...)
}

func (t *reTranslator) anchor(s string) {
	t.out = append(t.out, s...)
	// "^*" is a literal star: nothing before it to repeat.
	t.atomStart, t.lastRep = -1, false
}

// repeat appends a repetition operator, or lit when there is nothing to
// repeat (a leading "*" matches a star). RE2 refuses "a**" and "a*{2}",
// which POSIX allows: the repeated part is grouped first.
func (t *reTranslator) repeat(op, lit string) {
	if t.atomStart < 0 {
		t.atom(lit)
		return
	}
	if t.lastRep {
		t.out = append(t.out[:t.atomStart], append([]byte("(?:"), append(t.out[t.atomStart:], ')')...)...)
	}
	t.out = append(t.out, op...)
	t.lastRep, t.atStart = true, false
}

func (t *reTranslator) open() {
	t.groups = append(t.groups, len(t.out))
	t.out = append(t.out, '(')
	t.atomStart, t.lastRep, t.atStart = -1, false, true
}

func (t *reTranslator) close() {
	start := t.groups[len(t.groups)-1]
	t.groups = t.groups[:len(t.groups)-1]
	t.out = append(t.out, ')')
	t.atomStart, t.lastRep, t.atStart = start, false, false
}

func (t *reTranslator) alternate() {
	t.out = append(t.out, '|')
	t.atomStart, t.lastRep, t.atStart = -1, false, true
}

// interval reads "m}", "m,}" or "m,n}" (end is "}" or `\}`) after the
// opening brace and returns the RE2 operator. It consumes nothing when
// there is no valid interval.
func (t *reTranslator) interval(end string) (string, bool) {
	rest := t.pat[t.i:]
	k := strings.Index(rest, end)
	if k < 0 {
		return "", false
	}
	body := rest[:k]
	lo, hi, comma := strings.Cut(body, ",")
	if lo == "" && comma {
		lo = "0" // GNU's {,n}
	}
	if lo == "" || strings.Trim(lo, "0123456789") != "" || strings.Trim(hi, "0123456789") != "" {
		return "", false
	}
	if comma && hi != "" {
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		if a > b {
			return "", false
		}
	}
	t.i += k + len(end)
	if comma {
		return "{" + lo + "," + hi + "}", true
	}
	return "{" + lo + "}", true
}

func (t *reTranslator) escape() error {
	if t.i == len(t.pat) {
		return errors.New("trailing backslash (\\)")
	}
	r, size := utf8.DecodeRuneInString(t.pat[t.i:])
	t.i += size
	if !t.ere {
		switch r {
		case '(':
			t.open()
			return nil
		case ')':
			if len(t.groups) == 0 {
				return errors.New("unmatched \\)")
			}
			t.close()
			return nil
		case '|':
			t.alternate()
			return nil
		case '+', '?':
			t.repeat(string(r), `\`+string(r))
			return nil
		case '{':
			n, ok := t.interval(`\}`)
			if !ok {
				return errors.New("invalid content of \\{\\}")
			}
			if t.atomStart < 0 {
				return errors.New("invalid preceding regular expression")
			}
			t.repeat(n, "")
			return nil
		}
	}
	switch r {
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return fmt.Errorf("back-references (\\%c) are not supported", r)
	case '<', '>':
		t.anchor(`\b`)
	case 'b', 'B':
		t.anchor(`\` + string(r))
	case '`':
		t.anchor(`\A`)
	case '\'':
		t.anchor(`\z`)
	case 'w', 'W', 's', 'S':
		t.atom(`\` + string(r))
	default:
		t.atom(regexp.QuoteMeta(string(r)))
	}
	return nil
}

// reClass reports whether [:name:] is a class RE2 knows, which are
// POSIX's. A switch, not a map: a map would be built at every start of
// the guest binary.
func reClass(name string) bool {
	switch name {
	case "alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit":
		return true
	}
	return false
}

// bracket translates a bracket expression, whose rules are the same in
// BRE and ERE: "]" first is a literal, backslash is a literal.
func (t *reTranslator) bracket() error {
	var b []byte
	b = append(b, '[')
	if t.i < len(t.pat) && t.pat[t.i] == '^' {
		b = append(b, '^')
		t.i++
	}
	first := true
	for {
		if t.i >= len(t.pat) {
			return errors.New("unmatched [, [^, [:, [., or [=")
		}
		c := t.pat[t.i]
		switch {
		case c == ']' && !first:
			t.i++
			t.atom(string(append(b, ']')))
			return nil
		case c == '[' && t.i+1 < len(t.pat) && strings.IndexByte(":=.", t.pat[t.i+1]) >= 0:
			kind := t.pat[t.i+1]
			end := strings.Index(t.pat[t.i+2:], string(kind)+"]")
			if end < 0 {
				return errors.New("unmatched [, [^, [:, [., or [=")
			}
			name := t.pat[t.i+2 : t.i+2+end]
			t.i += 2 + end + 2
			if kind == ':' {
				if !reClass(name) {
					return fmt.Errorf("invalid character class %s", Quote(name))
				}
				b = append(b, "[:"+name+":]"...)
			} else {
				// Without locales, an equivalence class or collating
				// element is just its one character.
				if utf8.RuneCountInString(name) != 1 {
					return fmt.Errorf("invalid collation character %s", Quote(name))
				}
				b = append(b, classChar(name)...)
			}
		default:
			r, size := utf8.DecodeRuneInString(t.pat[t.i:])
			if r == utf8.RuneError && size == 1 {
				return errors.New("invalid UTF-8 in pattern")
			}
			t.i += size
			if r == '-' {
				b = append(b, '-')
			} else {
				b = append(b, classChar(string(r))...)
			}
		}
		first = false
	}
}

// classChar escapes a character for inside an RE2 class.
func classChar(s string) string {
	if len(s) == 1 && strings.IndexByte(`\[]^-`, s[0]) >= 0 {
		return `\` + s
	}
	return s
}

// CompileRegexp compiles an RE2 expression made by TranslateRegexp (or
// of several joined), with errors in the user's terms: RE2's message
// quotes the translated expression, which is not what the user typed,
// so only the reason is kept.
func CompileRegexp(expr string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, errors.New(string(se.Code))
		}
		return nil, err
	}
	return re, nil
}
