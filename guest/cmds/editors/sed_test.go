package editors

import (
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestSed(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		in     string
		want   string
		status int
	}{
		{[]string{"s/o/0/"}, "foo\nbo\n", "f0o\nb0\n", 0},
		{[]string{"s/o/[&]/g"}, "foo\n", "f[o][o]\n", 0},
		{[]string{"-E", `s/(\w+) (\w+)/\2 \1/`}, "a b\n", "b a\n", 0},
		{[]string{"-r", `s/(a|b)+/X/`}, "abba c\n", "X c\n", 0},
		{[]string{`s/\(a\)\(b\)/\2\1\0/`}, "ab\n", "baab\n", 0},
		{[]string{"s/a/x/2"}, "aaa\n", "axa\n", 0},
		{[]string{"s/a/x/2g"}, "aaa\n", "xxx\n", 0}, // BusyBox: the last of 2 and g wins
		{[]string{"s/A/x/gI"}, "aAa\n", "xxx\n", 0},
		{[]string{"s/c*/R/g"}, "cccd\n", "RdR\n", 0},
		{[]string{"s/x/a\\nb/"}, "x\n", "a\nb\n", 0},
		{[]string{"s|/|\\||g"}, "/a/\n", "|a|\n", 0},
		{[]string{"-n", "2p"}, "1\n2\n3\n", "2\n", 0},
		{[]string{"-n", "$p"}, "1\n2\n3\n", "3\n", 0},
		{[]string{"-n", "/b/,/d/p"}, "a\nb\nc\nd\ne\n", "b\nc\nd\n", 0},
		{[]string{"-n", "2,+1p"}, "1\n2\n3\n4\n", "2\n3\n", 0},
		{[]string{"-n", "1~2p"}, "1\n2\n3\n4\n5\n", "1\n3\n5\n", 0},
		{[]string{"-n", "0~2p"}, "1\n2\n3\n4\n", "2\n4\n", 0},
		{[]string{"2!d"}, "1\n2\n3\n", "2\n", 0},
		{[]string{"2q"}, "1\n2\n3\n", "1\n2\n", 0},
		{[]string{"2Q"}, "1\n2\n3\n", "1\n", 0},
		{[]string{"-e", "1i\\\ntop", "-e", "$a end"}, "x\ny\n", "top\nx\ny\nend\n", 0},
		{[]string{"1i\\  indented"}, "x\n", "  indented\nx\n", 0},
		{[]string{"2,3c\\\ngone"}, "1\n2\n3\n4\n", "1\ngone\n4\n", 0},
		{[]string{"-e", "a\\", "-e", "joined"}, "x\n", "x\njoined\n", 0},
		{[]string{"y/abc/xyz/"}, "aabbcc\n", "xxyyzz\n", 0},
		{[]string{"-n", "$="}, "a\nb\nc\n", "3\n", 0},
		{[]string{"$!N;P;D"}, "1\n2\n3\n", "1\n2\n3\n", 0},
		{[]string{"-n", "1!G;h;$p"}, "1\n2\n3\n", "3\n2\n1\n", 0},
		{[]string{":a;N;$!ba;s/\\n/,/g"}, "a\nb\nc\n", "a,b,c\n", 0},
		{[]string{"s/x/X/;T;s/$/!/"}, "ax\nb\n", "aX!\nb\n", 0},
		{[]string{"s/x/X/;tdone;s/$/?/;:done"}, "ax\nb\n", "aX\nb?\n", 0},
		{[]string{"-n", "2,3{s/$/!/;p}"}, "1\n2\n3\n4\n", "2!\n3!\n", 0},
		{[]string{"-n", "\\,b,p"}, "a\nb\n", "b\n", 0},
		{[]string{"/o/s//0/g"}, "foo\nx\n", "f00\nx\n", 0},
		{[]string{"-n", "H;${x;s/\\n/,/g;p}"}, "a\nb\n", ",a,b\n", 0},
		{[]string{"-n", "l"}, "a\tb\\\x01\n", "a\\tb\\\\\\001$\n", 0},
		{[]string{"s/b/B/"}, "a\nb", "a\nB", 0},
		{[]string{"p"}, "a\x00b\x00", "a\na\x00b\nb\x00", 0},
		{[]string{"#n\n2p"}, "a\nb\n", "b\n", 0},
		{[]string{"-n", "n;p"}, "1\n2\n3\n4\n", "2\n4\n", 0},
		{[]string{"G"}, "a\n", "a\n\n", 0},
		{[]string{"k"}, "x\n", "", 1},
		{[]string{"s/a/b"}, "x\n", "", 1},
		{[]string{"s/a/b/z"}, "x\n", "", 1},
		{[]string{"bnowhere"}, "x\n", "", 1},
		{[]string{"{p"}, "x\n", "", 1},
		{[]string{"p;}"}, "x\n", "", 1},
		{[]string{"1,p"}, "x\n", "", 1},
		{[]string{"1a\\", "nosuch"}, "", "", 1},
		{[]string{`s/\(a\)\1/x/`}, "aa\n", "", 1},
		{nil, "", "", 2},
		{[]string{"-x", "p"}, "", "", 2},
	} {
		out, errOut, st := cmdtest.Run(t, t.TempDir(), tt.in, "sed", tt.args...)
		if out != tt.want || st != tt.status {
			t.Errorf("sed %q <<< %q = %q (status %d, %s), want %q (status %d)", tt.args, tt.in, out, st, errOut, tt.want, tt.status)
		}
	}
}

func TestSedFiles(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"f": "one\ntwo\n", "g": "a\nb\n", "s.sed": "s/b/B/\n", "ins": "inserted\n"})
	if out, errOut, st := cmdtest.Run(t, dir, "", "sed", "-i.bak", "s/one/1/;$s/$/!/", "f", "g"); st != 0 || out != "" {
		t.Fatalf("sed -i: %q %q status %d", out, errOut, st)
	}
	for name, want := range map[string]string{"f": "1\ntwo!\n", "f.bak": "one\ntwo\n", "g": "a\nb!\n", "g.bak": "a\nb\n"} {
		if got := cmdtest.ReadFile(t, filepath.Join(dir, name)); got != want {
			t.Errorf("after sed -i, %s = %q, want %q", name, got, want)
		}
	}
	for _, tt := range []struct {
		args   []string
		want   string
		status int
	}{
		{[]string{"-f", "s.sed", "g.bak"}, "a\nB\n", 0},
		{[]string{"-n", "$p", "f.bak", "g.bak"}, "b\n", 0},
		{[]string{"1r ins", "g.bak"}, "a\ninserted\nb\n", 0},
		{[]string{"-n", "/b/w out", "g.bak"}, "", 0},
		{[]string{"s/x/y/", "nosuch", "g.bak"}, "a\nb\n", 1},
		{[]string{"-i", "p"}, "", 2},
	} {
		out, errOut, st := cmdtest.Run(t, dir, "", "sed", tt.args...)
		if out != tt.want || st != tt.status {
			t.Errorf("sed %q = %q (status %d, %s), want %q (status %d)", tt.args, out, st, errOut, tt.want, tt.status)
		}
	}
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "out")); got != "b\n" {
		t.Errorf("sed w wrote %q", got)
	}
}
