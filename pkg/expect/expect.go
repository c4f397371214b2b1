// Package expect drives a text console, such as a VM's serial line, the
// way a person would: wait until some text appears, then type.
package expect

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"
)

// ErrClosed is returned when the console closed before the text appeared.
var ErrClosed = errors.New("console closed")

// Console reads everything its reader produces in the background and lets
// the caller wait for text in it. Matching consumes output: each Expect
// looks only at what arrived after the previous match.
type Console struct {
	w io.Writer

	mu     sync.Mutex
	cond   *sync.Cond
	all    strings.Builder // everything seen, for failure messages
	unread int             // offset in all of the first unmatched byte
	err    error           // set when the reader ends
	log    io.Writer
	esc    int // state of the escape-sequence filter
}

// New starts reading r. Writes go to w. If log is not nil, everything read
// is copied to it as it arrives.
func New(r io.Reader, w io.Writer, log io.Writer) *Console {
	c := &Console{w: w, log: log}
	c.cond = sync.NewCond(&c.mu)
	go c.read(r)
	return c
}

func (c *Console) read(r io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		c.mu.Lock()
		if n > 0 {
			c.filter(buf[:n])
			if c.log != nil {
				c.log.Write(buf[:n])
			}
		}
		if err != nil {
			if err == io.EOF {
				err = ErrClosed
			}
			c.err = err
		}
		c.cond.Broadcast()
		c.mu.Unlock()
		if err != nil {
			return
		}
		if n < 64 {
			// A serial line arrives a byte or a few at a time, and every
			// read wakes the waiters to match everything unread again:
			// gathering a moment's worth first keeps that from eating the
			// CPU the VM needs (a boot took a second longer without it).
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// filter appends p to what was seen as a person sees it: without the
// carriage returns of CRLF line ends and without terminal escape
// sequences (cursor moves, colours), which may be split across reads.
func (c *Console) filter(p []byte) {
	const (
		text = iota
		escape
		csi
	)
	for _, b := range p {
		switch c.esc {
		case escape:
			c.esc = text
			if b == '[' {
				c.esc = csi
			}
			continue
		case csi:
			if b >= 0x40 && b <= 0x7e {
				c.esc = text
			}
			continue
		}
		switch b {
		case 0x1b:
			c.esc = escape
		case '\r':
		default:
			c.all.WriteByte(b)
		}
	}
}

// Send types s.
func (c *Console) Send(s string) error {
	_, err := io.WriteString(c.w, s)
	return err
}

// Expect waits up to timeout for text to appear and returns everything
// that arrived before it.
func (c *Console) Expect(text string, timeout time.Duration) (string, error) {
	return c.match(timeout, text, func(s string) (int, int) {
		i := strings.Index(s, text)
		if i < 0 {
			return -1, -1
		}
		return i, i + len(text)
	})
}

// ExpectRegexp waits up to timeout for re to match and returns the match.
func (c *Console) ExpectRegexp(re *regexp.Regexp, timeout time.Duration) ([]string, error) {
	var m []string
	_, err := c.match(timeout, re.String(), func(s string) (int, int) {
		loc := re.FindStringSubmatchIndex(s)
		if loc == nil {
			return -1, -1
		}
		m = make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = s[loc[2*i]:loc[2*i+1]]
			}
		}
		return loc[0], loc[1]
	})
	return m, err
}

func (c *Console) match(timeout time.Duration, what string, find func(string) (int, int)) (string, error) {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		s := c.all.String()[c.unread:]
		if start, end := find(s); start >= 0 {
			c.unread += end
			return s[:start], nil
		}
		if c.err != nil {
			return s, fmt.Errorf("waiting for %q: %w; last output:\n%s", what, c.err, tail(s))
		}
		if !time.Now().Before(deadline) {
			return s, fmt.Errorf("waiting for %q: timed out after %v; last output:\n%s", what, timeout, tail(s))
		}
		c.cond.Wait()
	}
}

// Output returns everything the console has printed so far.
func (c *Console) Output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.all.String()
}

// Closed reports whether the console's reader has ended.
func (c *Console) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err != nil
}

func tail(s string) string {
	const max = 2000
	if len(s) > max {
		return "..." + s[len(s)-max:]
	}
	return s
}
