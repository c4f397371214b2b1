package findutils

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "grep", Usage: "[-EFGHhiLlnoqrRsvwxc] [-m N] [-A N] [-B N] [-C N] [-e PATTERN]... [-f FILE] [PATTERN] [FILE]...", Summary: "print lines that match patterns", Run: grep})

type grepper struct {
	e                          *cmds.Env
	w                          *bufio.Writer
	re                         *regexp.Regexp
	word                       *regexp.Regexp // for -w: the match with its surroundings
	invert, count, list, nlist bool
	quiet, number, only, names bool
	silent, text, color        bool
	maxCount                   int
	before, after              int
	include, exclude, exclDir  []string
	matched, failed            bool
	listed                     bool     // -L printed a name
	folded                     [][]byte // for -i on plain strings; see foldedLiterals
	buf                        []byte
}

func grep(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ere := f.Bool('E', "extended-regexp", "patterns are extended regular expressions")
	fixed := f.Bool('F', "fixed-strings", "patterns are plain strings")
	f.Bool('G', "basic-regexp", "patterns are basic regular expressions (default)")
	patterns := f.Strings('e', "regexp", "use PATTERN; may be repeated")
	patFile := f.Strings('f', "file", "read patterns from FILE, one a line")
	icase := f.Bool('i', "ignore-case", "ignore case")
	icaseY := f.Bool('y', "", "same as -i")
	invert := f.Bool('v', "invert-match", "select non-matching lines")
	word := f.Bool('w', "word-regexp", "match whole words only")
	line := f.Bool('x', "line-regexp", "match whole lines only")
	count := f.Bool('c', "count", "print only a count of selected lines")
	list := f.Bool('l', "files-with-matches", "print only names of files with selected lines")
	nlist := f.Bool('L', "files-without-match", "print only names of files without")
	quiet := f.Bool('q', "quiet", "print nothing; exit 0 on the first match")
	silent := f.Bool('s', "no-messages", "suppress messages about unreadable files")
	number := f.Bool('n', "line-number", "prefix lines with their number")
	only := f.Bool('o', "only-matching", "print only the matching parts")
	withName := f.Bool('H', "with-filename", "prefix lines with the file name")
	noName := f.Bool('h', "no-filename", "never prefix the file name")
	r := f.Bool('r', "recursive", "search directories")
	R := f.Bool('R', "dereference-recursive", "search directories, following symlinks")
	text := f.Bool('a', "text", "treat binary files as text")
	maxCount := f.Int('m', "max-count", -1, "stop after N selected lines")
	after := f.Int('A', "after-context", 0, "print N lines after each match")
	before := f.Int('B', "before-context", 0, "print N lines before each match")
	ctx := f.Int('C', "context", -1, "print N lines around each match")
	color := f.String(0, "color", "auto", "colour matches: never, always or auto")
	colour := f.String(0, "colour", "", "same as --color")
	include := f.Strings(0, "include", "search only files whose name matches GLOB")
	exclude := f.Strings(0, "exclude", "skip files whose name matches GLOB")
	exclDir := f.Strings(0, "exclude-dir", "skip directories whose name matches GLOB")
	ops, err := f.Parse(cmds.BareColor(args))
	if err != nil {
		return err
	}
	if *colour != "" {
		*color = *colour
	}
	pats := *patterns
	for _, pf := range *patFile {
		data, err := readPatternFile(e, pf)
		if err != nil {
			fmt.Fprintf(e.Stderr, "grep: %s\n", cmds.Message(err))
			return cmds.ExitStatus(2)
		}
		pats = append(pats, data...)
	}
	if len(*patterns) == 0 && len(*patFile) == 0 {
		if len(ops) == 0 {
			return cmds.Usagef("no pattern given")
		}
		pats, ops = []string{ops[0]}, ops[1:]
	}
	// A pattern with newlines is one pattern per line, as in POSIX.
	var split []string
	for _, p := range pats {
		split = append(split, strings.Split(p, "\n")...)
	}
	re, err := compileGrep(split, *ere, *fixed, *icase || *icaseY, *line)
	if err != nil {
		fmt.Fprintf(e.Stderr, "grep: %v\n", err)
		return cmds.ExitStatus(2)
	}
	g := &grepper{
		e: e, re: re, invert: *invert, count: *count, list: *list, nlist: *nlist,
		quiet: *quiet, number: *number, only: *only, silent: *silent, text: *text,
		maxCount: *maxCount, before: *before, after: *after,
		include: *include, exclude: *exclude, exclDir: *exclDir,
	}
	if *word {
		// Word characters around a match disqualify it; RE2 has no
		// look-around, so the match is searched with its neighbours.
		if g.word, err = regexp.Compile(`(?:^|\W)(` + re.String() + `)(?:\W|$)`); err != nil {
			fmt.Fprintf(e.Stderr, "grep: %v\n", err)
			return cmds.ExitStatus(2)
		}
	}
	if (*icase || *icaseY) && !*line {
		g.folded = foldedLiterals(split, *fixed, *ere)
	}
	if *ctx >= 0 {
		g.before, g.after = *ctx, *ctx
	}
	switch *color {
	case "always", "yes", "force":
		g.color = true
	case "auto", "tty", "if-tty":
		g.color = e.Terminal()
	case "never", "no", "none":
	default:
		return cmds.Usagef("invalid --color argument %q", *color)
	}
	recursive := *r || *R
	implicitDot := recursive && len(ops) == 0
	if len(ops) == 0 {
		ops = []string{"-"}
		if recursive {
			ops = []string{"."}
		}
	}
	// One file named alone is shown bare, even under -r; a directory means
	// many files, which need their names.
	many := len(ops) > 1
	if recursive && !many {
		fi, err := os.Stat(e.Path(ops[0]))
		many = err == nil && fi.IsDir()
	}
	g.names = many && !*noName || *withName
	g.w = e.BufOut()
	defer g.w.Flush()
	for _, op := range ops {
		if op != "-" && recursive {
			shown := op
			if implicitDot {
				shown = ""
			}
			if err := g.walk(e.Path(op), shown, *R, true, map[[2]uint64]bool{}); err != nil {
				return err
			}
		} else if err := g.file(e.Path(op), op); err != nil {
			return err
		}
		if g.quiet && g.matched {
			return nil
		}
	}
	if err := g.w.Flush(); err != nil {
		return err
	}
	// -L succeeds when it lists a file, as in BusyBox (and GNU grep
	// since 3.5): its output is what the caller asked for.
	if g.nlist {
		g.matched = g.listed
	}
	switch {
	case g.failed && !(g.quiet && g.matched):
		return cmds.ExitStatus(2)
	case g.matched:
		return nil
	}
	return cmds.ExitStatus(1)
}

