package coreutils

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

// treeOf describes a tree as "path mode [content|-> target]" lines, to
// compare copies.
func treeOf(t *testing.T, root string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		fi, _ := os.Lstat(p)
		line := rel + " " + fi.Mode().String()
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		case fi.Mode().IsRegular():
			line += " " + cmdtest.ReadFile(t, p)
		}
		lines = append(lines, line)
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestCp(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"f": "data", "g": "other", "tree/a": "A", "tree/sub/b": "B", "tree/sub/deep/c": "C", "into/": "",
	})
	os.Chmod(filepath.Join(dir, "tree/a"), 0o751)
	os.Symlink("a", filepath.Join(dir, "tree/link"))
	tests := []struct {
		args        []string
		out, errOut string
		status      int
	}{
		{[]string{"f", "f2"}, "", "", 0},
		{[]string{"f", "g", "into"}, "", "", 0},
		{[]string{"-v", "f", "into/"}, "'f' -> 'into/f'\n", "", 0},
		{[]string{"f", "g", "f2"}, "", "cp: target 'f2' is not a directory\n", 1},
		{[]string{"tree", "t2"}, "", "cp: omitting directory 'tree'\n", 1},
		{[]string{"-r", "tree", "copy"}, "", "", 0},
		{[]string{"-r", "tree", "tree/sub"}, "", "cp: cannot copy a directory, 'tree', into itself, 'tree/sub/tree'\n", 1},
		{[]string{"f", "f"}, "", "cp: 'f' and 'f' are the same file\n", 1},
		{[]string{"nope", "x"}, "", "cp: nope: No such file or directory\n", 1},
		{[]string{"f"}, "", "cp: missing destination file operand after 'f'\nusage: cp " + cmds.Lookup("cp").Usage + "\n", 2},
		{[]string{"-n", "g", "f2"}, "", "", 0},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "cp", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("cp %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "f2")); got != "data" {
		t.Errorf("f2 = %q (-n must not overwrite)", got)
	}
	if cmdtest.ReadFile(t, filepath.Join(dir, "into/g")) != "other" {
		t.Errorf("into/g not copied")
	}
	if got, want := treeOf(t, filepath.Join(dir, "copy")), treeOf(t, filepath.Join(dir, "tree")); got != want {
		t.Errorf("cp -r tree differs:\n%s\nwant\n%s", got, want)
	}
	// Copying onto an existing directory puts the tree inside it.
	cmdtest.Run(t, dir, "", "cp", "-r", "tree", "copy")
	if _, err := os.Stat(filepath.Join(dir, "copy/tree/sub/deep/c")); err != nil {
		t.Errorf("cp -r into existing dir: %v", err)
	}
}

func TestCpPreserve(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"src/f": "x", "src/d/g": "y"})
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, p := range []string{"src/f", "src/d/g", "src/d", "src"} {
		os.Chtimes(filepath.Join(dir, p), old, old)
	}
	os.Chmod(filepath.Join(dir, "src/f"), 0o600)
	if _, errOut, st := cmdtest.Run(t, dir, "", "cp", "-a", "src", "dst"); st != 0 {
		t.Fatalf("cp -a: %s", errOut)
	}
	for _, p := range []string{"dst/f", "dst/d/g", "dst/d", "dst"} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil || !fi.ModTime().Equal(old) {
			t.Errorf("cp -a: %s time %v, want %v", p, fi.ModTime(), old)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, "dst/f")); fi.Mode().Perm() != 0o600 {
		t.Errorf("cp -a: mode %v", fi.Mode())
	}
	// Without -p the copy is new: its time is now, its mode the source's.
	cmdtest.Run(t, dir, "", "cp", "src/f", "plain")
	if fi, _ := os.Stat(filepath.Join(dir, "plain")); fi.ModTime().Equal(old) || fi.Mode().Perm() != 0o600 {
		t.Errorf("cp: %v %v", fi.ModTime(), fi.Mode())
	}
}

