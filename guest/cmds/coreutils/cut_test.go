package coreutils

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestCut(t *testing.T) {
	in := "a:b:c:d\nno-delim\n1:2\n"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-d:", "-f2"}, "b\nno-delim\n2\n"},
		{[]string{"-d", ":", "-f", "1,3-"}, "a:c:d\nno-delim\n1\n"},
		{[]string{"-d:", "-f2", "-s"}, "b\n2\n"},
		{[]string{"-c2-3"}, ":b\no-\n:2\n"},
		{[]string{"-b", "-2"}, "a:\nno\n1:\n"},
	} {
		out, errOut, st := cmdtest.Run(t, t.TempDir(), in, "cut", tt.args...)
		if st != 0 || out != tt.want {
			t.Errorf("cut %q = %q (status %d, %s), want %q", tt.args, out, st, errOut, tt.want)
		}
	}
	for _, bad := range [][]string{{}, {"-f0"}, {"-f", "x"}, {"-f1", "-c1"}, {"-d", "ab", "-f1"}, {"-f", "3-2"}} {
		if _, _, st := cmdtest.Run(t, t.TempDir(), in, "cut", bad...); st != 2 {
			t.Errorf("cut %q: status %d, want 2", bad, st)
		}
	}
}

func FuzzCutList(f *testing.F) {
	f.Add("1,3-5,7-")
	f.Fuzz(func(t *testing.T, s string) {
		spans, err := parseCutList(s)
		for _, sp := range spans {
			if err == nil && (sp.lo < 1 || (sp.hi != 0 && sp.hi < sp.lo)) {
				t.Errorf("%q: bad span %+v", s, sp)
			}
		}
	})
}
