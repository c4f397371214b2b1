package coreutils

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-01-02 03:04:05", "2024-01-02", "@1700000000", "12:34", "12:34:56", "01021234", "202401021234.56",
		"2024-01-02T03:04:05Z", "2024-01-02 03:04 +0530", "Jan 2 2024", "yesterday", "1 day ago", "0102"} {
		f.Add(s, false)
	}
	now := time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string, keep bool) {
		parseDate(s, now, keep)
		posixDate(s)
	})
}

func FuzzSortKey(f *testing.F) {
	for _, s := range []string{"2", "2,2", "1.3,1.5", "3n", "2,3r", "1.2b,1.4", "2bn", "1,1.0", "3.1,3.2M", "1h,1"} {
		f.Add(s, "a b  c\td e")
	}
	f.Fuzz(func(t *testing.T, k, line string) {
		spec, err := parseSortKey(k)
		if err != nil {
			return
		}
		if spec.startField < 1 || spec.startChar < 0 || spec.endField < 0 || spec.endChar < 0 {
			t.Errorf("%q: key out of bounds %+v", k, spec)
		}
		s := &sorter{keys: []sortSpec{spec}}
		if got := s.key(line, &spec, spec.flags); len(got) > len(line) && spec.flags == 0 {
			t.Errorf("%q on %q: key %q longer than the line", k, line, got)
		}
		s.sep = ':'
		s.key(line, &spec, spec.flags)
	})
}

func FuzzTrSet(f *testing.F) {
	for _, s := range []string{"a-z", "[:upper:]", "\\n\\t\\\\", "[=a=]", "[a*3]", "[x*]", "\\101-\\132", "z-a", "[:alpha:][:digit:]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b, err := trExpand(s); err == nil && len(b) > 1<<20 {
			t.Errorf("%q: %d bytes", s, len(b))
		}
	})
}

func FuzzPrintf(f *testing.F) {
	for _, s := range []string{"%s\n", "%d %i %x %o %X %u", "%5.2f|%-8s|%08.3e", "%c%b", "\\x41\\101\\n%%", "%*d", "%.*s", "%q", "%", "%5", "%z"} {
		f.Add(s, "42\x00 abc\x00-3.5\x00'A")
	}
	f.Fuzz(func(t *testing.T, format, args string) {
		p := &printer{w: bufio.NewWriter(io.Discard), e: &cmds.Env{Stdout: io.Discard, Stderr: io.Discard}}
		a := strings.Split(args, "\x00")
		for i := 0; i < 4; i++ {
			left, stop := p.formatted(format, a)
			if stop || len(left) >= len(a) {
				break
			}
			a = left
		}
	})
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"100", "1K", "2M", "3G", "10k", "1KB", "5b", "7w", "4c", "1kB", "x", "99999999999999999999G"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, suf := range []string{sizeSuffixes, "c:1 w:2 b:512 " + sizeSuffixes} {
			if n, err := parseSize(s, suf); err == nil && n < 0 {
				t.Errorf("%q: %d", s, n)
			}
		}
		for _, op := range []byte{0, '+', '-', '<', '>', '/', '%'} {
			if n := resize(1000, op, 7); n < 0 {
				t.Errorf("resize %c: %d", op, n)
			}
		}
	})
}