// TestCpLinks: how cp takes symlinks, as BusyBox's cp.tests has it.
func TestCpLinks(t *testing.T) {
	for _, tt := range []struct {
		flags string
		want  string // what file_symlink and dir_symlink became, and the status
	}{
		{"", "file dir_symlink:- 1"},
		{"-d", "link dir_symlink:link 1"},
		{"-P", "link dir_symlink:link 1"},
		{"-L", "file dir_symlink:- 1"},
		{"-H", "file dir_symlink:- 1"},
		{"-R", "link dir_symlink:link 0"},
		{"-RL", "file dir_symlink:dir 0"},
		{"-RH", "file dir_symlink:dir 0"},
		{"-RHP", "file dir_symlink:dir 0"},
		{"-a", "link dir_symlink:link 0"},
	} {
		dir := t.TempDir()
		cmdtest.WriteFiles(t, dir, map[string]string{"src/file": "x", "src/dir/file": "y", "dst/": ""})
		os.Symlink("file", filepath.Join(dir, "src/file_symlink"))
		os.Symlink("dir", filepath.Join(dir, "src/dir_symlink"))
		args := []string{"file", "file_symlink", "dir", "dir_symlink", "../dst"}
		if tt.flags != "" {
			args = append([]string{tt.flags}, args...)
		}
		_, errOut, st := cmdtest.Run(t, filepath.Join(dir, "src"), "", "cp", args...)
		kind := func(p string) string {
			fi, err := os.Lstat(filepath.Join(dir, "dst", p))
			switch {
			case err != nil:
				return "-"
			case fi.Mode()&fs.ModeSymlink != 0:
				return "link"
			case fi.IsDir():
				return "dir"
			}
			return "file"
		}
		got := kind("file_symlink") + " dir_symlink:" + kind("dir_symlink") + " " + string(rune('0'+st))
		if got != tt.want {
			t.Errorf("cp %s: %s, want %s (%q)", tt.flags, got, tt.want, errOut)
		}
	}
}

func TestCpTargets(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a": "A", "b": "B", "new": "N", "foo/bar/f": "F", "in/": "", "d/": ""})
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	os.Chtimes(filepath.Join(dir, "a"), old, old)
	os.Chtimes(filepath.Join(dir, "new"), time.Now().Add(time.Hour), time.Now().Add(time.Hour))
	for _, tt := range []struct {
		args   []string
		status int
	}{
		{[]string{"-t", "in", "a", "b"}, 0},
		{[]string{"--parents", "foo/bar/f", "in"}, 0},
		{[]string{"-T", "a", "d"}, 1},
		{[]string{"-l", "a", "hard"}, 0},
		{[]string{"-s", "b", "soft"}, 0},
		{[]string{"-u", "new", "in/a"}, 0},
		{[]string{"-u", "a", "in/b"}, 0},
		{[]string{"-i", "b", "in/b"}, 0},
		{[]string{"-ls", "a", "x"}, 2},
	} {
		if _, errOut, st := cmdtest.Run(t, dir, "n\n", "cp", tt.args...); st != tt.status {
			t.Errorf("cp %q: %d %q, want %d", tt.args, st, errOut, tt.status)
		}
	}
	for p, want := range map[string]string{"in/a": "N", "in/b": "B", "in/foo/bar/f": "F", "hard": "A", "soft": "B"} {
		if got, err := os.ReadFile(filepath.Join(dir, p)); err != nil || string(got) != want {
			t.Errorf("%s: %q %v, want %q", p, got, err, want)
		}
	}
	if target, err := os.Readlink(filepath.Join(dir, "soft")); err != nil || target != "b" {
		t.Errorf("cp -s: %q %v", target, err)
	}
}

func TestCpHardLinks(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"foo": "x", "baz/": "", "plain/": ""})
	os.Link(filepath.Join(dir, "foo"), filepath.Join(dir, "bar"))
	if _, errOut, st := cmdtest.Run(t, dir, "", "cp", "-d", "foo", "bar", "baz"); st != 0 {
		t.Fatalf("cp -d: %d %s", st, errOut)
	}
	cmdtest.Run(t, dir, "", "cp", "foo", "bar", "plain")
	same := func(a, b string) bool {
		fa, _ := os.Stat(filepath.Join(dir, a))
		fb, _ := os.Stat(filepath.Join(dir, b))
		return os.SameFile(fa, fb)
	}
	if !same("baz/foo", "baz/bar") {
		t.Errorf("cp -d: the two names of one file became two files")
	}
	if same("plain/foo", "plain/bar") {
		t.Errorf("cp (following links): the copies are one file")
	}
}
