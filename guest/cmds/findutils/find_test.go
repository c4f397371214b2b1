package findutils

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

// findTree makes the tree the find tests search:
//
//	t/a.txt t/B.TXT t/empty t/sub/deep/c.go t/sub/big t/void/ t/ln -> a.txt
func findTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"t/a.txt":          "hello",
		"t/B.TXT":          "HELLO",
		"t/empty":          "",
		"t/sub/deep/c.go":  "package c\n",
		"t/sub/big":        strings.Repeat("x", 2000),
		"t/void/":          "",
		"t/sub/deep/.hide": "h",
	})
	if err := os.Symlink("a.txt", filepath.Join(dir, "t/ln")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sortedLines sorts find's output: directories are read in the file
// system's order.
func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, " ")
}

func TestFindExpressions(t *testing.T) {
	dir := findTree(t)
	tests := []struct {
		args []string
		want string // sorted, space-separated
	}{
		{[]string{"t"}, "t t/B.TXT t/a.txt t/empty t/ln t/sub t/sub/big t/sub/deep t/sub/deep/.hide t/sub/deep/c.go t/void"},
		{[]string{"t", "-name", "*.txt"}, "t/a.txt"},
		{[]string{"t", "-iname", "*.txt"}, "t/B.TXT t/a.txt"},
		{[]string{"t", "-name", "*hide"}, "t/sub/deep/.hide"}, // * matches a leading dot, as GNU find
		{[]string{"t", "-name", "[ab]*"}, "t/a.txt t/sub/big"},
		{[]string{"t", "-type", "d"}, "t t/sub t/sub/deep t/void"},
		{[]string{"t", "-type", "l"}, "t/ln"},
		{[]string{"t", "-type", "f", "-name", "*.go"}, "t/sub/deep/c.go"},
		{[]string{"t", "-path", "t/sub*"}, "t/sub t/sub/big t/sub/deep t/sub/deep/.hide t/sub/deep/c.go"},
		{[]string{"t", "-ipath", "*/b.txt"}, "t/B.TXT"},
		{[]string{"t", "-name", "*.txt", "-o", "-name", "*.go"}, "t/a.txt t/sub/deep/c.go"},
		{[]string{"t", "-type", "f", "-a", "!", "-name", "*.*"}, "t/empty t/sub/big"},
		{[]string{"t", "-not", "-type", "d", "-not", "-type", "f"}, "t/ln"},
		{[]string{"t", "!", "!", "-name", "ln"}, "t/ln"},
		{[]string{"t", "(", "-name", "a*", "-o", "-name", "c*", ")", "-type", "f"}, "t/a.txt t/sub/deep/c.go"},
		{[]string{"t", "-type", "f", "(", "-name", "a*", "-o", "(", "-name", "c*", ")", ")"}, "t/a.txt t/sub/deep/c.go"},
		{[]string{"t", "-name", "sub", "-prune", "-o", "-type", "f", "-print"}, "t/B.TXT t/a.txt t/empty"},
		{[]string{"t", "-maxdepth", "1", "-type", "d"}, "t t/sub t/void"},
		{[]string{"t", "-mindepth", "2", "-type", "d"}, "t/sub/deep"},
		{[]string{"t", "-maxdepth", "0"}, "t"},
		{[]string{"t", "-empty"}, "t/empty t/void"},
		{[]string{"t", "-type", "f", "-size", "+1k"}, "t/sub/big"},
		{[]string{"t", "-type", "f", "-size", "-6c"}, "t/B.TXT t/a.txt t/empty t/sub/deep/.hide"},
		{[]string{"t", "-size", "5c"}, "t/B.TXT t/a.txt t/ln"},                                                   // a link's size is its target's length,
		{[]string{"t", "-type", "f", "-size", "-1"}, "t/B.TXT t/a.txt t/empty t/sub/deep/.hide t/sub/deep/c.go"}, // bytes under 512, as BusyBox
		{[]string{"t", "-regex", `.*/[a-c]\..*`}, "t/a.txt t/sub/deep/c.go"},
		{[]string{"t", "-type", "f", "-links", "1", "-name", "a*"}, "t/a.txt"},
		{[]string{"t", "-user", "0", "-name", "a*"}, "t/a.txt"},
		{[]string{"t/", "-name", "t"}, "t/"},
		{[]string{"t/sub/", "-name", "c.go"}, "t/sub/deep/c.go"},
		{[]string{"-L", "t", "-type", "f", "-name", "ln"}, "t/ln"},
		{[]string{"t", "-mtime", "-1", "-name", "a*"}, "t/a.txt"},
		{[]string{"t", "-mmin", "+5", "-name", "a*"}, ""},
		{[]string{"t", "-name", "a*", "-print", "-print"}, "t/a.txt t/a.txt"},
	}
	if os.Geteuid() != 0 {
		tests = tests[:len(tests)-1]
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "find", tt.args...)
		if got := sortedLines(out); got != tt.want || st != 0 || errOut != "" {
			t.Errorf("find %q = %q (status %d, %q), want %q", tt.args, got, st, errOut, tt.want)
		}
	}
}

