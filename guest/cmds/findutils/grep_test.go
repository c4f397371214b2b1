package findutils

import (
	"regexp"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestTranslateRegexp(t *testing.T) {
	tests := []struct {
		pat  string
		ere  bool
		want string // "" with err set: must fail
		err  bool
	}{
		{pat: `a.c`, want: `a.c`},
		{pat: `a+b?(c){2}|d`, want: `a\+b\?\(c\)\{2\}\|d`},
		{pat: `\(ab\)\{2,3\}`, want: `(ab){2,3}`},
		{pat: `a\|b`, want: `a|b`},
		{pat: `a\+\?`, want: `(?:a+)?`},
		{pat: `*a`, want: `\*a`},
		{pat: `^*a`, want: `^\*a`},
		{pat: `\(*a\)`, want: `(\*a)`},
		{pat: `a^b$c`, want: `a\^b\$c`},
		{pat: `^a$`, want: `^a$`},
		{pat: `\(^a$\)`, want: `(^a$)`},
		{pat: `a**`, want: `(?:a*)*`},
		{pat: `[]a]`, want: `[\]a]`},
		{pat: `[^]a]`, want: `[^\]a]`},
		{pat: `[\n]`, want: `[\\n]`},
		{pat: `[[:digit:]x-z]`, want: `[[:digit:]x-z]`},
		{pat: `[[=e=]]`, want: `[e]`},
		{pat: `\<word\>`, want: `\bword\b`},
		{pat: `a\.b\*`, want: `a\.b\*`},
		{pat: `é*`, want: `é*`},
		{pat: `a{,2}`, ere: true, want: `a{0,2}`},
		{pat: `(a|b)+c?`, ere: true, want: `(a|b)+c?`},
		{pat: `\(\)\|\+`, ere: true, want: `\(\)\|\+`},
		{pat: `a{x`, ere: true, want: `a\{x`},
		{pat: `{1}a`, ere: true, want: `\{1\}a`},
		{pat: `a)`, ere: true, want: `a\)`},
		{pat: `*a|+b`, ere: true, want: `\*a|\+b`},
		{pat: `a+?`, ere: true, want: `(?:a+)?`},
		{pat: `a^b`, ere: true, want: `a^b`},
		{pat: `\(a`, err: true},
		{pat: `a\)`, err: true},
		{pat: `(a`, ere: true, err: true},
		{pat: `[a`, err: true},
		{pat: `[[:nope:]]`, err: true},
		{pat: `\(a\)\1`, err: true},
		{pat: `a\{x\}`, err: true},
		{pat: `\{1\}`, err: true},
		{pat: `a\`, err: true},
	}
	for _, tt := range tests {
		got, err := cmds.TranslateRegexp(tt.pat, tt.ere)
		switch {
		case tt.err && err == nil:
			t.Errorf("translate(%q, ere=%v) = %q, want an error", tt.pat, tt.ere, got)
		case !tt.err && (err != nil || got != tt.want):
			t.Errorf("translate(%q, ere=%v) = %q, %v; want %q", tt.pat, tt.ere, got, err, tt.want)
		case !tt.err:
			if _, err := regexp.Compile(got); err != nil {
				t.Errorf("translate(%q) = %q does not compile: %v", tt.pat, got, err)
			}
		}
	}
}

func TestGrep(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"f":         "apple pie\nbanana\nCherry tart\napple\n(x)\na+b\n",
		"g":         "grape\nbanana split\n",
		"r/one.txt": "needle here\nnothing\n",
		"r/s/two":   "hay\nneedle\n",
		"r/s/x.go":  "needle in go\n",
		"bin":       "needle\x00binary\n",
		"ctx":       "1\n2\nm3\n4\n5\n6\n7\nm8\n9\n",
		"empty":     "",
	})
	tests := []struct {
		args        []string
		stdin       string
		out, errOut string
		status      int
	}{
		{[]string{"apple", "f"}, "", "apple pie\napple\n", "", 0},
		{[]string{"-c", "apple", "f"}, "", "2\n", "", 0},
		{[]string{"-v", "a", "f"}, "", "(x)\n", "", 0},
		{[]string{"-i", "cherry", "f"}, "", "Cherry tart\n", "", 0},
		{[]string{"-i", "-e", "APPLE P", "-e", "tArT", "f"}, "", "apple pie\nCherry tart\n", "", 0},
		{[]string{"-i", "ÉTÉ"}, "été\nete\n", "été\n", "", 0},
		{[]string{"-i", "k"}, "\u212a\nx\n", "\u212a\n", "", 0},
		{[]string{"-ic", ""}, "a\nb\n", "2\n", "", 0},
		{[]string{"-n", "banana", "f", "g"}, "", "f:2:banana\ng:2:banana split\n", "", 0},
		{[]string{"-h", "banana", "f", "g"}, "", "banana\nbanana split\n", "", 0},
		{[]string{"-H", "grape", "g"}, "", "g:grape\n", "", 0},
		{[]string{"-l", "banana", "f", "g"}, "", "f\ng\n", "", 0},
		{[]string{"-L", "apple", "f", "g"}, "", "g\n", "", 0},
		// -L succeeds when it lists a file, as in BusyBox.
		{[]string{"-L", "apple", "f"}, "", "", "", 1},
		{[]string{"-L", "grape", "f", "-"}, "x\n", "f\n(standard input)\n", "", 0},
		// No pattern (an empty -f file) matches no line.
		{[]string{"-f", "empty"}, "test\n", "", "", 1},
		{[]string{"-v", "-f", "empty"}, "test\n", "test\n", "", 0},
		{[]string{"-vxf", "empty"}, "test\n", "test\n", "", 0},
		{[]string{"-c", "-f", "empty", "-e", "t"}, "test\nx\n", "1\n", "", 0},
		{[]string{"-w", "apple", "f"}, "", "apple pie\napple\n", "", 0},
		{[]string{"-w", "appl", "f"}, "", "", "", 1},
		{[]string{"-x", "apple", "f"}, "", "apple\n", "", 0},
		{[]string{"-o", "an", "g"}, "", "an\nan\n", "", 0},
		{[]string{"-ow", "apple"}, "apple apple, pineapple\n", "apple\napple\n", "", 0},
		{[]string{"-q", "apple", "f"}, "", "", "", 0},
		{[]string{"-q", "zzz", "f"}, "", "", "", 1},
		{[]string{"-m1", "apple", "f"}, "", "apple pie\n", "", 0},
		{[]string{"-e", "grape", "-e", "tart", "f", "g"}, "", "f:Cherry tart\ng:grape\n", "", 0},
		{[]string{"-F", "a+b", "f"}, "", "a+b\n", "", 0},
		// BRE: + and ( are literal; ERE: operators.
		{[]string{"a+b", "f"}, "", "a+b\n", "", 0},
		{[]string{"-E", "p+l", "f"}, "", "apple pie\napple\n", "", 0},
		{[]string{"p+l", "f"}, "", "", "", 1},
		{[]string{`p\+l`, "f"}, "", "apple pie\napple\n", "", 0},
		{[]string{"-E", "^(apple|grape)$", "f", "g"}, "", "f:apple\ng:grape\n", "", 0},
		{[]string{"^(x)$", "f"}, "", "(x)\n", "", 0},
		{[]string{`^\(ban\)\{1\}ana$`, "f"}, "", "banana\n", "", 0},
		{[]string{`pie\|tart`, "f"}, "", "apple pie\nCherry tart\n", "", 0},
		{[]string{"-rn", "needle", "r"}, "", "r/one.txt:1:needle here\nr/s/two:2:needle\nr/s/x.go:1:needle in go\n", "", 0},
		{[]string{"-r", "--include=*.go", "needle", "r"}, "", "r/s/x.go:needle in go\n", "", 0},
		{[]string{"-rl", "needle", "r/s/"}, "", "r/s/two\nr/s/x.go\n", "", 0},
		{[]string{"-C1", "^m", "ctx"}, "", "2\nm3\n4\n--\n7\nm8\n9\n", "", 0},
		{[]string{"-n", "-A1", "m3", "ctx"}, "", "3:m3\n4-4\n", "", 0},
		{[]string{"-B2", "m8", "ctx"}, "", "6\n7\nm8\n", "", 0},
		{[]string{"needle", "bin"}, "", "", "grep: bin: binary file matches\n", 0},
		{[]string{"-c", "needle", "bin"}, "", "1\n", "", 0},
		{[]string{"b"}, "abc\nxyz\n", "abc\n", "", 0},
		{[]string{"needle", "r"}, "", "", "grep: r: Is a directory\n", 2},
		{[]string{"apple", "nope", "f"}, "", "f:apple pie\nf:apple\n", "grep: nope: No such file or directory\n", 2},
		{[]string{"-s", "apple", "nope"}, "", "", "", 2},
		{[]string{"-q", "apple", "nope", "f"}, "", "", "grep: nope: No such file or directory\n", 0},
		{[]string{`\(`, "f"}, "", "", "grep: unmatched \\(\n", 2},
		{[]string{`a\1`, "f"}, "", "", "grep: back-references (\\1) are not supported\n", 2},
		{[]string{"-E", "a{2000}", "f"}, "", "", "grep: invalid repeat count\n", 2},
		{nil, "", "", "grep: no pattern given\nusage: grep " + cmds.Lookup("grep").Usage + "\n", 2},
		{[]string{"-Q", "x"}, "", "", "grep: unknown option -Q\nusage: grep " + cmds.Lookup("grep").Usage + "\n", 2},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "grep", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("grep %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
	// -r without operands searches "." and names files without "./".
	out, _, _ := cmdtest.Run(t, dir+"/r", "", "grep", "-r", "hay")
	if out != "s/two:hay\n" {
		t.Errorf("grep -r hay in r: %q", out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "grep", "--color=always", "an", "g")
	if !strings.Contains(out, "b\x1b[01;31m\x1b[Kan\x1b[m\x1b[K") {
		t.Errorf("grep --color=always: %q", out)
	}
}

func FuzzBRE(f *testing.F) {
	for _, s := range []string{`a.c`, `\(ab\)*\{1,2\}`, `[]^[:alpha:]-]`, `^*$`, `a\|b\+`, `x**\?`, `[[=a=][.b.]]`, `\<\>\b\w`, `(a|b){,3}`, `a{1`, `é[é-ü]`} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, pat string, ere bool) {
		got, err := cmds.TranslateRegexp(pat, ere)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("%q: empty error", pat)
			}
			return
		}
		// What compiles must compile; what does not must say why in
		// RE2's own words, which compileGrep passes on.
		if _, err := regexp.Compile(got); err != nil {
			if _, err2 := compileGrep([]string{pat}, ere, false, false, false); err2 == nil || err2.Error() == "" {
				t.Errorf("%q -> %q: %v, but compileGrep said %v", pat, got, err, err2)
			}
		}
		// A pattern with no special characters matches itself.
		if strings.Trim(pat, "abcdefghijklmnopqrstuvwxyz0123456789 ") == "" {
			if re, err := regexp.Compile(got); err != nil || !re.MatchString(pat) {
				t.Errorf("%q -> %q does not match itself", pat, got)
			}
		}
	})
}
