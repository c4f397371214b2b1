package gotest

import (
	"bytes"
	"strings"
	"testing"
)

func TestCappedBuffer(t *testing.T) {
	c := cappedBuffer{max: 10}
	for _, s := range []string{"hello ", "world, ", "and more"} {
		if n, err := c.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if got, want := string(c.Bytes()), "hello worl\n[pidone: 11 more bytes of output left out]\n"; got != want {
		t.Errorf("Bytes = %q, want %q", got, want)
	}
	small := cappedBuffer{max: 100}
	small.Write([]byte("ok\n"))
	if string(small.Bytes()) != "ok\n" {
		t.Errorf("under the cap: %q", small.Bytes())
	}
}

func TestTailBuffer(t *testing.T) {
	tb := tailBuffer{max: 8}
	tb.Write([]byte("abc"))
	tb.Write([]byte("defgh"))
	tb.Write([]byte("ij"))
	if got := string(tb.Bytes()); got != "cdefghij" {
		t.Errorf("tail = %q", got)
	}
	tb.Write([]byte(strings.Repeat("x", 20) + "coverage"))
	if got := tb.Bytes(); !bytes.Equal(got, []byte("coverage")) {
		t.Errorf("tail after a long write = %q", got)
	}
}
