package cmds

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// sysRunCtx is run with a context, for the commands that wait.
func sysRunCtx(t *testing.T, ctx context.Context, name string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb strings.Builder
	e := &Env{Ctx: ctx, Stdout: &out, Stderr: &errb, Dir: t.TempDir()}
	status = Lookup(name).Main(e, args)
	return out.String(), errb.String(), status
}

func TestSysParseMounts(t *testing.T) {
	in := "proc /proc proc rw,nosuid 0 0\n" +
		`/dev/vdb /mnt/my\040disk ext4 rw,relatime 0 0` + "\n" +
		"short line\n" +
		`a\134b /x\011y 9p ro 0 0` + "\n"
	got := sysParseMounts(strings.NewReader(in))
	want := []sysMount{
		{"proc", "/proc", "proc", "rw,nosuid"},
		{"/dev/vdb", "/mnt/my disk", "ext4", "rw,relatime"},
		{`a\b`, "/x\ty", "9p", "ro"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, s := range []string{`\`, `\04`, `x\999`, `\040`} {
		sysUnescape(s) // must not panic on short or bad escapes
	}
	if got := sysUnescape(`end\04`); got != `end\04` {
		t.Errorf("short escape: %q", got)
	}
}

func TestSysParseAccounts(t *testing.T) {
	passwd := "root:x:0:0:root:/root:/bin/sh\n#comment\nbad:x:zz:0\nnobody:x:65534:65534::/:/bin/false\n"
	got := sysParseAccounts(passwd, false)
	want := []sysAccount{{Name: "root", ID: 0, GID: 0}, {Name: "nobody", ID: 65534, GID: 65534}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("passwd: got %+v", got)
	}
	groups := sysParseAccounts("root:x:0:\nwheel:x:10:ann,bob\n", true)
	if len(groups) != 2 || groups[1].ID != 10 || !reflect.DeepEqual(groups[1].Members, []string{"ann", "bob"}) || groups[0].Members != nil {
		t.Errorf("group: got %+v", groups)
	}
}

func TestSysTable(t *testing.T) {
	var b strings.Builder
	sysTable(&b, [][]string{{"Name", "Size", "Where"}, {"a", "1", "/x"}, {"longer", "12345", "/"}}, []bool{false, true, false})
	want := "Name    Size Where\na          1 /x\nlonger 12345 /\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