func TestFindPerm(t *testing.T) {
	dir := t.TempDir()
	for name, mode := range map[string]uint32{"r": 0o644, "x": 0o755, "s": 0o4711, "o": 0o600} {
		cmdtest.WriteFiles(t, dir, map[string]string{name: ""})
		if err := syscall.Chmod(filepath.Join(dir, name), mode); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ perm, want string }{
		{"644", "r"},
		{"-644", "r x"},
		{"/111", "s x"},
		{"+4000", "s"},
		{"-u+x", "s x"},
		{"u=rw", "o"},
		{"-g=r,o=r", "r x"},
		{"/o+w", ""},
	}
	for _, tt := range tests {
		out, errOut, _ := cmdtest.Run(t, dir, "", "find", "r", "x", "s", "o", "-perm", tt.perm)
		if got := sortedLines(out); got != tt.want {
			t.Errorf("find -perm %s = %q (%q), want %q", tt.perm, got, errOut, tt.want)
		}
	}
}

func TestFindNewer(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"old": "", "new": "", "same": ""})
	past := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dir, "old"), past, past)
	// Equal seconds are not newer: BusyBox compares whole seconds.
	st, _ := os.Stat(filepath.Join(dir, "new"))
	os.Chtimes(filepath.Join(dir, "same"), st.ModTime(), st.ModTime())
	out, _, _ := cmdtest.Run(t, dir, "", "find", "old", "new", "same", "-newer", "old")
	if got := sortedLines(out); got != "new same" {
		t.Errorf("-newer old = %q", got)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "find", "old", "new", "same", "-newer", "same")
	if out != "" {
		t.Errorf("-newer same = %q, want nothing", out)
	}
}

func TestFindExec(t *testing.T) {
	dir := findTree(t)
	out, errOut, st := cmdtest.Run(t, dir, "", "find", "t/sub/deep", "-name", "c.go", "-exec", "echo", "[{}]", "x{}y", ";")
	if out != "[t/sub/deep/c.go] xt/sub/deep/c.goy\n" || st != 0 {
		t.Errorf("-exec ; = %q, %q, %d", out, errOut, st)
	}
	out, _, st = cmdtest.Run(t, dir, "", "find", "t", "-name", "*.txt", "-exec", "echo", "files", "{}", "end", "+")
	if out != "files t/a.txt end\n" || st != 0 {
		t.Errorf("-exec + = %q, %d", out, st)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "find", "t", "-iname", "*.txt", "-exec", "echo", "{}", "+")
	if f := strings.Fields(out); len(f) != 2 || strings.Count(out, "\n") != 1 {
		t.Errorf("-exec + ran more than once: %q", out)
	}
	// -exec is a test: its status decides what follows.
	out, _, st = cmdtest.Run(t, dir, "", "find", "t/a.txt", "t/B.TXT", "-exec", "grep", "-q", "hello", "{}", ";", "-print")
	if out != "t/a.txt\n" || st != 0 {
		t.Errorf("-exec as a test = %q, %d", out, st)
	}
	// What find prints before a command comes before what it prints.
	out, _, _ = cmdtest.Run(t, dir, "", "find", "t/a.txt", "-print", "-exec", "echo", "after", ";")
	if out != "t/a.txt\nafter\n" {
		t.Errorf("order = %q", out)
	}
	_, errOut, st = cmdtest.Run(t, dir, "", "find", "t/a.txt", "-exec", "no-such-program", "{}", ";")
	if errOut != "find: no-such-program: No such file or directory\n" || st != 0 {
		t.Errorf("missing program = %q, %d", errOut, st)
	}
	// A failing -exec + makes find fail.
	_, _, st = cmdtest.Run(t, dir, "", "find", "t/a.txt", "-exec", "false", "{}", "+")
	if st != 1 {
		t.Errorf("-exec false {} + = %d, want 1", st)
	}
	// The command runs in find's directory.
	out, _, _ = cmdtest.Run(t, filepath.Join(dir, "t"), "", "find", "a.txt", "-exec", "cat", "{}", ";")
	if out != "hello" {
		t.Errorf("-exec cat in find's directory = %q", out)
	}
}

