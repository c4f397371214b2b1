package coreutils

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

// The pager behind more and less, made for a serial console: no
// terminfo, only the ANSI sequences every terminal knows (clear, erase
// line, reverse video), the size from TIOCGWINSZ, else $LINES and
// $COLUMNS, else 80x24 (a serial line reports 0x0). Keys are read from
// the terminal the output goes to, so that the text can come from a
// pipe. When the output is not a terminal both commands copy their
// input, as BusyBox's do.

type pager struct {
	e                    *cmds.Env
	less                 bool // a full-screen viewer; else more's running text
	out                  *bufio.Writer
	keys                 *os.File
	rows                 int // text rows: the screen's height less the prompt's
	cols                 int
	icase                bool // less -I
	number               bool // less -N
	chop                 bool // less -S
	quitAtEnd, quitIfOne bool

	files []string // operands; "-" is standard input
	fileN int

	src   *bufio.Reader
	srcC  io.Closer
	name  string
	eof   bool
	lines []int    // for each display row, the 1-based input line it shows
	disp  []string // display rows, wrapped (or chopped) to the width
	lineN int      // input lines read

	top     int            // first row on the screen
	shown   int            // more: rows printed so far
	re      *regexp.Regexp // the last search
	message string         // shown once in place of the prompt
}

// pagerMain runs the pager for more (less false) or less.
func pagerMain(e *cmds.Env, p *pager, files []string) error {
	if len(files) == 0 {
		files = []string{"-"}
	}
	tty, ok := e.Stdout.(*os.File)
	if !ok || !e.Terminal() {
		return pagerCopy(e, files)
	}
	// Keys come from the output's terminal, opened again for reading:
	// standard input may be the text.
	keys, err := openTTYForKeys(tty)
	if err != nil {
		return pagerCopy(e, files)
	}
	defer keys.Close()
	restore, err := rawKeys(int(keys.Fd()))
	if err != nil {
		return pagerCopy(e, files)
	}
	defer restore()
	p.e, p.keys, p.files = e, keys, files
	p.out = bufio.NewWriterSize(tty, 16<<10)
	defer p.out.Flush()
	p.size(tty)
	return p.run()
}

func pagerCopy(e *cmds.Env, files []string) error {
	w := e.BufOut()
	defer w.Flush()
	for _, name := range files {
		r, err := e.Open(name)
		if err != nil {
			w.Flush()
			e.Warn(err)
			continue
		}
		_, err = cmds.BufCopy(w, r)
		r.Close()
		if err != nil {
			if cerr := e.Context().Err(); cerr != nil {
				return cerr
			}
			w.Flush()
			e.Warn(e.ReadErr(err, name))
		}
	}
	return w.Flush()
}

func openTTYForKeys(out *os.File) (*os.File, error) {
	if name, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(out.Fd()))); err == nil && strings.HasPrefix(name, "/dev/") {
		if f, err := os.Open(name); err == nil {
			return f, nil
		}
	}
	return os.Open("/dev/tty")
}

// rawKeys turns off line editing, echo and signals on fd (^C is a key
// like q), and makes sure output processing turns "\n" into "\r\n".
func rawKeys(fd int) (func(), error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	raw := *old
	raw.Iflag &^= unix.ICRNL | unix.INLCR | unix.IGNCR | unix.IXON
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Oflag |= unix.OPOST | unix.ONLCR
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }, nil
}

// size reads the terminal's size, as BusyBox's get_terminal_width_height.
func (p *pager) size(tty *os.File) {
	rows, cols := 0, 0
	if ws, err := unix.IoctlGetWinsize(int(tty.Fd()), unix.TIOCGWINSZ); err == nil {
		rows, cols = int(ws.Row), int(ws.Col)
	}
	if rows <= 1 {
		rows, _ = strconv.Atoi(p.e.Getenv("LINES"))
	}
	if cols <= 1 {
		cols, _ = strconv.Atoi(p.e.Getenv("COLUMNS"))
	}
	if rows <= 1 {
		rows = 24
	}
	if cols <= 1 {
		cols = 80
	}
	p.rows, p.cols = rows-1, cols
}

