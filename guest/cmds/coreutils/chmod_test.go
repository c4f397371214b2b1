package coreutils

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestChmodModes(t *testing.T) {
	tests := []struct {
		mode  string
		old   uint32
		dir   bool
		umask uint32
		want  uint32
	}{
		{"755", 0, false, 022, 0755},
		{"0644", 0777, false, 022, 0644},
		{"4755", 0, false, 022, 04755},
		{"755", 02700, true, 022, 02755}, // directories keep set-id bits
		{"00755", 02700, true, 022, 0755},
		{"u+x", 0644, false, 022, 0744},
		{"go-w", 0666, false, 022, 0644},
		{"a=r", 0777, false, 022, 0444},
		{"+x", 0644, false, 022, 0755},
		{"+w", 0444, false, 022, 0644}, // the umask protects g and o
		{"-w", 0666, false, 022, 0466}, // as GNU: the umask protects g and o
		{"=r", 0777, false, 077, 0400},
		{"u=rwx,g=rx,o=", 0, false, 022, 0750},
		{"a+X", 0644, false, 022, 0644},
		{"a+X", 0744, false, 022, 0755},
		{"a+X", 0600, true, 022, 0711},
		{"u+s,g+s", 0755, false, 022, 06755},
		{"+t", 0777, true, 022, 01777},
		{"o-t", 01777, true, 022, 0777},
		{"g=u", 0704, false, 022, 0774},
		{"go=u-w", 0755, false, 022, 0755},
		{"u-x+w", 0500, false, 022, 0600},
		{"ug+rw,o-rwx", 0007, false, 022, 0660},
		{"u=", 04755, false, 022, 055},
	}
	for _, tt := range tests {
		spec, err := parseChmod(tt.mode)
		if err != nil {
			t.Errorf("parseChmod(%q): %v", tt.mode, err)
			continue
		}
		if got := spec.apply(tt.old, tt.dir, tt.umask); got != tt.want {
			t.Errorf("%q on %04o (dir %v, umask %03o) = %04o, want %04o", tt.mode, tt.old, tt.dir, tt.umask, got, tt.want)
		}
	}
	for _, bad := range []string{"", "x", "u", "u+z", "8", "77777", "u+x,", "a+x y", "+xu"} {
		if _, err := parseChmod(bad); err == nil {
			t.Errorf("parseChmod(%q) accepted", bad)
		}
	}
}

func TestChmod(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"f": "", "d/a": "", "d/sub/b": ""})
	os.Symlink("f", filepath.Join(dir, "d/link"))
	perm := func(p string) os.FileMode {
		fi, err := os.Lstat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	tests := []struct {
		args        []string
		out, errOut string
		status      int
	}{
		{[]string{"600", "f"}, "", "", 0},
		{[]string{"-w", "f"}, "", "", 0},
		{[]string{"-v", "u+w", "f"}, "mode of 'f' changed from 0400 (r--------) to 0600 (rw-------)\n", "", 0},
		{[]string{"-R", "go-rwx", "d"}, "", "", 0},
		{[]string{"755", "nope", "f"}, "", "chmod: nope: No such file or directory\n", 1},
		{[]string{"bad", "f"}, "", "chmod: invalid mode: 'bad'\n", 1},
		{[]string{"755"}, "", "chmod: missing operand after '755'\nusage: chmod [-Rcfv] MODE FILE...\n", 2},
		{[]string{"-f", "755", "nope"}, "", "", 1},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "chmod", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("chmod %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
	if perm("f") != 0o755 {
		t.Errorf("f: %v", perm("f"))
	}
	for p, want := range map[string]os.FileMode{"d": 0o700, "d/a": 0o600, "d/sub": 0o700, "d/sub/b": 0o600} {
		if perm(p) != want {
			t.Errorf("chmod -R: %s is %v, want %v", p, perm(p), want)
		}
	}
}

func FuzzChmodMode(f *testing.F) {
	for _, s := range []string{"755", "u+x", "go-w,a=r", "+X", "u=rwx,g=rx,o=", "g=u", "a+st", "=", "u-x+w=r"} {
		f.Add(s, uint32(0644), false)
	}
	f.Fuzz(func(t *testing.T, s string, old uint32, dir bool) {
		spec, err := parseChmod(s)
		if err != nil {
			return
		}
		if got := spec.apply(0, dir, 022); got > 07777 {
			t.Errorf("%q on 0: %o", s, got)
		}
		if got := spec.apply(old&07777, dir, 022); got > 07777 {
			t.Errorf("%q on %o: %o", s, old&07777, got)
		}
	})
}
