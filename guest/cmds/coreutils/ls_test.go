package coreutils

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestLs(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"b.txt": "hello", "a.txt": "x", ".hidden": "", "sub/inner": "", "sub/deeper/leaf": "", "big": strings.Repeat("x", 3000),
	})
	os.Symlink("a.txt", filepath.Join(dir, "link"))
	os.Chmod(filepath.Join(dir, "b.txt"), 0o755)
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.Local)
	for i, name := range []string{"a.txt", "b.txt", "big", "sub", "sub/inner", "sub/deeper"} {
		// a.txt newest.
		ts := old.Add(-time.Duration(i) * time.Hour)
		os.Chtimes(filepath.Join(dir, name), ts, ts)
	}
	tests := []struct {
		args   []string
		out    string
		status int
	}{
		{nil, "a.txt\nb.txt\nbig\nlink\nsub\n", 0},
		{[]string{"-a"}, ".\n..\n.hidden\na.txt\nb.txt\nbig\nlink\nsub\n", 0},
		{[]string{"-A"}, ".hidden\na.txt\nb.txt\nbig\nlink\nsub\n", 0},
		{[]string{"-r"}, "sub\nlink\nbig\nb.txt\na.txt\n", 0},
		{[]string{"-1t", "a.txt", "b.txt", "big", "sub"}, "a.txt\nb.txt\nbig\n\nsub:\ninner\ndeeper\n", 0},
		{[]string{"-td", "a.txt", "b.txt", "big", "sub"}, "a.txt\nb.txt\nbig\nsub\n", 0},
		{[]string{"-S", "a.txt", "b.txt", "big"}, "big\nb.txt\na.txt\n", 0},
		{[]string{"-Sr", "a.txt", "b.txt", "big"}, "a.txt\nb.txt\nbig\n", 0},
		{[]string{"-d", "sub"}, "sub\n", 0},
		{[]string{"sub"}, "deeper\ninner\n", 0},
		{[]string{"-F"}, "a.txt\nb.txt*\nbig\nlink@\nsub/\n", 0},
		{[]string{"-R", "sub"}, "sub:\ndeeper\ninner\n\nsub/deeper:\nleaf\n", 0},
		{[]string{"b.txt", "sub", "a.txt"}, "a.txt\nb.txt\n\nsub:\ndeeper\ninner\n", 0},
		{[]string{"link"}, "link\n", 0},
		{[]string{"nope", "a.txt"}, "a.txt\n", 1},
		{[]string{"-Z"}, "", 2},
	}
	for _, tt := range tests {
		out, _, st := cmdtest.Run(t, dir, "", "ls", tt.args...)
		if out != tt.out || st != tt.status {
			t.Errorf("ls %q = %q, %d; want %q, %d", tt.args, out, st, tt.out, tt.status)
		}
	}
	_, errOut, _ := cmdtest.Run(t, dir, "", "ls", "nope")
	if errOut != "ls: nope: No such file or directory\n" {
		t.Errorf("ls nope: stderr %q", errOut)
	}
	_, errOut, _ = cmdtest.Run(t, dir, "", "ls", "-Z")
	if !strings.Contains(errOut, "unknown option -Z\nusage: ls ") {
		t.Errorf("ls -Z: stderr %q", errOut)
	}
}

func TestLsLong(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"file": "hello", "sub/": ""})
	os.Symlink("file", filepath.Join(dir, "link"))
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.Local)
	os.Chtimes(filepath.Join(dir, "file"), old, old)
	recent := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dir, "sub"), recent, recent)
	uid, gid := os.Getuid(), os.Getgid()

	out, _, st := cmdtest.Run(t, dir, "", "ls", "-ln", "file")
	// BusyBox's fixed columns.
	want := fmt.Sprintf("-rw-r--r--    1 %-8d %-8d         5 Jan  2  2020 file\n", uid, gid)
	if out != want || st != 0 {
		t.Errorf("ls -ln file = %q, %d; want %q", out, st, want)
	}

	out, _, _ = cmdtest.Run(t, dir, "", "ls", "-ld", "sub")
	var names ownerNames
	fi, _ := os.Stat(filepath.Join(dir, "sub"))
	want = fmt.Sprintf("drwxr-xr-x    2 %-8.8s %-8.8s %9d %s sub\n", names.user(uint32(uid)), names.group(uint32(gid)), fi.Size(), recent.Format("Jan _2 15:04"))
	if out != want {
		t.Errorf("ls -ld sub = %q, want %q", out, want)
	}

	out, _, _ = cmdtest.Run(t, dir, "", "ls", "-ln")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "total ") {
		t.Fatalf("ls -ln: %q", out)
	}
	if !strings.HasPrefix(lines[2], "lrwxrwxrwx    1 ") || !strings.HasSuffix(lines[2], " link -> file") {
		t.Errorf("symlink line %q", lines[2])
	}
	// Columns line up: every name starts at the same offset.
	col := strings.Index(lines[1], "file")
	if strings.Index(lines[3], "sub") != col {
		t.Errorf("columns not aligned:\n%s", out)
	}

	out, _, _ = cmdtest.Run(t, "/dev", "", "ls", "-ln", "null")
	if !strings.HasPrefix(out, "crw-rw-rw-    1 ") || !strings.Contains(out, "    1,   3 ") {
		t.Errorf("ls -ln /dev/null = %q", out)
	}
}