// open starts file number n; false if it cannot be read (warned).
func (p *pager) open(n int) bool {
	if p.srcC != nil {
		p.srcC.Close()
	}
	p.fileN, p.name = n, p.files[n]
	p.src, p.srcC, p.eof = nil, nil, false
	p.lines, p.disp, p.lineN, p.top, p.shown = nil, nil, 0, 0, 0
	r, err := p.e.Open(p.name)
	if err != nil {
		p.message = cmds.Message(err)
		p.eof = true
		return false
	}
	p.src, p.srcC = bufio.NewReaderSize(r, 32<<10), r
	return true
}

// fill reads input until row n exists or the input ends.
func (p *pager) fill(n int) {
	for len(p.disp) <= n && !p.eof {
		line, err := p.src.ReadString('\n')
		if line == "" && err != nil {
			p.eof = true
			break
		}
		p.lineN++
		line = strings.TrimSuffix(line, "\n")
		for _, row := range p.wrap(line) {
			p.disp = append(p.disp, row)
			p.lines = append(p.lines, p.lineN)
		}
		if err != nil {
			p.eof = true
		}
	}
}

// wrap cuts a line into rows of the screen's width, tabs expanded and
// control characters shown as ^X; less -N puts the line number first.
func (p *pager) wrap(line string) []string {
	var rows []string
	var b strings.Builder
	col, width := 0, p.cols
	if p.number {
		fmt.Fprintf(&b, "%7d ", p.lineN)
		col = 8
	}
	flush := func() {
		rows = append(rows, b.String())
		b.Reset()
		col = 0
	}
	for _, r := range line {
		var s string
		w := 1
		switch {
		case r == '\t':
			w = 8 - col%8
			s = strings.Repeat(" ", w)
		case r < 0x20 || r == 0x7f:
			s, w = "^"+string(rune(r^0x40)), 2
		case r == utf8.RuneError:
			s = "?"
		default:
			s = string(r)
		}
		if col+w > width {
			if p.chop {
				continue
			}
			flush()
			if r == '\t' {
				continue
			}
		}
		b.WriteString(s)
		col += w
	}
	if b.Len() > 0 || len(rows) == 0 {
		flush()
	}
	return rows
}

// key reads one key: a byte, or a name for the arrows and paging keys.
func (p *pager) key() (string, error) {
	var b [1]byte
	if _, err := p.keys.Read(b[:]); err != nil {
		return "", err
	}
	if b[0] != 0x1b {
		return string(b[:]), nil
	}
	if _, err := p.keys.Read(b[:]); err != nil {
		return "", err
	}
	if b[0] != '[' && b[0] != 'O' {
		return "esc", nil
	}
	var seq []byte
	for {
		if _, err := p.keys.Read(b[:]); err != nil {
			return "", err
		}
		seq = append(seq, b[0])
		if b[0] >= 0x40 && b[0] <= 0x7e || len(seq) > 8 {
			break
		}
	}
	switch string(seq) {
	case "A":
		return "up", nil
	case "B":
		return "down", nil
	case "5~":
		return "pgup", nil
	case "6~":
		return "pgdn", nil
	case "H", "1~":
		return "home", nil
	case "F", "4~":
		return "end", nil
	}
	return "esc", nil
}

// prompt reads a line typed after a "/" on the prompt row; false if the
// user gave up (Escape, ^C, or backspace over the /).
func (p *pager) readPattern() (string, bool) {
	var typed []byte
	for {
		p.out.WriteString("\r\x1b[K/" + string(typed))
		p.out.Flush()
		k, err := p.key()
		if err != nil {
			return "", false
		}
		switch {
		case k == "\r" || k == "\n":
			return string(typed), true
		case k == "\x7f" || k == "\b":
			if len(typed) == 0 {
				return "", false
			}
			_, size := utf8.DecodeLastRune(typed)
			typed = typed[:len(typed)-size]
		case k == "\x03" || k == "esc" || k == "\x15" && len(typed) == 0:
			return "", false
		case k == "\x15":
			typed = typed[:0]
		case len(k) == 1 && k[0] >= 0x20 || len(k) == 1 && k[0] >= 0x80:
			typed = append(typed, k...)
		}
	}
}

