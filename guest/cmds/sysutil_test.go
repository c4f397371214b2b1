package cmds

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseMounts(t *testing.T) {
	in := "proc /proc proc rw,nosuid 0 0\n" +
		`/dev/vdb /mnt/my\040disk ext4 rw,relatime 0 0` + "\n" +
		"short line\n" +
		`a\134b /x\011y 9p ro 0 0` + "\n"
	got := ParseMounts(strings.NewReader(in))
	want := []MountEntry{
		{"proc", "/proc", "proc", "rw,nosuid"},
		{"/dev/vdb", "/mnt/my disk", "ext4", "rw,relatime"},
		{`a\b`, "/x\ty", "9p", "ro"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, s := range []string{`\`, `\04`, `x\999`, `\040`} {
		UnescapeMount(s) // must not panic on short or bad escapes
	}
	if got := UnescapeMount(`end\04`); got != `end\04` {
		t.Errorf("short escape: %q", got)
	}
}

func TestParseAccounts(t *testing.T) {
	passwd := "root:x:0:0:root:/root:/bin/sh\n#comment\nbad:x:zz:0\nnobody:x:65534:65534::/:/bin/false\n"
	got := ParseAccounts(passwd, false)
	want := []Account{{Name: "root", ID: 0, GID: 0}, {Name: "nobody", ID: 65534, GID: 65534}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("passwd: got %+v", got)
	}
	groups := ParseAccounts("root:x:0:\nwheel:x:10:ann,bob\n", true)
	if len(groups) != 2 || groups[1].ID != 10 || !reflect.DeepEqual(groups[1].Members, []string{"ann", "bob"}) || groups[0].Members != nil {
		t.Errorf("group: got %+v", groups)
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	WriteTable(&b, [][]string{{"Name", "Size", "Where"}, {"a", "1", "/x"}, {"longer", "12345", "/"}}, []bool{false, true, false})
	want := "Name    Size Where\na          1 /x\nlonger 12345 /\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
