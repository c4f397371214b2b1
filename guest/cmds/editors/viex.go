package editors

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/term"
)

// The command line: what follows :, / or ?.

func (v *vi) cmdlineKey(k term.Key) {
	n := len(v.cmdline)
	switch {
	case k == '\r' || k == '\n':
		v.mode = normal
		line := string(v.cmdline)
		switch {
		case v.prompt == ':':
			v.ex(line)
		case v.opPending != 0:
			v.searchOp(line)
		default:
			v.searchCmd(line, v.prompt == '?')
		}
	case k == term.Esc || k == term.Ctrl('C'):
		v.mode, v.opPending = normal, 0
	case k == 0x7f || k == term.Ctrl('H'):
		if n == 0 {
			v.mode, v.opPending = normal, 0
		} else {
			v.cmdline = v.cmdline[:n-1]
		}
	case k == term.Ctrl('U'):
		v.cmdline = v.cmdline[:0]
	case k == term.Ctrl('W'):
		i := n
		for i > 0 && isBlank(v.cmdline[i-1]) {
			i--
		}
		for i > 0 && !isBlank(v.cmdline[i-1]) {
			i--
		}
		v.cmdline = v.cmdline[:i]
	case k.Printable() || k == '\t':
		v.cmdline = append(v.cmdline, rune(k))
	}
	if v.mode == normal {
		v.clampX()
	}
}

