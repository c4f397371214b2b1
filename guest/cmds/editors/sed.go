package editors

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "sed", Usage: "[-i[SUFFIX]] [-nrE] [-e SCRIPT]... [-f FILE]... [SCRIPT] [FILE]...", Summary: "stream editor: edit lines as they pass", Run: sed})

// sed is BusyBox's sed.c in Go: the same parsing (commands may follow
// one another without ";", a label ends at a blank or ";", "#n" in any
// comment means -n), the same addresses and the same output rules (a
// last line without a newline stays without one). Regular expressions
// are RE2 through cmds.TranslateRegexp, so back-references in a pattern
// are refused (in a replacement \1-\9 work). Beyond BusyBox 1.35, as
// GNU sed has them: first~step addresses, Q, and l (BusyBox parses l but
// prints nothing).

// sedCmd is one command with its addresses.
type sedCmd struct {
	cmd byte
	// Addresses as BusyBox keeps them: a line number (0: none, -1: $;
	// for the end, <= -2 is +N as -2-N) or a regular expression.
	begLine, endLine         int
	begLineOrig, endLineOrig int
	begStep                  int // first~step: begLine is first (may be 0)
	stepAddr                 bool
	begRe, endRe             *regexp.Regexp
	invert, inMatch          bool

	// s
	subRe      *regexp.Regexp // nil: the last regular expression used
	repl       string
	whichMatch int // 0: all (g)
	subP       bool
	wfile      *sedOutput // s///w and w

	text  string // a i c text, r file name, b t T : label
	ytab  [][2]byte
	block int // for {: the index of its }
}

// sedOutput is where output goes, with what BusyBox remembers to
// decide whether a line needs a newline before it.
type sedOutput struct {
	w       *bufio.Writer
	f       *os.File // nil for standard output
	lastPut byte
}

const (
	sedNoEOL  = 1 // the last line had no newline
	sedLastNL = 2 // the last line ended in NUL
)

func (o *sedOutput) puts(s string, gets byte) {
	if o.lastPut != '\n' && o.lastPut != 0 {
		o.w.WriteByte('\n')
		o.lastPut = '\n'
	}
	o.w.WriteString(s)
	if s != "" {
		o.lastPut = 'x'
	}
	switch gets {
	case sedLastNL:
		o.w.WriteByte(0)
		o.lastPut = 'x'
	case sedNoEOL:
	default:
		o.w.WriteByte(gets)
		o.lastPut = gets
	}
}

type sedProg struct {
	e        *cmds.Env
	cmds     []*sedCmd
	ere      bool
	quiet    int
	pending  string // a command line that ended in a backslash
	hasPend  bool
	prevRe   *regexp.Regexp // the last regular expression compiled (parse) or used (run)
	hold     string
	holdSet  bool
	appends  []string
	out      *sedOutput
	stdout   *sedOutput
	wfiles   map[string]*sedOutput
	exitCode int
}

type sedError string

func (e sedError) Error() string { return string(e) }

