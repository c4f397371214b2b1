package coreutils

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestMktemp(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", filepath.Join(dir, "tmp"))
	os.Mkdir(filepath.Join(dir, "tmp"), 0o755)
	os.Mkdir(filepath.Join(dir, "p"), 0o755)
	tests := []struct {
		args    []string
		pattern string // the printed name
		isDir   bool
		exists  bool
	}{
		{[]string{"fXXXXXX"}, `^f[A-Za-z0-9]{6}$`, false, true},
		{[]string{"-d", "dXXXXXX"}, `^d[A-Za-z0-9]{6}$`, true, true},
		{nil, `^` + dir + `/tmp/tmp\.[A-Za-z0-9]{6}$`, false, true},
		{[]string{"-t", "xXXXXXX"}, `^` + dir + `/tmp/x[A-Za-z0-9]{6}$`, false, true},
		{[]string{"-p", "p", "yXXXXXX"}, `^p/y[A-Za-z0-9]{6}$`, false, true},
		{[]string{"-p", "p/", "-d", "zXXXXXX"}, `^p/z[A-Za-z0-9]{6}$`, true, true},
		{[]string{"-u", "uXXXXXX"}, `^u[A-Za-z0-9]{6}$`, false, false},
		{[]string{"aXXXXXXXX"}, `^aXX[A-Za-z0-9]{6}$`, false, true}, // only the last six
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "mktemp", tt.args...)
		name := strings.TrimSuffix(out, "\n")
		if st != 0 || !regexp.MustCompile(tt.pattern).MatchString(name) {
			t.Errorf("mktemp %q = %q, %d (%q); want %s", tt.args, out, st, errOut, tt.pattern)
			continue
		}
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		fi, err := os.Stat(p)
		if !tt.exists {
			if err == nil {
				t.Errorf("mktemp %q made %s", tt.args, name)
			}
			continue
		}
		switch {
		case err != nil:
			t.Errorf("mktemp %q: %v", tt.args, err)
		case fi.IsDir() != tt.isDir:
			t.Errorf("mktemp %q: directory %v", tt.args, fi.IsDir())
		case tt.isDir && fi.Mode().Perm() != 0o700, !tt.isDir && fi.Mode().Perm() != 0o600:
			t.Errorf("mktemp %q: mode %v", tt.args, fi.Mode())
		}
	}
	a, _, _ := cmdtest.Run(t, dir, "", "mktemp", "sameXXXXXX")
	b, _, _ := cmdtest.Run(t, dir, "", "mktemp", "sameXXXXXX")
	if a == b {
		t.Errorf("two mktemp gave %q", a)
	}
	for _, args := range [][]string{{"fXXXXX"}, {"-p", "nodir", "fXXXXXX"}, {"-q", "fXX"}} {
		out, errOut, st := cmdtest.Run(t, dir, "", "mktemp", args...)
		if st != 1 || out != "" || (args[0] == "-q") != (errOut == "") {
			t.Errorf("mktemp %q = %q, %q, %d; want a failure", args, out, errOut, st)
		}
	}
	if _, _, st := cmdtest.Run(t, dir, "", "mktemp", "aXXXXXX", "bXXXXXX"); st != 2 {
		t.Errorf("two templates: status %d", st)
	}
}
