package findutils

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestXargs(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		stdin  string
		args   []string
		out    string
		status int
	}{
		{"a b\n  c\td\n", nil, "a b c d\n", 0},
		{"", nil, "\n", 0},
		{"", []string{"-r", "echo", "x"}, "", 0},
		{"\n \n", []string{"-r"}, "", 0},
		{"1 2 3\n", []string{"echo", "n:"}, "n: 1 2 3\n", 0},
		{"1 2 3 4 5", []string{"-n", "2"}, "1 2\n3 4\n5\n", 0},
		{"1 2 3", []string{"-n2", "echo", "-"}, "- 1 2\n- 3\n", 0},
		{`a 'b c' "d e" f\ g 'x"y' "p'q"`, []string{"-n1"}, "a\nb c\nd e\nf g\nx\"y\np'q\n", 0},
		{`"d\ e"`, []string{"-n1"}, "d\\ e\n", 0}, // no backslash escapes inside quotes
		{"'' a", nil, "a\n", 0},                   // an empty quoted word is no argument
		{"a\x00b c\x00\x00d\n", []string{"-0", "-n1", "echo", "<"}, "< a\n< b c\n< \n< d\n\n", 0},
		{"a,b,,c", []string{"-d", ",", "-n1"}, "a\nb\n\nc\n", 0},
		{"a b\nc d\n", []string{"-d", `\n`}, "a b c d\n", 0},
		{"a\tb\tc", []string{"-d", `\t`, "-n2"}, "a b\nc\n", 0},
		{"a:b", []string{"-d", `\072`}, "a b\n", 0},
		{"a:b", []string{"-d", `\x3a`}, "a b\n", 0},
		{"one two\n\n  three\n", []string{"-I", "X", "echo", "[X]", "X-X"}, "[one two] one two-one two\n[three] three-three\n", 0},
		{"", []string{"-I", "X", "echo", "X"}, "", 0}, // -I implies -r
		{"a\x00b c\x00", []string{"-0", "-I", "{}", "echo", "<{}>"}, "<a>\n<b c>\n", 0},
		{"a b c d", []string{"-s", "10", "echo"}, "a b\nc d\n", 0},
		{"a b c d", []string{"-s", "11", "echo"}, "a b c\nd\n", 0},
		{"a b STOP c", []string{"-E", "STOP"}, "a b\n", 0},
		{"a\nb\n", []string{"-n1", "sh", "-c", "echo $0; exit 3"}, "a\nb\n", 123},
		{"a\nb\n", []string{"-n1", "sh", "-c", "echo $0; exit 255"}, "a\n", 124},
		{"a\nb\n", []string{"-n1", "sh", "-c", "echo $0; kill -9 $$"}, "a\n", 125},
		{"a\n", []string{"no-such-command-here"}, "", 127},
		{"a\n", []string{dir}, "", 126},
		{"a 'b\n", nil, "", 1},
		{"abcdefgh", []string{"-s", "10", "echo"}, "", 1},
		{"x", []string{"-s", "3", "echo"}, "", 1},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "xargs", tt.args...)
		if out != tt.out || st != tt.status {
			t.Errorf("xargs %q <%q = %q, %d (%q); want %q, %d", tt.args, tt.stdin, out, st, errOut, tt.out, tt.status)
		}
	}
}

func TestXargsMessages(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		stdin  string
		args   []string
		errOut string
	}{
		{"a\n", []string{"no-such-command-here"}, "xargs: no-such-command-here: No such file or directory\n"},
		{"a\n", []string{"sh", "-c", "exit 255"}, "xargs: sh: exited with status 255; aborting\n"},
		{"a\n", []string{"sh", "-c", "kill -9 $$"}, "xargs: 'sh' terminated by signal 9\n"},
		{"a 'b\n", nil, "xargs: unmatched single quote\n"},
		{"a \"b\n", nil, "xargs: unmatched double quote\n"},
		{"abcdefgh", []string{"-s", "10", "echo"}, "xargs: argument line too long\n"},
		{"x", []string{"-s", "3", "echo"}, "xargs: can't fit single argument within argument list size limit\n"},
		{"a b\n", []string{"-t", "echo", "x"}, "echo x a b\n"},
		{"a b\n", []string{"-t", "-n1"}, "echo a\necho b\n"},
	}
	for _, tt := range tests {
		_, errOut, _ := cmdtest.Run(t, dir, tt.stdin, "xargs", tt.args...)
		if errOut != tt.errOut {
			t.Errorf("xargs %q <%q: stderr %q, want %q", tt.args, tt.stdin, errOut, tt.errOut)
		}
	}
}

func TestXargsParallel(t *testing.T) {
	dir := t.TempDir()
	var in strings.Builder
	for i := 0; i < 20; i++ {
		in.WriteString(string(rune('a'+i)) + "\n")
	}
	out, _, st := cmdtest.Run(t, dir, in.String(), "xargs", "-P", "4", "-n", "1", "sh", "-c", "touch $0; echo $0")
	lines := strings.Fields(out)
	sort.Strings(lines)
	if st != 0 || len(lines) != 20 || lines[0] != "a" || lines[19] != "t" {
		t.Errorf("-P 4: status %d, output %q", st, out)
	}
	names, _ := os.ReadDir(dir)
	if len(names) != 20 {
		t.Errorf("-P 4 made %d files, want 20", len(names))
	}
	// A failure among parallel runs still gives 123; -P 0 means many.
	_, _, st = cmdtest.Run(t, dir, "1 2 3 4", "xargs", "-P", "0", "-n", "1", "sh", "-c", "test $0 != 3")
	if st != 123 {
		t.Errorf("-P 0 with a failure: status %d, want 123", st)
	}
}

func TestXargsInputs(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"list": "from file\n"})
	out, _, st := cmdtest.Run(t, dir, "not this", "xargs", "-a", "list", "echo")
	if out != "from file\n" || st != 0 {
		t.Errorf("-a list = %q, %d", out, st)
	}
	// The command's standard input is not xargs's.
	out, _, _ = cmdtest.Run(t, dir, "a\nb\n", "xargs", "-n1", "sh", "-c", "echo $0; cat")
	if out != "a\nb\n" {
		t.Errorf("children read xargs's input: %q", out)
	}
	// The command runs in xargs's directory.
	out, _, _ = cmdtest.Run(t, dir, "list", "xargs", "cat")
	if out != "from file\n" {
		t.Errorf("xargs cat list = %q", out)
	}
	_, errOut, st := cmdtest.Run(t, dir, "", "xargs", "-d", "ab")
	if st != 2 || !strings.Contains(errOut, "invalid delimiter 'ab'") {
		t.Errorf("-d ab = %q, %d", errOut, st)
	}
	_, _, st = cmdtest.Run(t, filepath.Join(dir, "nope"), "", "xargs", "-a", "nope")
	if st != 1 {
		t.Errorf("-a nope = %d", st)
	}
}
