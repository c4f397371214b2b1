package coreutils

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestStat(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"f": "hello", "e": ""})
	os.Symlink("f", filepath.Join(dir, "l"))
	os.Chmod(filepath.Join(dir, "f"), 0o640)
	mt := time.Date(2021, 3, 4, 5, 6, 7, 0, time.Local)
	os.Chtimes(filepath.Join(dir, "f"), mt, mt)
	fi, _ := os.Stat(filepath.Join(dir, "f"))
	st := cmds.RawStat(fi)
	uid, gid := os.Getuid(), os.Getgid()
	var names ownerNames
	tests := []struct {
		args        []string
		out, errOut string
		status      int
	}{
		{[]string{"-c", "%n %s %a %A %F %h %Y", "f"}, fmt.Sprintf("f 5 640 -rw-r----- regular file 1 %d\n", mt.Unix()), "", 0},
		{[]string{"-c", "%u %g %U %G", "f"}, fmt.Sprintf("%d %d %s %s\n", uid, gid, names.user(uint32(uid)), names.group(uint32(gid))), "", 0},
		{[]string{"-c", "%i %y", "f"}, fmt.Sprintf("%d %s\n", st.Ino, mt.Format("2006-01-02 15:04:05.000000000 -0700")), "", 0},
		{[]string{"-c", "%F|%N", "l"}, "symbolic link|'l' -> 'f'\n", "", 0},
		{[]string{"-L", "-c", "%F %s", "l"}, "regular file 5\n", "", 0},
		{[]string{"-c", "[%-6s][%6s][%04a] 100%%", "f", "e"}, "[5     ][     5][0640] 100%\n[0     ][     0][0644] 100%\n", "", 0},
		{[]string{"-c", "%F", "e", "."}, "regular empty file\ndirectory\n", "", 0},
		{[]string{"--printf", `%s\n`, "f"}, "5\n", "", 0},
		{[]string{"-c", "%Q", "f"}, "", "stat: '%Q': invalid directive\n", 1},
		{[]string{"nope"}, "", "stat: nope: No such file or directory\n", 1},
		{nil, "", "stat: missing operand\nusage: stat [-Lt] [-c FORMAT | --printf FORMAT] FILE...\n", 2},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "stat", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("stat %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}

	out, _, _ := cmdtest.Run(t, dir, "", "stat", "f")
	lines := strings.Split(out, "\n")
	want := []string{
		"  File: f",
		fmt.Sprintf("  Size: 5         \tBlocks: %-10d IO Block: %-6d regular file", st.Blocks, st.Blksize),
		fmt.Sprintf("Device: %d,%d\tInode: %-10d  Links: 1", devMajor(st.Dev), devMinor(st.Dev), st.Ino),
		fmt.Sprintf("Access: (0640/-rw-r-----)  Uid: (%5d/%8s)   Gid: (%5d/%8s)", uid, names.user(uint32(uid)), gid, names.group(uint32(gid))),
	}
	for i, w := range want {
		if i >= len(lines) || lines[i] != w {
			t.Errorf("stat line %d:\n%q\nwant\n%q", i, lines[min(i, len(lines)-1)], w)
		}
	}
	if len(lines) != 9 || !strings.HasPrefix(lines[5], "Modify: 2021-03-04 05:06:07.000000000 ") || !strings.HasPrefix(lines[7], " Birth: ") {
		t.Errorf("stat times:\n%s", out)
	}
	out, _, _ = cmdtest.Run(t, "/dev", "", "stat", "null")
	if !strings.Contains(out, "character special file") || !strings.Contains(out, "Device type: 1,3") {
		t.Errorf("stat /dev/null:\n%s", out)
	}
}
