package findutils

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
)

// FuzzFindParse parses expressions (arguments joined by NULs) into
// trees; nothing is evaluated, so -exec and -delete do nothing.
func FuzzFindParse(f *testing.F) {
	for _, args := range [][]string{
		{"-name", "*.txt"}, {"-iname", "*.txt"}, {"-type", "d"}, {"-type", "f", "-name", "*.go"},
		{"-path", "t/sub*"}, {"-name", "*.txt", "-o", "-name", "*.go"}, {"-type", "f", "-a", "!", "-name", "*.*"},
		{"-not", "-type", "d", "-not", "-type", "f"}, {"!", "!", "-name", "ln"},
		{"(", "-name", "a*", "-o", "-name", "c*", ")", "-type", "f"},
		{"-type", "f", "(", "-name", "a*", "-o", "(", "-name", "c*", ")", ")"},
		{"-name", "sub", "-prune", "-o", "-type", "f", "-print"}, {"-maxdepth", "1", "-type", "d"},
		{"-mindepth", "2"}, {"-empty"}, {"-size", "+1k"}, {"-size", "-6c"}, {"-regex", `.*/[a-c]\..*`},
		{"-links", "1"}, {"-user", "0"}, {"-perm", "-u+w,g=rx"}, {"-perm", "/022"}, {"-mtime", "+1"}, {"-mmin", "-5"},
		{"-exec", "echo", "{}", ";"}, {"-exec", "echo", "{}", "+"}, {"-ok", "rm", "{}", ";"}, {"-print0"}, {"-newer", "x"},
		{"-inum", "12"}, {"-group", "root"}, {"-xdev", "-quit"}, {"(", ")"}, {"-o"}, {"!"},
	} {
		f.Add(strings.Join(args, "\x00"))
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		e := &cmds.Env{Dir: t.TempDir(), Stdout: io.Discard, Stderr: io.Discard}
		fd := &finder{e: e, w: bufio.NewWriter(io.Discard), needPrint: true, maxDepth: int(^uint(0) >> 1), now: time.Now()}
		expr, err := fd.parse(args)
		if err != nil {
			return
		}
		for _, g := range expr {
			for _, tst := range g {
				if tst == nil || tst.run == nil {
					t.Fatalf("%q: a nil test in %v", args, expr)
				}
			}
		}
		if fd.minDepth < 0 || fd.maxDepth < 0 {
			t.Errorf("%q: depths %d..%d", args, fd.minDepth, fd.maxDepth)
		}
	})
}

func xargsWords(input string, delim int, line bool) ([]string, error) {
	x := &xargsReader{r: bufio.NewReader(strings.NewReader(input)), delim: delim, line: line}
	var words []string
	for {
		w, ok, err := x.next()
		if err != nil || !ok {
			if _, ok2, _ := x.next(); ok2 && err == nil {
				return nil, io.ErrUnexpectedEOF // a word after the end
			}
			return words, err
		}
		words = append(words, w)
	}
}

// FuzzXargsSplit splits input as xargs does with blanks and quotes,
// -0, -d and -I, and checks each against a plain rule where there is one.
func FuzzXargsSplit(f *testing.F) {
	for _, s := range []string{"a b\tc\n", `'a b' "c d" e\ f`, "a\x00b\x00\x00c", "one\ntwo\n\n three \n", `"unmatched`, "x\\\ny", ""} {
		f.Add(s, byte(0), false)
		f.Add(s, byte(255), false)
		f.Add(s, byte('\n'), true)
	}
	f.Fuzz(func(t *testing.T, input string, d byte, line bool) {
		delim := int(d)
		if d == 255 {
			delim = -1
		}
		words, err := xargsWords(input, delim, line)
		if err == io.ErrUnexpectedEOF {
			t.Fatalf("%q: a word after the end", input)
		}
		if len(words) > len(input)+1 {
			t.Fatalf("%q: %d words", input, len(words))
		}
		switch {
		case delim >= 0 && !line:
			want := strings.Split(input, string([]byte{d}))
			if want[len(want)-1] == "" {
				want = want[:len(want)-1]
			}
			if err != nil || strings.Join(words, "\x00") != strings.Join(want, "\x00") || len(words) != len(want) {
				t.Errorf("%q split by %q: %q, %v; want %q", input, d, words, err, want)
			}
		case delim >= 0:
			for _, w := range words {
				if w == "" || strings.IndexByte(w, d) >= 0 || xargsSpace(w[0]) {
					t.Errorf("%q -I split by %q: word %q", input, d, w)
				}
			}
		case !strings.ContainsAny(input, `'"\`):
			want := strings.FieldsFunc(input, func(r rune) bool { return r < 0x80 && xargsSpace(byte(r)) })
			if err != nil || strings.Join(words, "\x00") != strings.Join(want, "\x00") || len(words) != len(want) {
				t.Errorf("%q: %q, %v; want %q", input, words, err, want)
			}
		}
	})
}
