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
		{[]string{"-d", ":", "-f", "1,3-"}, "a:c:d\nno-delim\n1:\n"}, // BusyBox's empty third field
		{[]string{"-d:", "-f2", "-s"}, "b\n2\n"},
		{[]string{"-c2-3"}, ":b\no-\n:2\n"},
		{[]string{"-b", "-2"}, "a:\nno\n1:\n"},
		// As BusyBox's: -d takes its first character, -n is ignored,
		// -O joins, -D keeps the list's order, -F splits at a regexp.
		{[]string{"-d:x", "-f2", "-s", "-n"}, "b\n2\n"},
		{[]string{"-d:", "-O", "--", "-f1,2"}, "a--b\nno-delim\n1--2\n"},
		{[]string{"-d:", "-D", "-f3,1,1-2"}, "c:a:a:b\nno-delim\n:1:1:2\n"},
		{[]string{"-d:", "-D", "-f1-2,2"}, "a:b:b\nno-delim\n1:2:2\n"},
		{[]string{"-F", "2", "-d", "[:-]"}, "b\ndelim\n2\n"},
		{[]string{"-c", "1,3,,5-"}, "abc:d\nn-elim\n12\n"},
	} {
		out, errOut, st := cmdtest.Run(t, t.TempDir(), in, "cut", tt.args...)
		if st != 0 || out != tt.want {
			t.Errorf("cut %q = %q (status %d, %s), want %q", tt.args, out, st, errOut, tt.want)
		}
	}
	for _, bad := range [][]string{{}, {"-f0"}, {"-f", "x"}, {"-f1", "-c1"}, {"-f", "3-2"}, {"-f", ","}} {
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

func TestCutRegexAndBytes(t *testing.T) {
	in := "  Bother, said   Pooh.\ttab\n\xc3\xa9t\xc3\xa9\n"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-DF", "3,2"}, "said Bother,\n\n"}, // the empty first field counts
		{[]string{"-F", "1-2", "-O", ":"}, "Bother,\n\xc3\xa9t\xc3\xa9\n"},
		{[]string{"-c", "1-2"}, "  \n\xc3\xa9\n"},
	} {
		out, errOut, st := cmdtest.Run(t, t.TempDir(), in, "cut", tt.args...)
		if st != 0 || out != tt.want {
			t.Errorf("cut %q = %q (status %d, %s), want %q", tt.args, out, st, errOut, tt.want)
		}
	}
	for _, args := range [][]string{{"-c1", "-s"}, {"-b1", "-d:"}} {
		if _, _, st := cmdtest.Run(t, t.TempDir(), in, "cut", args...); st != 1 {
			t.Errorf("cut %q: status %d, want 1", args, st)
		}
	}
}
