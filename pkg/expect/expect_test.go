package expect

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestExpectConsumesInOrder(t *testing.T) {
	r, w := io.Pipe()
	c := New(r, io.Discard, nil)
	go func() {
		io.WriteString(w, "boot...\r\n# ")
		io.WriteString(w, "ls\r\nfoo\r\n# ")
		w.Close()
	}()
	if _, err := c.Expect("# ", time.Second); err != nil {
		t.Fatal(err)
	}
	before, err := c.Expect("# ", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if before != "ls\nfoo\n" {
		t.Errorf("before second prompt = %q", before)
	}
	if _, err := c.Expect("# ", time.Second); !errors.Is(err, ErrClosed) {
		t.Errorf("after close: err = %v, want ErrClosed", err)
	}
}

func TestExpectTimeout(t *testing.T) {
	r, _ := io.Pipe()
	c := New(r, io.Discard, nil)
	start := time.Now()
	_, err := c.Expect("never", 50*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want timeout", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("timeout took %v", time.Since(start))
	}
}

func TestExpectRegexp(t *testing.T) {
	c := New(strings.NewReader("status=42\n"), io.Discard, nil)
	m, err := c.ExpectRegexp(regexp.MustCompile(`status=(\d+)`), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m[1] != "42" {
		t.Errorf("got %q", m)
	}
}

func TestSend(t *testing.T) {
	var b strings.Builder
	c := New(strings.NewReader(""), &b, nil)
	c.Send("uname\n")
	if b.String() != "uname\n" {
		t.Errorf("sent %q", b.String())
	}
}

func TestFilterEscapes(t *testing.T) {
	r, w := io.Pipe()
	c := New(r, io.Discard, nil)
	go func() {
		// A colour and a cursor move split across writes.
		io.WriteString(w, "\x1b[1;3")
		io.WriteString(w, "4mdir\x1b[0m\r\nx\x1b[K\x1b")
		io.WriteString(w, "[3Dy\n")
		w.Close()
	}()
	if _, err := c.Expect("y\n", time.Second); err != nil {
		t.Fatal(err)
	}
	if got := c.Output(); got != "dir\nxy\n" {
		t.Errorf("seen %q", got)
	}
}