func TestFindPrint0AndQuit(t *testing.T) {
	dir := findTree(t)
	out, _, _ := cmdtest.Run(t, dir, "", "find", "t/a.txt", "t/empty", "-print0")
	if out != "t/a.txt\x00t/empty\x00" {
		t.Errorf("-print0 = %q", out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "find", "t/a.txt", "t/empty", "-print", "-quit")
	if out != "t/a.txt\n" {
		t.Errorf("-print -quit = %q", out)
	}
	// -quit stops before the default -print.
	out, _, _ = cmdtest.Run(t, dir, "", "find", "t/a.txt", "-quit")
	if out != "" {
		t.Errorf("-quit = %q", out)
	}
}

func TestFindDelete(t *testing.T) {
	dir := findTree(t)
	_, errOut, st := cmdtest.Run(t, dir, "", "find", "t/sub", "-delete")
	if st != 0 || errOut != "" {
		t.Fatalf("-delete: %q, %d", errOut, st)
	}
	if _, err := os.Lstat(filepath.Join(dir, "t/sub")); !os.IsNotExist(err) {
		t.Errorf("t/sub still there: %v", err)
	}
	_, _, st = cmdtest.Run(t, dir, "", "find", "t", "-name", "*.txt", "-delete")
	if _, err := os.Lstat(filepath.Join(dir, "t/a.txt")); st != 0 || !os.IsNotExist(err) {
		t.Errorf("-name -delete: %d, %v", st, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "t/empty")); err != nil {
		t.Errorf("-delete took a file that did not match: %v", err)
	}
	// "find . -delete" keeps ".".
	_, _, st = cmdtest.Run(t, filepath.Join(dir, "t"), "", "find", ".", "-delete")
	names, _ := os.ReadDir(filepath.Join(dir, "t"))
	if st != 0 || len(names) != 0 {
		t.Errorf("find . -delete: %d, left %v", st, names)
	}
}

func TestFindErrors(t *testing.T) {
	dir := findTree(t)
	tests := []struct {
		args   []string
		out    string
		errOut string
		status int
	}{
		{[]string{"nope", "t/a.txt"}, "t/a.txt\n", "find: nope: No such file or directory\n", 1},
		{[]string{"t", "-type", "q"}, "", "find: invalid argument 'q' to '-type'\n", 1},
		{[]string{"t", "-type", "fd"}, "", "find: invalid argument 'fd' to '-type'\n", 1},
		{[]string{"t", "-name"}, "", "find: -name requires an argument\n", 1},
		{[]string{"t", "(", "-name", "x"}, "", "find: unpaired '('\n", 1},
		{[]string{"t", "-exec", "echo"}, "", "find: -exec requires an argument\n", 1},
		{[]string{"t", "-exec", ";"}, "", "find: -exec requires an argument\n", 1},
		{[]string{"t", "-exec", "echo", "{}", "{}", "+"}, "", "find: only one '{}' allowed for -exec +\n", 1},
		{[]string{"t", "-maxdepth", "x"}, "", "find: invalid number 'x'\n", 1},
		{[]string{"t", "-size", "1q"}, "", "find: invalid number '1q'\n", 1},
		{[]string{"t", "-perm", "u+q"}, "", "find: invalid mode 'u+q'\n", 1},
		{[]string{"t", "-newer", "nope"}, "", "find: can't stat 'nope': No such file or directory\n", 1},
		{[]string{"t", "-user", "nobody-at-all"}, "", "find: unknown user nobody-at-all\n", 1},
		{[]string{"t", "-typo"}, "", "find: unrecognized: -typo\nusage: find [-HL] [PATH]... [EXPRESSION]\n", 2},
		{[]string{"t", "-name", "x", "extra"}, "", "find: unrecognized: extra\nusage: find [-HL] [PATH]... [EXPRESSION]\n", 2},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "find", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("find %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
}

func TestFindUnreadableDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory")
	}
	dir := findTree(t)
	os.Chmod(filepath.Join(dir, "t/sub"), 0)
	defer os.Chmod(filepath.Join(dir, "t/sub"), 0o755)
	_, errOut, st := cmdtest.Run(t, dir, "", "find", "t/sub")
	if errOut != "find: t/sub: Permission denied\n" || st != 1 {
		t.Errorf("unreadable = %q, %d", errOut, st)
	}
}
