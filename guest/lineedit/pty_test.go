package lineedit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
	"pidone.dev/guest/term"
)

// pty is a pseudo-terminal: the editor gets the slave, the test types on
// the master and collects what the editor drew.
type pty struct {
	t      *testing.T
	master *os.File
	slave  *os.File
	fd     int // the slave's
	mu     sync.Mutex
	drawn  bytes.Buffer
	syncs  int
}

func openPTY(t *testing.T, cols int) *pty {
	t.Helper()
	m, s, err := term.OpenPTY()
	if errors.Is(err, term.ErrNoPTY) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	p := &pty{t: t, master: m, slave: s, fd: int(s.Fd())}
	p.setWidth(cols)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			p.mu.Lock()
			p.drawn.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		m.Close() // ends the reader, and any ReadLine still waiting
		<-done
		s.Close()
	})
	return p
}

func (p *pty) setWidth(cols int) {
	if err := unix.IoctlSetWinsize(p.fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: uint16(cols)}); err != nil {
		p.t.Fatal(err)
	}
}

func (p *pty) termios() unix.Termios {
	tio, err := unix.IoctlGetTermios(p.fd, unix.TCGETS)
	if err != nil {
		p.t.Fatal(err)
	}
	return *tio
}

// waitRaw waits for the editor to have switched the terminal to raw
// mode, so that keys are not cooked by the line discipline first.
func (p *pty) waitRaw() {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if p.termios().Lflag&unix.ICANON == 0 {
			return
		}
	}
	p.t.Fatal("the terminal never went raw")
}

func (p *pty) typeKeys(keys string) {
	if _, err := p.master.WriteString(keys); err != nil {
		p.t.Fatal(err)
	}
}

type result struct {
	line string
	err  error
}

// start runs ReadLine in the background once the terminal is raw.
func (p *pty) start(e *Editor, prompt string) <-chan result {
	ch := make(chan result, 1)
	go func() {
		line, err := e.ReadLine(prompt)
		ch <- result{line, err}
	}()
	return ch
}

func (p *pty) wait(ch <-chan result) (string, error) {
	p.t.Helper()
	select {
	case r := <-ch:
		return r.line, r.err
	case <-time.After(5 * time.Second):
		p.t.Fatalf("ReadLine did not return; drew %q", p.output())
		return "", nil
	}
}

// readLine types keys once ReadLine runs, and returns its result.
func (p *pty) readLine(e *Editor, prompt, keys string) (string, error) {
	p.t.Helper()
	ch := p.start(e, prompt)
	p.waitRaw()
	p.typeKeys(keys)
	return p.wait(ch)
}

func (p *pty) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.drawn.String()
}

// sync returns everything drawn so far and forgets it. A marker written
// on the slave comes out after all that was drawn before it.
func (p *pty) sync() string {
	p.t.Helper()
	p.syncs++
	mark := fmt.Sprintf("<sync %d>", p.syncs)
	if _, err := p.slave.WriteString(mark); err != nil {
		p.t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		p.mu.Lock()
		s := p.drawn.String()
		if i := strings.Index(s, mark); i >= 0 {
			p.drawn.Reset()
			p.drawn.WriteString(s[i+len(mark):])
			p.mu.Unlock()
			return s[:i]
		}
		p.mu.Unlock()
	}
	p.t.Fatalf("output never came; have %q", p.output())
	return ""
}

// screen is a tiny VT100: enough to know what a row shows, where the
// cursor is, and whether anything was drawn in the last column (where
// terminals disagree about wrapping).
type screen struct {
	width    int
	rows     [][]rune // cells; 0 fills the second cell of a wide rune
	row, col int
	lastCol  bool // something was written in the last column or beyond
	maxCol   int  // the rightmost column written
}

func newScreen(width int, drawn string) *screen {
	s := &screen{width: width, maxCol: -1}
	s.feed(drawn)
	return s
}

func (s *screen) feed(b string) {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\r':
			s.col = 0
			i++
		case c == '\n':
			s.row++
			i++
		case c == 0x1b && i+1 < len(b) && b[i+1] == '[':
			j := i + 2
			for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
				j++
			}
			if j == len(b) {
				return
			}
			n, _ := strconv.Atoi(b[i+2 : j])
			switch b[j] {
			case 'C':
				s.col += max(n, 1)
			case 'D':
				s.col = max(s.col-max(n, 1), 0)
			case 'K':
				if s.row < len(s.rows) && s.col < len(s.rows[s.row]) {
					s.rows[s.row] = s.rows[s.row][:s.col]
				}
			case 'H':
				s.row, s.col = 0, 0
			case 'J':
				s.rows = nil
			}
			i = j + 1
		case c == 0x1b && i+1 < len(b) && b[i+1] == ']':
			j := strings.IndexByte(b[i:], 0x07)
			if j < 0 {
				return
			}
			i += j + 1
		case c < 0x20:
			i++
		default:
			r, n := utf8.DecodeRuneInString(b[i:])
			i += n
			w := term.RuneWidth(r)
			if w == 0 {
				continue
			}
			if s.col+w-1 >= s.width-1 {
				s.lastCol = true
			}
			s.maxCol = max(s.maxCol, s.col+w-1)
			for len(s.rows) <= s.row {
				s.rows = append(s.rows, nil)
			}
			for len(s.rows[s.row]) < s.col+w {
				s.rows[s.row] = append(s.rows[s.row], ' ')
			}
			s.rows[s.row][s.col] = r
			if w == 2 {
				s.rows[s.row][s.col+1] = 0
			}
			s.col += w
		}
	}
}

// line is what the cursor's row shows.
func (s *screen) line() string {
	if s.row >= len(s.rows) {
		return ""
	}
	return strings.TrimRight(strings.ReplaceAll(string(s.rows[s.row]), "\x00", ""), " ")
}