func readPatternFile(e *cmds.Env, name string) ([]string, error) {
	r, err := e.Open(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, e.ReadErr(err, name)
	}
	s := strings.TrimSuffix(string(data), "\n")
	if s == "" && len(data) == 0 {
		return nil, nil // an empty file has no patterns: it matches nothing
	}
	return strings.Split(s, "\n"), nil
}

func (g *grepper) warn(err error) {
	g.failed = true
	if !g.silent {
		fmt.Fprintf(g.e.Stderr, "grep: %s\n", cmds.Message(err))
	}
}

// walk searches a directory tree: files in name order, devices and fifos
// skipped (reading them could block for ever), symlinks followed only
// when named on the command line, or always with -R.
func (g *grepper) walk(path, shown string, follow, top bool, seen map[[2]uint64]bool) error {
	if err := g.e.Context().Err(); err != nil {
		return err
	}
	name := shown
	if name == "" {
		name = "."
	}
	fi, err := os.Lstat(path)
	if err != nil {
		g.warn(cmds.ShownErr(err, path, name))
		return nil
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if !top && !follow {
			return nil
		}
		if fi, err = os.Stat(path); err != nil {
			g.warn(cmds.ShownErr(err, path, name))
			return nil
		}
	}
	if !fi.IsDir() {
		if !top && (!fi.Mode().IsRegular() || !g.wanted(filepath.Base(path))) {
			return nil
		}
		return g.file(path, name)
	}
	if !top && g.matchAny(g.exclDir, filepath.Base(path)) {
		return nil
	}
	st := cmds.RawStat(fi)
	id := [2]uint64{st.Dev, st.Ino}
	if seen[id] {
		return nil // a symlink loop under -R
	}
	seen[id] = true
	defer delete(seen, id)
	ents, err := os.ReadDir(path)
	if err != nil {
		g.warn(cmds.ShownErr(err, path, name))
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	for _, de := range ents {
		sub := de.Name()
		if shown != "" {
			sub = strings.TrimSuffix(shown, "/") + "/" + sub
		}
		if err := g.walk(filepath.Join(path, de.Name()), sub, follow, false, seen); err != nil {
			return err
		}
		if g.quiet && g.matched {
			return nil
		}
	}
	return nil
}

func (g *grepper) wanted(base string) bool {
	if len(g.include) > 0 && !g.matchAny(g.include, base) {
		return false
	}
	return !g.matchAny(g.exclude, base)
}

func (g *grepper) matchAny(globs []string, name string) bool {
	for _, gl := range globs {
		if ok, _ := filepath.Match(gl, name); ok {
			return true
		}
	}
	return false
}

// file searches one input: path is what to open ("-" for standard
// input), name how to show it.
func (g *grepper) file(path, name string) error {
	var r io.ReadCloser
	var err error
	if name == "-" {
		r, _ = g.e.Open("-")
		name = "(standard input)"
	} else {
		r, err = os.Open(path)
	}
	if err != nil {
		g.warn(cmds.ShownErr(err, path, name))
		return nil
	}
	defer r.Close()
	if err := g.search(r, name); err != nil {
		if cerr := g.e.Context().Err(); cerr != nil {
			return cerr
		}
		g.warn(cmds.ShownErr(err, path, name))
	}
	return nil
}

// search reads lines and prints what -c, -l, -o, -n and the context
// options ask for.
func (g *grepper) search(r io.Reader, name string) error {
	br := bufio.NewReaderSize(r, 64<<10)
	peek, _ := br.Peek(32 << 10)
	binary := !g.text && bytes.IndexByte(peek, 0) >= 0
	printing := !g.quiet && !g.count && !g.list && !g.nlist
	var (
		n, selected int
		lastOut     int // number of the last line printed, for "--"
		afterLeft   int
		ring        []grepLine // lines kept for -B
		long        []byte
	)
	for g.maxCount < 0 || selected < g.maxCount || afterLeft > 0 {
		text, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], text...)
			for err == bufio.ErrBufferFull {
				text, err = br.ReadSlice('\n')
				long = append(long, text...)
			}
			text = long
		}
		if len(text) == 0 {
			if err == io.EOF {
				break
			}
			return err
		}
		n++
		if n%1024 == 0 {
			if err := g.e.Context().Err(); err != nil {
				return err
			}
		}
		line := bytes.TrimSuffix(text, []byte{'\n'})
		if g.matches(line) != g.invert && (g.maxCount < 0 || selected < g.maxCount) {
			selected++
			g.matched = true
			switch {
			case g.quiet:
				return nil
			case g.list || g.nlist:
				return g.summary(name, selected)
			case !printing:
				continue
			case binary:
				g.w.Flush()
				fmt.Fprintf(g.e.Stderr, "grep: %s: binary file matches\n", name)
				return nil
			}
			if (g.before > 0 || g.after > 0) && lastOut > 0 && n-len(ring) > lastOut+1 {
				g.w.WriteString(g.paint("36", "--") + "\n")
			}
			for _, l := range ring {
				g.printLine(name, l.n, l.text, '-')
			}
			ring = ring[:0]
			g.printLine(name, n, line, ':')
			lastOut, afterLeft = n, g.after
			continue
		}
		if !printing || binary {
			continue
		}
		if afterLeft > 0 {
			afterLeft--
			g.printLine(name, n, line, '-')
			lastOut = n
			continue
		}
		if g.before > 0 {
			if len(ring) == g.before {
				ring = append(ring[:0], ring[1:]...)
			}
			ring = append(ring, grepLine{n, append([]byte(nil), line...)})
		}
	}
	return g.summary(name, selected)
}