// search finds the next row (after from, or before it when back) whose
// input line matches the last pattern.
func (p *pager) search(from int, back bool) (int, bool) {
	if p.re == nil {
		return 0, false
	}
	line := -1
	for i := from; ; {
		if back {
			i--
			if i < 0 {
				return 0, false
			}
		} else {
			i++
			p.fill(i)
			if i >= len(p.disp) {
				return 0, false
			}
		}
		// Match whole input lines, once each, at their first row.
		if p.lines[i] == line || (i > 0 && p.lines[i-1] == p.lines[i]) {
			continue
		}
		line = p.lines[i]
		var b strings.Builder
		for j := i; j < len(p.disp) && p.lines[j] == line; j++ {
			b.WriteString(p.disp[j])
		}
		text := b.String()
		if p.number {
			text = text[min(8, len(text)):]
		}
		if p.re.MatchString(text) {
			return i, true
		}
	}
}

func (p *pager) newPattern() bool {
	pat, ok := p.readPattern()
	if !ok {
		return false
	}
	if pat == "" && p.re != nil {
		return true // an empty pattern searches for the last one again
	}
	expr, err := cmds.TranslateRegexp(pat, false)
	if err == nil && p.icase {
		expr = "(?i)" + expr
	}
	var re *regexp.Regexp
	if err == nil {
		re, err = cmds.CompileRegexp(expr)
	}
	if err != nil {
		p.message = "bad pattern: " + err.Error()
		return false
	}
	p.re = re
	return true
}

// What a viewer does when it is done with a file.
const (
	pagerNext = iota
	pagerPrev
	pagerQuit
)

func (p *pager) run() error {
	defer func() {
		if p.srcC != nil {
			p.srcC.Close()
		}
	}()
	for n := 0; n < len(p.files); {
		if !p.open(n) {
			p.out.Flush()
			p.e.Warn(fmt.Errorf("%s", p.message))
			p.message = ""
			n++
			continue
		}
		var next int
		var err error
		if p.less {
			next, err = p.runLess()
		} else {
			next, err = p.runMore()
		}
		switch {
		case err != nil:
			return err
		case next == pagerQuit:
			return p.out.Flush()
		case next == pagerPrev:
			n--
		default:
			n++
		}
	}
	return p.out.Flush()
}

// runMore prints the text as it goes, a page and then a "--More--"
// prompt at a time, as BusyBox's more does; b goes a page back and /
// and n search, which BusyBox's more lacks.
func (p *pager) runMore() (int, error) {
	if len(p.files) > 1 {
		// As util-linux's more; BusyBox's prints no headers.
		fmt.Fprintf(p.out, "::::::::::::::\n%s\n::::::::::::::\n", cmds.OpName(p.name))
	}
	want := p.rows
	if len(p.files) > 1 {
		want -= 3
	}
	for {
		// Print rows up to want.
		for p.shown < want {
			p.fill(p.shown)
			if p.shown >= len(p.disp) {
				return pagerNext, p.out.Flush()
			}
			p.out.WriteString(p.disp[p.shown] + "\n")
			p.shown++
		}
		p.fill(p.shown)
		if p.shown >= len(p.disp) {
			return pagerNext, p.out.Flush()
		}
		prompt := "--More--"
		if p.message != "" {
			prompt, p.message = p.message, ""
		}
		p.out.WriteString("\x1b[7m" + prompt + "\x1b[0m")
		p.out.Flush()
		k, err := p.key()
		if err != nil {
			return pagerQuit, nil
		}
		p.out.WriteString("\r\x1b[K")
		switch k {
		case "q", "Q", "\x03":
			return pagerQuit, p.out.Flush()
		case " ", "f", "pgdn":
			want = p.shown + p.rows
		case "\r", "\n", "down", "j":
			want = p.shown + 1
		case "b", "pgup":
			// Back a page: redraw the page before the last one.
			start := max(0, p.shown-2*p.rows)
			p.out.WriteString("\x1b[H\x1b[J")
			p.shown = start
			want = start + p.rows
		case "/", "n":
			if k == "/" && !p.newPattern() {
				p.out.WriteString("\r\x1b[K")
				break
			}
			p.out.WriteString("\r\x1b[K")
			if i, ok := p.search(p.shown-1, false); ok {
				// BusyBox's less style: skip to two lines above it.
				p.out.WriteString("...skipping\n")
				p.shown = max(i-2, p.shown)
				want = p.shown + p.rows - 1
			} else {
				p.message = "Pattern not found"
			}
		}
	}
}

