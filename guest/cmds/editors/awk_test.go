package editors

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestAwk(t *testing.T) {
	// In-process awk needs the process in the command's directory (see
	// awkProcess), and a test binary cannot run itself as awk.
	dir := t.TempDir()
	t.Chdir(dir)
	cmdtest.WriteFiles(t, dir, map[string]string{"f1": "a b\n", "f2": "c d e\n", "p.awk": "{ print NF }\n"})
	for _, tt := range []struct {
		args   []string
		in     string
		want   string
		status int
	}{
		{[]string{"{print $2}"}, "a b c\n", "b\n", 0},
		{[]string{"-F:", "{print $3, $1}"}, "a:b:c\n", "c a\n", 0},
		{[]string{"-F", "\\t", "{print $2}"}, "a b\tc\n", "c\n", 0},
		{[]string{"-Ft", "{print $2}"}, "a\tc\n", "c\n", 0},
		{[]string{"-v", "x=5", "-vy=a\\tb", "BEGIN { print x * 2, y }"}, "", "10 a\tb\n", 0},
		{[]string{"{ n += NF } END { print NR, n }", "f1", "f2"}, "", "2 5\n", 0},
		{[]string{"{ print FILENAME, FNR }", "f1", "-", "f2"}, "x\n", "f1 1\n- 1\nf2 1\n", 0},
		{[]string{"-f", "p.awk", "f2"}, "", "3\n", 0},
		{[]string{"-e", "BEGIN { print ENVIRON[\"PIDONE_TEST\"] }"}, "", "1\n", 0},
		{[]string{"{ print v }", "v=1", "f1"}, "", "1\n", 0},
		{[]string{"BEGIN { exit 3 }"}, "", "", 3},
		{[]string{"BEGIN { print ( }"}, "", "", 1},
		{[]string{"{ print }", "nosuch"}, "", "", 1},
		{[]string{"-f", "nosuch"}, "", "", 1},
		{[]string{"BEGIN { print 1/0 }"}, "", "", 1},
		{nil, "", "", 2},
		{[]string{"-x", "{}"}, "", "", 2},
		{[]string{"-v", "novalue", "{}"}, "", "", 2},
	} {
		out, errOut, st := cmdtest.Run(t, dir, tt.in, "awk", tt.args...)
		if out != tt.want || st != tt.status {
			t.Errorf("awk %q = %q (status %d, %s), want %q (status %d)", tt.args, out, st, errOut, tt.want, tt.status)
		}
	}
}
