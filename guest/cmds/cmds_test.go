package cmds

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		args     []string
		l, a     bool
		n        int
		s        string
		operands []string
		err      string
	}{
		{args: nil, n: 10},
		{args: []string{"-la", "x"}, l: true, a: true, n: 10, operands: []string{"x"}},
		{args: []string{"-n5", "-s", "v"}, n: 5, s: "v"},
		{args: []string{"-ln", "7", "--", "-a"}, l: true, n: 7, operands: []string{"-a"}},
		{args: []string{"--all", "--lines=3", "-", "-l"}, a: true, n: 3, operands: []string{"-", "-l"}},
		{args: []string{"x", "-l"}, n: 10, operands: []string{"x", "-l"}},
		{args: []string{"-z"}, err: "unknown option -z"},
		{args: []string{"-n"}, err: "option -n needs a value"},
		{args: []string{"-n", "x"}, err: `-n: invalid number "x"`},
		{args: []string{"--all=1"}, err: "option --all takes no value"},
	}
	for _, tt := range tests {
		var f Flags
		l := f.Bool('l', "", "long")
		a := f.Bool('a', "all", "all")
		n := f.Int('n', "lines", 10, "lines")
		s := f.String('s', "", "", "string")
		ops, err := f.Parse(tt.args)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: error %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || *l != tt.l || *a != tt.a || *n != tt.n || *s != tt.s || !reflect.DeepEqual(ops, tt.operands) {
			t.Errorf("%q: l=%v a=%v n=%d s=%q ops=%q err=%v", tt.args, *l, *a, *n, *s, ops, err)
		}
	}
}

func FuzzFlags(f *testing.F) {
	f.Add("-la\x00--lines=3\x00x")
	f.Fuzz(func(t *testing.T, s string) {
		var fl Flags
		fl.Bool('l', "long", "")
		fl.Int('n', "lines", 0, "")
		fl.Strings('e', "", "")
		args := strings.Split(s, "\x00")
		ops, err := fl.Parse(args)
		if err == nil && len(ops) > len(args) {
			t.Errorf("more operands than arguments")
		}
	})
}

// TestMainBrokenPipe: a command whose reader is gone ends quietly, with
// the status SIGPIPE would give a process.
func TestMainBrokenPipe(t *testing.T) {
	c := &Cmd{Name: "w", Run: func(e *Env, args []string) error {
		_, err := e.Stdout.Write([]byte("x"))
		return err
	}}
	var errb strings.Builder
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	if st := c.Main(&Env{Stdout: w, Stderr: &errb}, nil); st != 141 || errb.Len() != 0 {
		t.Errorf("status %d, stderr %q; want 141 and nothing", st, errb.String())
	}
}