// summary prints what -c, -l and -L print once a file is done.
func (g *grepper) summary(name string, selected int) error {
	switch {
	case g.quiet:
	case g.count:
		if g.names {
			g.w.WriteString(g.paint("35", name) + g.paint("36", ":"))
		}
		g.w.WriteString(strconv.Itoa(selected) + "\n")
	case g.list && selected > 0, g.nlist && selected == 0:
		g.listed = true
		g.w.WriteString(g.paint("35", name) + "\n")
	}
	return nil
}

type grepLine struct {
	n    int
	text []byte
}

// matches reports whether line has a match, for -w one with non-word
// characters (or the line's ends) on both sides.
func (g *grepper) matches(line []byte) bool {
	switch {
	case g.word != nil:
		return g.word.Match(line)
	case g.folded != nil:
		if lower, ok := asciiLower(g.buf[:0], line); ok {
			g.buf = lower
			for _, lit := range g.folded {
				if bytes.Contains(lower, lit) {
					return true
				}
			}
			return false
		}
	}
	return g.re.Match(line)
}

// foldedLiterals returns the patterns in lower case when grep -i is
// looking for plain ASCII strings: RE2 has no fast path for (?i), and
// "grep -i error log" is too common to run ten times slower than needed.
func foldedLiterals(patterns []string, fixed, ere bool) [][]byte {
	var lits [][]byte
	for _, p := range patterns {
		if !fixed {
			s, err := cmds.TranslateRegexp(p, ere)
			if err != nil {
				return nil
			}
			re, err := syntax.Parse(s, syntax.Perl)
			switch {
			case err != nil:
				return nil
			case re.Op == syntax.OpEmptyMatch:
				p = ""
			case re.Op == syntax.OpLiteral:
				p = string(re.Rune)
			default:
				return nil
			}
		}
		lower, ok := asciiLower(nil, []byte(p))
		if !ok {
			return nil // non-ASCII folds (K and the Kelvin sign) are RE2's job
		}
		lits = append(lits, lower)
	}
	return lits
}