// searchCmd runs /pattern or ?pattern; an empty one searches again.
func (v *vi) searchCmd(pat string, back bool) {
	if strings.HasSuffix(pat, string(v.prompt)) && !strings.HasSuffix(pat, `\`+string(v.prompt)) {
		pat = pat[:len(pat)-1] // /pat/ is /pat
	}
	if pat != "" && !v.setPattern(pat) {
		return
	}
	v.backward = back
	p, ok := v.searchNext(back, 1)
	if ok {
		v.moveTo(move{y: p.y, x: p.x})
	}
}

// searchOp ends an operator to a search (d/pat), as an exclusive
// motion.
func (v *vi) searchOp(pat string) {
	op := v.opPending
	v.opPending = 0
	if pat != "" && !v.setPattern(pat) {
		return
	}
	v.backward = v.prompt == '?'
	if p, ok := v.searchNext(v.backward, 1); ok {
		v.applyOp(op, move{y: p.y, x: p.x})
	}
	if v.mode == normal {
		v.endChange()
		v.remember()
	}
}

// setPattern compiles pat, a basic regular expression as grep's, as the
// pattern n and N look for.
func (v *vi) setPattern(pat string) bool {
	expr, err := cmds.TranslateRegexp(pat, false)
	var re *regexp.Regexp
	if err == nil {
		if v.icase {
			expr = "(?i)" + expr
		}
		re, err = cmds.CompileRegexp(expr)
	}
	if err != nil {
		v.msg = pat + ": " + err.Error()
		return false
	}
	v.pattern, v.re = pat, re
	return true
}

// searchNext finds the cnt-th match of the pattern after the cursor, or
// before it, going round the end of the text.
func (v *vi) searchNext(back bool, cnt int) (pos, bool) {
	p := pos{v.cy, v.cx}
	if v.re == nil {
		v.msg = "No previous regular expression"
		return p, false
	}
	var first pos
	for i := 0; i < cnt; i++ {
		q, ok := v.searchFrom(p, back)
		if !ok {
			v.msg = "Pattern not found: " + v.pattern
			return p, false
		}
		if i == 0 {
			first = q
		} else if q == first {
			// Round the text in i matches: 99999n need not go round
			// it again and again.
			i += (cnt - 1 - i) / i * i
		}
		p = q
	}
	return p, true
}

func (v *vi) searchFrom(p pos, back bool) (pos, bool) {
	n := len(v.lines)
	for i := 0; i <= n; i++ {
		y, wrapped := p.y+i, p.y+i >= n
		if back {
			y, wrapped = p.y-i, p.y-i < 0
		}
		y = (y%n + n) % n
		found := -1
		for _, x := range v.matches(v.lines[y]) {
			ahead := x > p.x // of the cursor, in the search's direction
			if back {
				ahead = x < p.x
			}
			if i == 0 && !ahead || i == n && ahead {
				continue
			}
			found = x
			if !back {
				break
			}
		}
		if found >= 0 {
			if wrapped && back {
				v.msg = "search hit TOP, continuing at BOTTOM"
			} else if wrapped {
				v.msg = "search hit BOTTOM, continuing at TOP"
			}
			return pos{y, found}, true
		}
	}
	return p, false
}

// matches are the rune offsets where the pattern matches line.
func (v *vi) matches(line []rune) []int {
	s := searchText(line)
	var xs []int
	for _, m := range v.re.FindAllStringIndex(s, -1) {
		xs = append(xs, utf8.RuneCountInString(s[:m[0]]))
	}
	return xs
}

// searchText is line as a string for the regexp package, a byte of no
// character standing as U+FFFD so that rune offsets stay right.
func searchText(line []rune) string {
	var b strings.Builder
	for _, r := range line {
		if r >= rawByte {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Ex commands: [range]name[!] [argument].

// ex runs one command of the : line.
func (v *vi) ex(line string) {
	s := strings.TrimLeft(line, ": \t")
	from, to, naddr, s, ok := v.exRange(s)
	if !ok {
		v.msg = "Invalid range"
		return
	}
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	name, rest := s[:i], s[i:]
	if name == "" && rest != "" && rest[0] != '!' {
		name, rest = rest[:1], rest[1:] // :& and the like
	}
	bang := strings.HasPrefix(rest, "!")
	if bang {
		rest = rest[1:]
	}
	arg := strings.TrimSpace(rest)
	switch {
	case naddr == 0:
		from, to = v.cy, v.cy
	case name == "":
		to = min(to, len(v.lines)-1) // :99 goes to the last line
	case to >= len(v.lines):
		v.msg = "Invalid range"
		return
	}
	switch name {
	case "":
		if naddr > 0 {
			v.moveTo(move{y: to, x: firstNonBlank(v.lines[to], 0)})
		}
	case "w", "write", "wq", "x", "xit", "exit":
		file := v.name
		if arg != "" {
			file = arg
			if v.name == "" {
				v.name = arg
			}
		}
		if (name == "x" || name == "xit" || name == "exit") && !v.modified() && file == v.name {
			v.quit = true
			return
		}
		if v.write(file, bang) && name != "w" && name != "write" {
			v.quit = true
		}
	case "q", "quit":
		switch {
		case bang:
			v.quit = true
		case v.modified():
			v.msg = "No write since last change (:quit! overrides)"
		case v.file+1 < len(v.files) && !v.warned:
			v.msg = strconv.Itoa(len(v.files)-v.file-1) + " more file(s) to edit"
			v.warned = true
		default:
			v.quit = true
		}
	case "e", "edit", "n", "next":
		file := v.name
		if name[0] == 'n' {
			if v.file+1 >= len(v.files) {
				v.msg = "No more files to edit"
				return
			}
			file = v.files[v.file+1]
		} else if arg != "" {
			file = arg
		}
		if v.modified() && !bang {
			v.msg = "No write since last change (:" + name + "! overrides)"
			return
		}
		if name[0] == 'n' {
			v.file++
		}
		v.load(file)
	case "r", "read":
		v.read(arg, to)
	case "d", "delete":
		v.lineOp('d', from, to)
	case "y", "yank":
		v.lineOp('y', from, to)
	case "j", "join":
		v.cy = from
		v.join(max(to-from+1, 2))
	case "s", "substitute", "&":
		if naddr == 0 {
			from, to = v.cy, v.cy
		}
		v.substitute(from, to, rest, name == "&")
	case "set", "se":
		v.set(arg)
	case "noh", "nohlsearch":
	default:
		v.msg = "Not an editor command: " + name
	}
}

// exRange reads the addresses at the start of s: none, one, or two
// separated by "," or ";"; % is every line. Lines count from 0 here.
func (v *vi) exRange(s string) (from, to, n int, rest string, ok bool) {
	if strings.HasPrefix(s, "%") {
		return 0, len(v.lines) - 1, 2, s[1:], true
	}
	for {
		y, r, found, ok := v.exAddr(s)
		if !ok {
			return 0, 0, 0, s, false
		}
		if !found {
			if n == 1 {
				from = to
			}
			break
		}
		from, to, n, s = to, y, n+1, r
		if n == 1 {
			from = y
		}
		if r == "" || (r[0] != ',' && r[0] != ';') {
			break
		}
		if r[0] == ';' {
			if y >= len(v.lines) {
				return 0, 0, 0, s, false
			}
			v.cy = y // the next address counts from here
		}
		s = r[1:]
	}
	if from > to {
		from, to = to, from
	}
	return from, to, n, s, from >= 0
}

// exAddr reads one address: ., $, a number, each with + or - offsets.
func (v *vi) exAddr(s string) (y int, rest string, found, ok bool) {
	s = strings.TrimLeft(s, " ")
	y = v.cy
	switch {
	case strings.HasPrefix(s, "."):
		s, found = s[1:], true
	case strings.HasPrefix(s, "$"):
		y, s, found = len(v.lines)-1, s[1:], true
	case len(s) > 0 && s[0] >= '0' && s[0] <= '9':
		var n int
		n, s = leadingNumber(s)
		y, found = n-1, true
	}
	for len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		sign := 1
		if s[0] == '-' {
			sign = -1
		}
		n, r := leadingNumber(s[1:])
		if r == s[1:] {
			n = 1
		}
		y, s, found = y+sign*n, r, true
	}
	if found && y == -1 {
		y = 0 // :0 is before the first line; as a place to go, it is the first
	}
	return y, s, found, y >= 0 || !found
}

func leadingNumber(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		n = maxCount
	}
	return min(n, maxCount), s[i:]
}

// read is :r FILE: its lines go after line y.
func (v *vi) read(name string, y int) {
	if name == "" {
		name = v.name
	}
	b, err := os.ReadFile(v.env.Path(name))
	if err != nil {
		v.msg = cmds.Message(v.env.OpErr(err, name))
		return
	}
	lines, _ := splitLines(b)
	if len(b) == 0 {
		lines = nil
	}
	v.replace(y+1, y+1, lines...)
	v.cy, v.cx = min(y+1, len(v.lines)-1), 0
	v.msg = strconv.Quote(name) + " " + sizeNote(lines, len(b))
}

// set is :set: number (nu), ignorecase (ic), their no forms.
func (v *vi) set(arg string) {
	if arg == "" {
		v.msg = boolOpt(v.number, "number") + " " + boolOpt(v.icase, "ignorecase")
		return
	}
	for _, o := range strings.Fields(arg) {
		on := !strings.HasPrefix(o, "no")
		switch strings.TrimPrefix(o, "no") {
		case "nu", "number":
			v.number = on
		case "ic", "ignorecase":
			v.icase = on
			if v.pattern != "" {
				v.setPattern(v.pattern)
			}
		default:
			v.msg = "Unknown option: " + o
			return
		}
	}
}

func boolOpt(on bool, name string) string {
	if on {
		return name
	}
	return "no" + name
}

// substitute is :s/pattern/replacement/[g][i]. In the replacement & is
// the match, \1 to \9 its groups, \r or \n a line break; :& and :s with
// no pattern use the last search's.
func (v *vi) substitute(from, to int, s string, again bool) {
	global := false
	var pat, repl string
	if again || s == "" {
		pat, repl = "", v.lastRepl
		global = strings.Contains(s, "g")
	} else {
		delim := s[0]
		if delim == '\\' || isAlnum(delim) || delim == ' ' {
			v.msg = "Regular expression can't be delimited by letters"
			return
		}
		parts := exSplitDelim(s[1:], delim)
		if len(parts) < 2 {
			parts = append(parts, "")
		}
		pat, repl = parts[0], parts[1]
		if len(parts) > 2 {
			global = strings.Contains(parts[2], "g")
		}
	}
	if pat != "" && !v.setPattern(pat) {
		return
	}
	if v.re == nil {
		v.msg = "No previous regular expression"
		return
	}
	v.lastRepl = repl
	subs, lastLine := 0, -1
	for y := from; y <= to; y++ {
		s := searchText(v.lines[y])
		ms := v.re.FindAllStringSubmatchIndex(s, -1)
		if len(ms) == 0 {
			continue
		}
		if !global {
			ms = ms[:1]
		}
		// Text outside the matches comes from the line itself, whose
		// bytes of no character s lost.
		old := v.lines[y]
		var b []rune
		doneB, doneR := 0, 0
		for _, m := range ms {
			lo := doneR + utf8.RuneCountInString(s[doneB:m[0]])
			hi := lo + utf8.RuneCountInString(s[m[0]:m[1]])
			b = append(b, old[doneR:lo]...)
			b = append(b, exExpandRepl(repl, s, m)...)
			doneB, doneR = m[1], hi
		}
		b = append(b, old[doneR:]...)
		newLines := splitRunes(b)
		v.replace(y, y+1, newLines...)
		subs += len(ms)
		lastLine = y + len(newLines) - 1
		y += len(newLines) - 1
		to += len(newLines) - 1
	}
	if subs == 0 {
		v.msg = "Pattern not found: " + v.pattern
		return
	}
	v.changed = true
	v.cy = lastLine
	v.cx = firstNonBlank(v.lines[v.cy], 0)
	v.want = v.col()
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// exSplitDelim splits s at the delimiters not escaped with \; \delim
// becomes delim.
func exSplitDelim(s string, delim byte) []string {
	var parts []string
	var cur []byte
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == delim:
			cur = append(cur, delim)
			i++
		case s[i] == '\\' && i+1 < len(s):
			cur = append(cur, s[i], s[i+1])
			i++
		case s[i] == delim:
			parts = append(parts, string(cur))
			cur = nil
		default:
			cur = append(cur, s[i])
		}
	}
	return append(parts, string(cur))
}

// exExpandRepl is the replacement for the match m of s.
func exExpandRepl(repl, s string, m []int) []rune {
	var b []rune
	group := func(i int) {
		if 2*i+1 < len(m) && m[2*i] >= 0 {
			b = append(b, []rune(s[m[2*i]:m[2*i+1]])...)
		}
	}
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '&':
			group(0)
		case c == '\\' && i+1 < len(repl):
			i++
			switch c := repl[i]; {
			case c >= '0' && c <= '9':
				group(int(c - '0'))
			case c == 'r' || c == 'n':
				b = append(b, '\n')
			case c == 't':
				b = append(b, '\t')
			default:
				b = append(b, rune(c))
			}
		default:
			r, size := utf8.DecodeRuneInString(repl[i:])
			b = append(b, r)
			i += size - 1
		}
	}
	return b
}

// splitRunes splits b at its newlines.
func splitRunes(b []rune) [][]rune {
	var lines [][]rune
	start := 0
	for i, r := range b {
		if r == '\n' {
			lines = append(lines, b[start:i:i])
			start = i + 1
		}
	}
	return append(lines, b[start:])
}