// runLess is the full-screen viewer: it stays at the end until q.
func (p *pager) runLess() (int, error) {
	p.fill(p.rows)
	if p.quitIfOne && p.eof && len(p.disp) <= p.rows {
		for _, row := range p.disp {
			p.out.WriteString(row + "\n")
		}
		return pagerNext, p.out.Flush()
	}
	for {
		p.fill(p.top + p.rows)
		p.draw()
		atEnd := p.eof && p.top+p.rows >= len(p.disp)
		if atEnd && p.quitAtEnd {
			return pagerNext, p.out.Flush()
		}
		k, err := p.key()
		if err != nil {
			return pagerQuit, nil
		}
		last := func() int {
			p.fill(math.MaxInt)
			return max(0, len(p.disp)-p.rows)
		}
		switch k {
		case "q", "Q", "\x03":
			p.out.WriteString("\r\x1b[K")
			return pagerQuit, p.out.Flush()
		case " ", "f", "pgdn", "\x06", "\x16":
			if !atEnd {
				p.top += p.rows
			}
		case "b", "pgup", "\x02":
			p.top -= p.rows
		case "\r", "\n", "down", "j", "e", "\x0e":
			if !atEnd {
				p.top++
			}
		case "up", "k", "y", "\x10":
			p.top--
		case "d":
			if !atEnd {
				p.top += p.rows / 2
			}
		case "u":
			p.top -= p.rows / 2
		case "g", "<", "home":
			p.top = 0
		case "G", ">", "end":
			p.top = last()
		case "/", "n", "N":
			if k == "/" && !p.newPattern() {
				break
			}
			if i, ok := p.search(p.top, k == "N"); ok {
				p.top = i
			} else if p.message == "" {
				p.message = "Pattern not found"
			}
		case ":":
			// :n and :p move between files.
			k2, _ := p.key()
			switch {
			case k2 == "n" && p.fileN+1 < len(p.files):
				return pagerNext, nil
			case k2 == "p" && p.fileN > 0:
				return pagerPrev, nil
			case k2 == "n" || k2 == "p":
				p.message = "No next file"
				if k2 == "p" {
					p.message = "No previous file"
				}
			}
		}
		if p.top > 0 {
			p.fill(p.top + p.rows)
			p.top = min(p.top, max(0, len(p.disp)-1))
		}
		p.top = max(0, p.top)
	}
}

// draw paints a screenful and the status line.
func (p *pager) draw() {
	p.out.WriteString("\x1b[H\x1b[J")
	for i := p.top; i < p.top+p.rows; i++ {
		if i < len(p.disp) {
			p.out.WriteString(p.disp[i])
		} else {
			p.out.WriteString("~")
		}
		p.out.WriteString("\n")
	}
	status := ":"
	switch {
	case p.message != "":
		status, p.message = p.message, ""
	case p.eof && p.top+p.rows >= len(p.disp):
		status = "(END)"
	case p.top == 0 && p.name != "-":
		status = p.name
	}
	if status == ":" {
		p.out.WriteString(status)
	} else {
		p.out.WriteString("\x1b[7m" + status + "\x1b[0m")
	}
	p.out.Flush()
}