// asciiLower appends s in lower case to dst, or reports false if s is
// not all ASCII.
func asciiLower(dst, s []byte) ([]byte, bool) {
	for _, c := range s {
		if c >= 0x80 {
			return dst, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, true
}

// spans are the matches in line that -o prints and colour marks.
func (g *grepper) spans(line []byte) [][]int {
	if g.word == nil {
		return g.re.FindAllIndex(line, -1)
	}
	var out [][]int
	for off := 0; off <= len(line); {
		m := g.word.FindSubmatchIndex(line[off:])
		if m == nil || m[2] < 0 {
			break
		}
		out = append(out, []int{off + m[2], off + m[3]})
		// Go on from the end of the word, not of its right neighbour,
		// which may be the left neighbour of the next.
		off += max(m[3], m[2]+1)
	}
	return out
}

func (g *grepper) printLine(name string, n int, line []byte, sep byte) {
	prefix := ""
	if g.names {
		prefix += g.paint("35", name) + g.paint("36", string(sep))
	}
	if g.number {
		prefix += g.paint("32", strconv.Itoa(n)) + g.paint("36", string(sep))
	}
	if g.only {
		if sep != ':' || g.invert {
			return
		}
		for _, s := range g.spans(line) {
			if s[1] > s[0] {
				g.w.WriteString(prefix + g.paint("01;31", string(line[s[0]:s[1]])) + "\n")
			}
		}
		return
	}
	g.w.WriteString(prefix)
	if g.color && sep == ':' && !g.invert {
		last := 0
		for _, s := range g.spans(line) {
			if s[1] == s[0] {
				continue
			}
			g.w.Write(line[last:s[0]])
			g.w.WriteString(g.paint("01;31", string(line[s[0]:s[1]])))
			last = s[1]
		}
		line = line[last:]
	}
	g.w.Write(line)
	g.w.WriteByte('\n')
}

func (g *grepper) paint(code, s string) string {
	if !g.color {
		return s
	}
	return "\x1b[" + code + "m\x1b[K" + s + "\x1b[m\x1b[K"
}

// compileGrep builds one matcher from grep's patterns: -F quotes them,
// -E/-G translates them, -x and -i wrap the whole.
func compileGrep(patterns []string, ere, fixed, icase, line bool) (*regexp.Regexp, error) {
	if len(patterns) == 0 {
		// No pattern at all (grep -f EMPTY) matches no line.
		return regexp.Compile(`[^\x00-\x{10FFFF}]`)
	}
	alts := make([]string, len(patterns))
	for i, p := range patterns {
		if fixed {
			alts[i] = regexp.QuoteMeta(p)
			continue
		}
		s, err := cmds.TranslateRegexp(p, ere)
		if err != nil {
			return nil, err
		}
		alts[i] = s
	}
	expr := "(?:" + strings.Join(alts, ")|(?:") + ")"
	if line {
		expr = "^(?:" + expr + ")$"
	}
	if icase {
		expr = "(?i)" + expr
	}
	return cmds.CompileRegexp(expr)
}