func sed(e *cmds.Env, args []string) error {
	p := &sedProg{e: e, wfiles: map[string]*sedOutput{}}
	var scripts, files []string
	inPlace, suffix := false, ""
	haveScript := false
	// The options by hand: -i takes its suffix only attached, and -n
	// counts; BusyBox (getopt) also takes options after operands.
	var ops []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			ops = append(ops, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			ops = append(ops, a)
			continue
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			switch name {
			case "in-place":
				inPlace, suffix = true, val
			case "regexp-extended":
				p.ere = true
			case "quiet", "silent":
				p.quiet++
			case "expression", "file":
				if !hasVal {
					if i+1 == len(args) {
						return cmds.Usagef("option --%s needs a value", name)
					}
					i++
					val = args[i]
				}
				if name == "file" {
					val = "\x00" + val
				}
				scripts = append(scripts, val)
				haveScript = true
			case "version":
				fmt.Fprintln(e.Stdout, "This is not GNU sed version 4.0")
				return nil
			default:
				return cmds.Usagef("unknown option --%s", name)
			}
			continue
		}
	letters:
		for j := 1; j < len(a); j++ {
			switch c := a[j]; c {
			case 'i':
				inPlace, suffix = true, a[j+1:]
				break letters
			case 'r', 'E':
				p.ere = true
			case 'n':
				p.quiet++
			case 'e', 'f':
				val := a[j+1:]
				if val == "" {
					if i+1 == len(args) {
						return cmds.Usagef("option -%c needs a value", c)
					}
					i++
					val = args[i]
				}
				if c == 'f' {
					val = "\x00" + val
				}
				scripts = append(scripts, val)
				haveScript = true
				break letters
			default:
				return cmds.Usagef("unknown option -%c", c)
			}
		}
	}
	if !haveScript {
		if len(ops) == 0 {
			return cmds.Usagef("no script")
		}
		scripts, ops = []string{ops[0]}, ops[1:]
	}
	files = ops
	err := p.parseAll(scripts)
	defer p.closeFiles()
	if err != nil {
		fmt.Fprintf(e.Stderr, "sed: %s\n", cmds.Message(err))
		return cmds.ExitStatus(1)
	}
	p.stdout = &sedOutput{w: e.BufOut(), lastPut: '\n'}
	defer p.stdout.w.Flush()
	if !inPlace {
		if len(files) == 0 {
			files = []string{"-"}
		}
		p.out = p.stdout
		err = p.run(files)
	} else {
		if len(files) == 0 {
			return cmds.Usagef("-i needs files")
		}
		for _, name := range files {
			if err = p.inPlace(name, suffix); err != nil {
				break
			}
		}
	}
	if ferr := p.stdout.w.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		if cerr := e.Context().Err(); cerr != nil {
			return cerr
		}
		fmt.Fprintf(e.Stderr, "sed: %s\n", cmds.Message(err))
		return cmds.ExitStatus(1)
	}
	if p.exitCode != 0 {
		return cmds.ExitStatus(p.exitCode)
	}
	return nil
}

func (p *sedProg) closeFiles() {
	for _, o := range p.wfiles {
		o.w.Flush()
		if o.f != nil {
			o.f.Close()
		}
	}
}

