package term

import (
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// readAll decodes every key of in.
func readAll(r *Reader) []Key {
	var keys []Key
	for {
		k, err := r.ReadKey()
		if err != nil {
			return keys
		}
		keys = append(keys, k)
	}
}

func TestReadKey(t *testing.T) {
	cases := []struct {
		in     string
		escKey bool
		want   []Key
	}{
		{"ab", false, []Key{'a', 'b'}},
		{"é日", false, []Key{'é', '日'}},
		{"\x1b[A\x1b[B\x1b[C\x1b[D", false, []Key{Up, Down, Right, Left}},
		{"\x1bOA\x1bOH\x1bOF", false, []Key{Up, Home, End}},
		{"\x1b[1~\x1b[4~\x1b[2~\x1b[3~\x1b[5~\x1b[6~", false, []Key{Home, End, Insert, Delete, PageUp, PageDown}},
		{"\x1b[1;5C\x1b[1;3D", false, []Key{WordRight, WordLeft}},
		{"\x1bb\x1bf\x1bd\x1b\x7f", false, []Key{WordLeft, WordRight, KillWordRight, KillWordLeft}},
		{"\x1b[15~x\x1b[[Ay", false, []Key{None, 'x', None, 'y'}},
		{"a\xffb\xc3(", false, []Key{'a', None, 'b', None, '('}},
		{"\x1b[1\rz", false, []Key{None, '\r', 'z'}},
		// vi: Esc is a key, and what follows it is a key of its own.
		{"ab\x1b:w\r", true, []Key{'a', 'b', Esc, ':', 'w', '\r'}},
		{"\x1bb\x1b\x1b", true, []Key{Esc, 'b', Esc, Esc}},
		{"\x1b[A\x1bOB", true, []Key{Up, Down}},
		{"\x1bOx", true, []Key{Esc, 'O', 'x'}},
		{"\x1bO", true, []Key{Esc, 'O'}},
		{"x\x1b", true, []Key{'x', Esc}},
	}
	for _, c := range cases {
		r := &Reader{R: iotest.OneByteReader(strings.NewReader(c.in)), EscKey: c.escKey}
		if got := readAll(r); !slices.Equal(got, c.want) {
			t.Errorf("%q (EscKey %v): keys %x, want %x", c.in, c.escKey, got, c.want)
		}
	}
}

// TestSoon: an ESC with nothing right behind it is the Esc key, even
// when a [ comes later.
func TestSoon(t *testing.T) {
	soon := true
	r := &Reader{R: strings.NewReader("\x1b[A\x1b[A"), EscKey: true, Soon: func() bool { return soon }}
	if k, _ := r.ReadKey(); k != Up {
		t.Errorf("ESC [ A at once: %x, want Up", k)
	}
	soon = false
	got := readAll(r)
	if want := []Key{Esc, '[', 'A'}; !slices.Equal(got, want) {
		t.Errorf("ESC, a pause, [ A: %x, want %x", got, want)
	}
}

// TestBuffered: bytes looked at and not used stay for the next read,
// from another reader too.
func TestBuffered(t *testing.T) {
	r := &Reader{R: strings.NewReader("\xc3x"), EscKey: true}
	if k, _ := r.ReadKey(); k != None || r.Buffered() != 1 {
		t.Fatalf("broken UTF-8: %x, %d buffered", k, r.Buffered())
	}
	r.R = strings.NewReader("y")
	if got := readAll(r); !slices.Equal(got, []Key{'x', 'y'}) {
		t.Errorf("then: %q", got)
	}
}

func TestReadKeyEOF(t *testing.T) {
	r := &Reader{R: strings.NewReader("")}
	if _, err := r.ReadKey(); err != io.EOF {
		t.Errorf("empty: %v", err)
	}
}

func TestPrintable(t *testing.T) {
	for k, want := range map[Key]bool{'a': true, ' ': true, 'é': true, 0x7f: false, '\t': false, 0x85: false, Up: false, Esc: false} {
		if k.Printable() != want {
			t.Errorf("%x: printable %v", k, !want)
		}
	}
}

func TestInputWithin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if InputWithin(int(r.Fd()), 10*time.Millisecond) {
		t.Error("input on an empty pipe")
	}
	w.WriteString("x")
	if !InputWithin(int(r.Fd()), time.Second) || !InputQueued(int(r.Fd())) {
		t.Error("no input after a write")
	}
}

func TestRuneWidth(t *testing.T) {
	for r, want := range map[rune]int{'a': 1, 'é': 1, '日': 2, '\x01': 2, 0x301: 0, '😀': 2} {
		if got := RuneWidth(r); got != want {
			t.Errorf("RuneWidth(%U) = %d, want %d", r, got, want)
		}
	}
	if got := string(AppendVisible(nil, []rune("a\x01\x7f\u0085b"))); got != "a^A^??b" {
		t.Errorf("AppendVisible = %q", got)
	}
}