func TestLsColumns(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"aa", "bbbb", "c", "dddddd", "e"} {
		cmdtest.WriteFiles(t, dir, map[string]string{n: ""})
	}
	var out bytes.Buffer
	e := &cmds.Env{Stdout: &out, Dir: dir, Environ: []string{"COLUMNS=20"}}
	if st := cmds.Lookup("ls").Main(e, []string{"-C"}); st != 0 {
		t.Fatal(st)
	}
	// Filled top to bottom; each column as wide as its widest name + 2.
	want := "aa    c       e\nbbbb  dddddd\n"
	if out.String() != want {
		t.Errorf("ls -C in 20 columns:\n%q\nwant\n%q", out.String(), want)
	}
	rows, cols := lsLayout([]int{3, 3, 3}, 5)
	if rows != 3 || len(cols) != 1 {
		t.Errorf("narrow terminal: %d rows, %d columns", rows, len(cols))
	}
}

func TestLsColor(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"d/": "", "f": ""})
	out, _, _ := cmdtest.Run(t, dir, "", "ls", "--color=always")
	if out != "\x1b[01;34md\x1b[0m\nf\n" {
		t.Errorf("ls --color=always = %q", out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "ls", "--color", "d")
	if out != "" {
		t.Errorf("ls --color d = %q (bare --color must not take d as its value)", out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "ls")
	if strings.Contains(out, "\x1b") {
		t.Errorf("colour without a terminal: %q", out)
	}
}

// TestLsBusyBox: -s, -i, -p, -h and the total line as BusyBox's ls has
// them.
func TestLsBusyBox(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a": strings.Repeat("x", 5000), "d/": ""})
	os.Symlink("d", filepath.Join(dir, "l"))
	blocks := func(name string) int64 {
		fi, _ := os.Lstat(filepath.Join(dir, name))
		return cmds.RawStat(fi).Blocks / 2
	}
	total := (2*(blocks("a")+blocks("d")+blocks("l")) + 1) / 2
	out, _, _ := cmdtest.Run(t, dir, "", "ls", "-1s")
	want := fmt.Sprintf("total %d\n%6d a\n%6d d\n%6d l\n", total, blocks("a"), blocks("d"), blocks("l"))
	if out != want {
		t.Errorf("ls -1s = %q, want %q", out, want)
	}
	if out, _, _ := cmdtest.Run(t, dir, "", "ls", "-p"); out != "a\nd/\nl\n" {
		t.Errorf("ls -p = %q", out)
	}
	if out, _, _ := cmdtest.Run(t, dir, "", "ls", "-s", "a"); out != fmt.Sprintf("%6d a\n", blocks("a")) {
		t.Errorf("ls -s a = %q (no total for files)", out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "ls", "-lhF")
	if lines := strings.Split(out, "\n"); len(lines) != 5 || !strings.Contains(lines[1], "    4.9K ") || !strings.HasSuffix(lines[3], " l -> d/") {
		t.Errorf("ls -lhF = %q", out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "ls", "-L", "-l")
	if !strings.Contains(out, "\ndrwx") || strings.Contains(out, " -> ") {
		t.Errorf("ls -L -l = %q", out)
	}
	for n, want := range map[int64]string{0: "0", 1023: "1023", 1024: "1.0K", 5000: "4.9K", 1048000: "1023.4K", 1048575: "1024.0K", 12 << 20: "12.0M"} {
		if got := bbHuman(n, true); got != want {
			t.Errorf("bbHuman(%d) = %q, want %q", n, got, want)
		}
	}
	if got := bbHuman(12<<10+600, false); got != "13K" {
		t.Errorf("bbHuman without tenths = %q", got)
	}
}