// inPlace edits one file through a temporary file beside it, keeping
// its mode, and renames the original to name+suffix first if asked.
func (p *sedProg) inPlace(name, suffix string) error {
	path := p.e.Path(name)
	fi, err := os.Stat(path)
	if err != nil {
		p.e.Warn(p.e.OpErr(err, name))
		p.exitCode = 1
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".sed")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	tmp.Chmod(fi.Mode().Perm())
	st := cmds.RawStat(fi)
	tmp.Chown(int(st.Uid), int(st.Gid))
	p.out = &sedOutput{w: bufio.NewWriterSize(tmp, 32<<10), f: tmp, lastPut: '\n'}
	err = p.run([]string{name})
	if ferr := p.out.w.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	if cerr := tmp.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if suffix != "" {
		if err := os.Rename(path, path+suffix); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Ranges start afresh in the next file.
	for _, c := range p.cmds {
		c.begLine, c.endLine = c.begLineOrig, c.endLineOrig
	}
	return nil
}

// parseAll parses the -e scripts and -f files (marked by a leading
// NUL) in order, as one script.
func (p *sedProg) parseAll(scripts []string) error {
	for _, s := range scripts {
		if name, ok := strings.CutPrefix(s, "\x00"); ok {
			r, err := p.e.Open(name)
			if err != nil {
				return err
			}
			data, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				return p.e.ReadErr(err, name)
			}
			text := strings.TrimSuffix(string(data), "\n")
			for _, line := range strings.Split(text, "\n") {
				if err := p.addCmd(line); err != nil {
					return err
				}
			}
			continue
		}
		for _, line := range strings.Split(s, "\n") {
			if err := p.addCmd(line); err != nil {
				return err
			}
		}
	}
	if err := p.addCmd(""); err != nil {
		return err
	}
	// Match the braces.
	var open []int
	for i, c := range p.cmds {
		switch c.cmd {
		case '{':
			open = append(open, i)
		case '}':
			if len(open) == 0 {
				return sedError("unexpected }")
			}
			p.cmds[open[len(open)-1]].block = i
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return sedError("unterminated {")
	}
	for _, c := range p.cmds {
		if (c.cmd == 'b' || c.cmd == 't' || c.cmd == 'T') && c.text != "" && p.label(c.text) < 0 {
			return sedError("can't find label for jump to '" + c.text + "'")
		}
	}
	return nil
}

func (p *sedProg) label(name string) int {
	for i, c := range p.cmds {
		if c.cmd == ':' && c.text == name {
			return i
		}
	}
	return -1
}

func isSedSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

func skipSpace(s string) string {
	for s != "" && isSedSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// addCmd parses one line of script, joining lines that end in an odd
// number of backslashes.
func (p *sedProg) addCmd(line string) error {
	if p.hasPend {
		line = p.pending + "\n" + line
		p.hasPend = false
	}
	n := len(line) - len(strings.TrimRight(line, `\`))
	if n%2 == 1 {
		p.pending, p.hasPend = line[:len(line)-1], true
		return nil
	}
	s := line
	for {
		s = strings.TrimLeft(s, "; \n\r\t\v")
		if s == "" {
			return nil
		}
		if s[0] == '#' {
			if len(s) > 1 && s[1] == 'n' {
				p.quiet++
			}
			i := strings.IndexAny(s, "\n\r")
			if i < 0 {
				return nil
			}
			s = s[i:]
			continue
		}
		c := &sedCmd{}
		var err error
		if s, err = p.address(s, &c.begLine, &c.begRe, c); err != nil {
			return err
		}
		c.begLineOrig = c.begLine
		if strings.HasPrefix(s, ",") {
			s = s[1:]
			if len(s) > 1 && s[0] == '+' && isDigitB(s[1]) {
				j := 1
				for j < len(s) && isDigitB(s[j]) {
					j++
				}
				n, _ := strconv.Atoi(s[1:j])
				c.endLine = -2 - n
				s = s[j:]
			} else {
				before := len(s)
				if s, err = p.address(s, &c.endLine, &c.endRe, nil); err != nil {
					return err
				}
				if len(s) == before {
					return sedError("no address after comma")
				}
			}
			c.endLineOrig = c.endLine
		}
		s = skipSpace(s)
		if strings.HasPrefix(s, "!") {
			c.invert = true
			s = skipSpace(s[1:])
		}
		if s == "" {
			return sedError("missing command")
		}
		c.cmd = s[0]
		if s, err = p.args(c, s[1:]); err != nil {
			return err
		}
		p.cmds = append(p.cmds, c)
	}
}

func isDigitB(c byte) bool { return c >= '0' && c <= '9' }

// address reads a line number, $, first~step (c non-nil only for the
// first address) or /re/ (\cREc) from the start of s.
func (p *sedProg) address(s string, line *int, re **regexp.Regexp, c *sedCmd) (string, error) {
	switch {
	case s != "" && isDigitB(s[0]):
		j := 0
		for j < len(s) && isDigitB(s[j]) {
			j++
		}
		*line, _ = strconv.Atoi(s[:j])
		s = s[j:]
		if c != nil && len(s) > 1 && s[0] == '~' && isDigitB(s[1]) {
			k := 1
			for k < len(s) && isDigitB(s[k]) {
				k++
			}
			c.begStep, _ = strconv.Atoi(s[1:k])
			c.stepAddr = true
			s = s[k:]
		}
		return s, nil
	case strings.HasPrefix(s, "$"):
		*line = -1
		return s[1:], nil
	case strings.HasPrefix(s, "/") || strings.HasPrefix(s, `\`):
		delim := byte('/')
		if s[0] == '\\' {
			if len(s) < 2 {
				return s, sedError("unmatched '\\'")
			}
			delim = s[1]
			s = s[1:]
		}
		s = s[1:]
		end, err := nextDelim(s, delim, true)
		if err != nil {
			return s, err
		}
		if end == 0 {
			if p.prevRe == nil {
				return s, sedError("no previous regexp")
			}
			*re = p.prevRe
		} else {
			r, err := p.compile(parseEscapes(s[:end]), false)
			if err != nil {
				return s, err
			}
			*re, p.prevRe = r, r
		}
		return s[end+1:], nil
	}
	return s, nil
}

// nextDelim finds the delimiter that ends a regular expression (or,
// with brackets false, a replacement), skipping escaped characters and
// bracket expressions.
func nextDelim(s string, delim byte, brackets bool) (int, error) {
	bracket := -1
	escaped := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case bracket >= 0:
			if ch == ']' && !(bracket == i-1 || (bracket == i-2 && s[i-1] == '^')) {
				bracket = -1
			}
		case escaped:
			escaped = false
		case ch == '\\':
			escaped = true
		case brackets && ch == '[':
			bracket = i
		case ch == delim:
			return i, nil
		}
	}
	return 0, sedError(fmt.Sprintf("unmatched '%c'", delim))
}

// parseEscapes turns \n, \t and \r into the characters, as BusyBox's
// copy_parsing_escapes does; other escapes stay for the regexp.
func parseEscapes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte('\\')
				b.WriteByte(s[i+1])
			}
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (p *sedProg) compile(pat string, icase bool) (*regexp.Regexp, error) {
	expr, err := cmds.TranslateRegexp(pat, p.ere)
	if err != nil {
		return nil, sedError(err.Error())
	}
	// POSIX's . and [^x] match a newline in the pattern space; ^ and $
	// are its ends.
	flags := "(?s)"
	if icase {
		flags = "(?si)"
	}
	re, err := cmds.CompileRegexp(flags + expr)
	if err != nil {
		return nil, sedError(err.Error())
	}
	return re, nil
}

// fileArg reads a file name: blanks skipped, then to the end of the line.
func fileArg(s string) (name, rest string, err error) {
	s = skipSpace(s)
	end := strings.IndexByte(s, '\n')
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return "", s, sedError("empty filename")
	}
	return s[:end], s[end:], nil
}

func (p *sedProg) wfile(name string) (*sedOutput, error) {
	if o := p.wfiles[name]; o != nil {
		return o, nil
	}
	var o *sedOutput
	switch name {
	case "/dev/stdout":
		o = &sedOutput{w: bufio.NewWriter(p.e.Stdout), lastPut: '\n'}
	case "/dev/stderr":
		o = &sedOutput{w: bufio.NewWriter(p.e.Stderr), lastPut: '\n'}
	default:
		f, err := os.Create(p.e.Path(name))
		if err != nil {
			return nil, p.e.OpErr(err, name)
		}
		o = &sedOutput{w: bufio.NewWriter(f), f: f, lastPut: '\n'}
	}
	p.wfiles[name] = o
	return o, nil
}

// args parses what follows the command letter and returns the rest.
func (p *sedProg) args(c *sedCmd, s string) (string, error) {
	switch c.cmd {
	case 's':
		return p.subst(c, s)
	case 'a', 'i', 'c':
		if c.cmd != 'c' && (c.endLine != 0 || c.endRe != nil) {
			return s, sedError(fmt.Sprintf("command '%c' uses only one address", c.cmd))
		}
		for s != "" {
			if s[0] == '\n' || s[0] == '\\' {
				s = s[1:]
				break
			}
			if !isSedSpace(s[0]) {
				break
			}
			s = s[1:]
		}
		c.text = dropBackslashes(parseEscapes(s))
		return "", nil
	case 'r', 'w':
		if c.cmd == 'r' && (c.endLine != 0 || c.endRe != nil) {
			return s, sedError("command 'r' uses only one address")
		}
		name, rest, err := fileArg(s)
		if err != nil {
			return s, err
		}
		c.text = name
		if c.cmd == 'w' {
			if c.wfile, err = p.wfile(name); err != nil {
				return s, err
			}
		}
		return rest, nil
	case ':', 'b', 't', 'T':
		s = skipSpace(s)
		end := strings.IndexAny(s, "; \n\r\t\v")
		if end < 0 {
			end = len(s)
		}
		c.text = s[:end]
		if c.cmd == ':' && c.text == "" {
			return s, sedError("\":\" lacks a label")
		}
		return s[end:], nil
	case 'y':
		if s == "" {
			return s, sedError("bad format in substitution expression")
		}
		delim := s[0]
		from, to, rest, err := splitDelim(s)
		if err != nil {
			return s, err
		}
		from = unescapeDelim(parseEscapes(from), delim)
		to = unescapeDelim(parseEscapes(to), delim)
		// BusyBox pairs them up to the shorter (GNU refuses unequal
		// lengths).
		for i := 0; i < len(from) && i < len(to); i++ {
			c.ytab = append(c.ytab, [2]byte{from[i], to[i]})
		}
		return rest[1:], nil
	case 'd', 'D', 'g', 'G', 'h', 'H', 'l', 'n', 'N', 'p', 'P', 'q', 'Q', 'x', '=', '{', '}':
		return s, nil
	}
	return s, sedError(fmt.Sprintf("unsupported command %c", c.cmd))
}

// dropBackslashes turns "\x" into "x", as BusyBox does to a i c text.
func dropBackslashes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unescapeDelim(s string, delim byte) string {
	return strings.ReplaceAll(s, `\`+string(delim), string(delim))
}

// splitDelim splits "/re/repl/rest" (s starts at the delimiter) and
// returns rest starting at the closing delimiter.
func splitDelim(s string) (re, repl, rest string, err error) {
	delim := s[0]
	s = s[1:]
	i, err := nextDelim(s, delim, true)
	if err != nil {
		return
	}
	re, s = s[:i], s[i+1:]
	j, err := nextDelim(s, delim, false)
	if err != nil {
		return
	}
	return re, s[:j], s[j:], nil
}

func (p *sedProg) subst(c *sedCmd, s string) (string, error) {
	if s == "" {
		return s, sedError("bad format in substitution expression")
	}
	match, repl, rest, err := splitDelim(s)
	if err != nil {
		return s, err
	}
	c.repl = parseEscapes(repl)
	match = parseEscapes(match)
	c.whichMatch = 1
	icase := false
	i := 1 // past the closing delimiter
flags:
	for i < len(rest) {
		ch := rest[i]
		switch {
		case isDigitB(ch):
			j := i
			for j < len(rest) && isDigitB(rest[j]) {
				j++
			}
			// BusyBox: a number after g (or g after a number) wins,
			// whichever comes last; ^ patterns ignore it.
			if !strings.HasPrefix(match, "^") {
				c.whichMatch, _ = strconv.Atoi(rest[i:j])
			}
			i = j
			continue
		case isSedSpace(ch):
		case ch == 'g':
			c.whichMatch = 0
		case ch == 'p':
			c.subP = true
		case ch == 'i' || ch == 'I':
			icase = true
		case ch == 'w':
			name, r, err := fileArg(rest[i+1:])
			if err != nil {
				return s, err
			}
			if c.wfile, err = p.wfile(name); err != nil {
				return s, err
			}
			rest, i = r, 0
			continue
		case ch == '#':
			rest, i = "", 0
			break flags
		case ch == ';' || ch == '}':
			break flags
		default:
			return s, sedError("bad option in substitution expression")
		}
		i++
	}
	if match != "" {
		if c.subRe, err = p.compile(match, icase); err != nil {
			return s, err
		}
	}
	return rest[i:], nil
}

// sedInput reads lines from the files in turn, as one stream.
type sedInput struct {
	p     *sedProg
	files []string
	r     *bufio.Reader
	c     io.Closer
}

// next reads a line and how it ended: '\n', 0, sedNoEOL, or sedLastNL.
// It first writes what a or r queued, as BusyBox does.
func (in *sedInput) next() (string, byte, bool, error) {
	in.p.flushAppends()
	for {
		if in.r == nil {
			if len(in.files) == 0 {
				return "", 0, false, nil
			}
			name := in.files[0]
			in.files = in.files[1:]
			r, err := in.p.e.Open(name)
			if err != nil {
				in.p.e.Warn(err)
				in.p.exitCode = 1
				continue
			}
			in.r, in.c = bufio.NewReaderSize(r, 64<<10), r
		}
		line, err := readChunk(in.r)
		if line != "" {
			last := line[len(line)-1]
			if last != '\n' && last != 0 {
				return line, sedNoEOL, true, nil
			}
			gc := last
			if last == 0 {
				if _, perr := in.r.Peek(1); perr == io.EOF {
					gc = sedLastNL
				}
			}
			return line[:len(line)-1], gc, true, nil
		}
		if err != nil && err != io.EOF {
			return "", 0, false, err
		}
		in.c.Close()
		in.r, in.c = nil, nil
	}
}

// readChunk reads up to a newline or NUL, inclusive.
func readChunk(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			return string(b), err
		}
		b = append(b, c)
		if c == '\n' || c == 0 {
			return string(b), nil
		}
	}
}

func (p *sedProg) flushAppends() {
	for _, a := range p.appends {
		p.out.puts(a, '\n')
	}
	p.appends = p.appends[:0]
}

func (p *sedProg) begMatch(c *sedCmd, ps string) bool {
	if c.begRe != nil && c.begRe.MatchString(ps) {
		p.prevRe = c.begRe
		return true
	}
	return false
}

// run is BusyBox's process_files: every line of files through the
// script.
func (p *sedProg) run(files []string) error {
	in := &sedInput{p: p, files: files}
	defer func() {
		if in.c != nil {
			in.c.Close()
		}
	}()
	ctx := p.e.Context()
	next, nextGC, haveNext, err := in.next()
	if err != nil {
		return err
	}
	linenum := 0
	for haveNext {
		if err := ctx.Err(); err != nil {
			return err
		}
		ps, gc := next, nextGC
		if next, nextGC, haveNext, err = in.next(); err != nil {
			return err
		}
		linenum++
		substituted := false
		autoprint := true
	restart:
		for i := 0; i < len(p.cmds); i++ {
			c := p.cmds[i]
			oldMatched := c.inMatch
			if !oldMatched {
				c.endLine = c.endLineOrig
			}
			switch {
			case c.inMatch:
			case c.begLine == 0 && c.endLine == 0 && c.begRe == nil && c.endRe == nil && !c.stepAddr:
				c.inMatch = true
			case c.stepAddr:
				// GNU's first~step: first, then every step-th line.
				if c.begStep <= 0 {
					c.inMatch = linenum == c.begLine
				} else {
					c.inMatch = linenum >= c.begLine && (linenum-c.begLine)%c.begStep == 0
				}
			case c.begLine > 0:
				if c.endLine != 0 || c.endRe != nil {
					c.inMatch = c.begLine <= linenum
				} else {
					c.inMatch = c.begLine == linenum
				}
			}
			if !c.inMatch {
				c.inMatch = p.begMatch(c, ps) || (c.begLine == -1 && !haveNext)
			}
			matched := c.inMatch
			if matched {
				if c.endLine <= -2 {
					c.endLine = linenum + (-c.endLine - 2)
				}
				if c.begLine > 0 && !c.stepAddr {
					c.begLine = -2 // a numbered range starts once
				}
				var ended bool
				switch {
				case c.endLine == -1:
					ended = !haveNext
				case c.endLine != 0:
					ended = c.endLine <= linenum
				default:
					ended = c.endRe == nil
				}
				if !ended && c.endRe != nil && oldMatched && c.endRe.MatchString(ps) {
					ended = true
				}
				c.inMatch = !ended
			}
			if c.cmd == '{' {
				if matched == c.invert {
					i = c.block
				}
				continue
			}
			if matched == c.invert {
				continue
			}
			if c.begRe != nil {
				p.prevRe = c.begRe
			}
			switch c.cmd {
			case '=':
				fmt.Fprintf(p.out.w, "%d\n", linenum)
			case 'P':
				if k := strings.IndexByte(ps, '\n'); k >= 0 {
					p.out.puts(ps[:k], '\n')
					break
				}
				p.out.puts(ps, '\n')
			case 'p':
				p.out.puts(ps, '\n')
			case 'l':
				sedList(p.out, ps)
			case 'D':
				if k := strings.IndexByte(ps, '\n'); k >= 0 {
					ps = ps[k+1:]
					goto restart
				}
				autoprint = false
				break restart
			case 'd':
				autoprint = false
				break restart
			case 's':
				out, ok, err := p.substitute(c, ps)
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				ps = out
				substituted = true
				if c.subP {
					p.out.puts(ps, gc)
				}
				if c.wfile != nil {
					c.wfile.puts(ps, gc)
				}
			case 'a':
				p.appends = append(p.appends, c.text)
			case 'i':
				p.out.puts(c.text, '\n')
			case 'c':
				if !c.inMatch {
					p.out.puts(c.text, '\n')
				}
				autoprint = false
				break restart
			case 'r':
				if data, err := os.ReadFile(p.e.Path(c.text)); err == nil && len(data) > 0 {
					for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
						p.appends = append(p.appends, l)
					}
				}
			case 'w':
				c.wfile.puts(ps, gc)
			case 'n':
				if p.quiet == 0 {
					p.out.puts(ps, gc)
				}
				if !haveNext {
					autoprint = false
					break restart
				}
				ps, gc = next, nextGC
				if next, nextGC, haveNext, err = in.next(); err != nil {
					return err
				}
				substituted = false
				linenum++
			case 'q':
				haveNext = false
				break restart
			case 'Q': // GNU's: quit without printing
				haveNext = false
				autoprint = false
				break restart
			case 'N':
				if !haveNext {
					break restart // GNU's way: print the pattern space
				}
				ps += "\n" + next
				gc = nextGC
				if next, nextGC, haveNext, err = in.next(); err != nil {
					return err
				}
				linenum++
			case 't', 'T', 'b':
				if c.cmd == 't' {
					if !substituted {
						break
					}
					substituted = false
				}
				if c.cmd == 'T' && substituted {
					break
				}
				if c.text == "" {
					break restart
				}
				i = p.label(c.text)
			case 'y':
				b := []byte(ps)
				for k, ch := range b {
					for _, pair := range c.ytab {
						if ch == pair[0] {
							b[k] = pair[1]
							break
						}
					}
				}
				ps = string(b)
			case 'g':
				ps = p.hold
			case 'G':
				ps += "\n" + p.hold
				gc = '\n'
			case 'h':
				p.hold = ps
			case 'H':
				p.hold += "\n" + ps
			case 'x':
				ps, p.hold = p.hold, ps
				gc = '\n'
			}
		}
		if autoprint && p.quiet == 0 {
			p.out.puts(ps, gc)
		}
		p.flushAppends()
	}
	return nil
}

// substitute runs an s command on ps and says whether it replaced
// anything.
func (p *sedProg) substitute(c *sedCmd, ps string) (string, bool, error) {
	re := c.subRe
	if re == nil {
		if p.prevRe == nil {
			return ps, false, sedError("no previous regexp")
		}
		re = p.prevRe
	}
	p.prevRe = re
	// Go's FindAll has BusyBox's rule for empty matches: one right
	// after a match does not count ("cccd" s/c*/R/g is "RdR").
	ms := re.FindAllStringSubmatchIndex(ps, -1)
	if len(ms) == 0 {
		return ps, false, nil
	}
	var b strings.Builder
	last, done := 0, false
	for n, m := range ms {
		if c.whichMatch != 0 && n+1 != c.whichMatch {
			continue
		}
		b.WriteString(ps[last:m[0]])
		expandRepl(&b, c.repl, ps, m)
		last, done = m[1], true
		if c.whichMatch != 0 {
			break
		}
	}
	if !done {
		return ps, false, nil
	}
	b.WriteString(ps[last:])
	return b.String(), true, nil
}

// expandRepl writes a replacement: & and \0 are the match, \1-\9 its
// groups, \c is c.
func expandRepl(b *strings.Builder, repl, ps string, m []int) {
	group := func(k int) {
		if 2*k+1 < len(m) && m[2*k] >= 0 {
			b.WriteString(ps[m[2*k]:m[2*k+1]])
		}
	}
	for i := 0; i < len(repl); i++ {
		switch ch := repl[i]; {
		case ch == '\\' && i+1 < len(repl):
			i++
			if isDigitB(repl[i]) {
				group(int(repl[i] - '0'))
			} else {
				b.WriteByte(repl[i])
			}
		case ch == '&':
			group(0)
		default:
			b.WriteByte(ch)
		}
	}
}

// sedList is GNU's l: the pattern space unambiguously, C escapes and
// octal for what is not printable, lines folded at 69 characters and
// a $ at the end.
func sedList(o *sedOutput, ps string) {
	var b strings.Builder
	col := 0
	put := func(s string) {
		if col+len(s) > 69 {
			b.WriteString("\\\n")
			col = 0
		}
		b.WriteString(s)
		col += len(s)
	}
	for i := 0; i < len(ps); i++ {
		ch := ps[i]
		switch {
		case ch == '\\':
			put(`\\`)
		case ch == '\a':
			put(`\a`)
		case ch == '\b':
			put(`\b`)
		case ch == '\f':
			put(`\f`)
		case ch == '\n':
			put(`\n`)
		case ch == '\r':
			put(`\r`)
		case ch == '\t':
			put(`\t`)
		case ch == '\v':
			put(`\v`)
		case ch < 0x20 || ch >= 0x7f:
			put(fmt.Sprintf("\\%03o", ch))
		default:
			put(string(ch))
		}
	}
	b.WriteByte('$')
	o.puts(b.String(), '\n')
}
