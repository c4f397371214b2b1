package kernel

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFragment(t *testing.T) {
	f, err := ParseFragment("x.config", []byte("# a comment\n\nCONFIG_TMPFS=y\n# CONFIG_SERIO is not set\nCONFIG_LOCALVERSION=\"-x\"\n  CONFIG_NR_CPUS=8  \n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CONFIG_TMPFS=y", "# CONFIG_SERIO is not set", `CONFIG_LOCALVERSION="-x"`, "CONFIG_NR_CPUS=8"}
	if len(f.Options) != len(want) {
		t.Fatalf("options = %v", f.Options)
	}
	for i, o := range f.Options {
		if o.String() != want[i] {
			t.Errorf("option %d = %s, want %s", i, o, want[i])
		}
	}
	if f.Options[1].Line != 4 {
		t.Errorf("line of SERIO = %d", f.Options[1].Line)
	}
	for _, bad := range []string{"TMPFS=y", "CONFIG_TMPFS", "CONFIG_TMPFS=", "CONFIG_TMP FS=y"} {
		if _, err := ParseFragment("bad.config", []byte("CONFIG_A=y\n"+bad+"\n")); err == nil || !strings.Contains(err.Error(), "bad.config:2") {
			t.Errorf("%q: err = %v, want one naming bad.config:2", bad, err)
		}
	}
}

func TestMergeConfig(t *testing.T) {
	base := "#\n# Automatically generated\n#\n# CONFIG_SHMEM is not set\nCONFIG_SERIO=y\nCONFIG_LOCALVERSION=\"\"\n"
	a, _ := ParseFragment("a", []byte("CONFIG_SHMEM=y\nCONFIG_TMPFS=y\n# CONFIG_SERIO is not set\n"))
	b, _ := ParseFragment("b", []byte("CONFIG_TMPFS=n\nCONFIG_LOCALVERSION=\"-b\"\n"))
	got := string(MergeConfig([]byte(base), a, b))
	want := "#\n# Automatically generated\n#\nCONFIG_SHMEM=y\n# CONFIG_SERIO is not set\nCONFIG_LOCALVERSION=\"-b\"\n# CONFIG_TMPFS is not set\n"
	if got != want {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
}

// The classic failure: tinyconfig has no SHMEM, olddefconfig then drops
// TMPFS without a word, and the guest cannot mount /tmp.
func TestCheckConfigNamesDropped(t *testing.T) {
	pidone, _ := ParseFragment("pidone.config", []byte("CONFIG_TMPFS=y\nCONFIG_PRINTK=y\n# CONFIG_SERIO is not set\n# CONFIG_INPUT_MOUSE is not set\n"))
	user, _ := ParseFragment("my.config", []byte("CONFIG_NR_CPUS=8\nCONFIG_LOCALVERSION=\"-me\"\n"))
	// A .config after olddefconfig: TMPFS and SERIO's wish lost, NR_CPUS
	// clamped; what is not set may be absent.
	dot := "CONFIG_PRINTK=y\n# CONFIG_TMPFS is not set\nCONFIG_SERIO=y\nCONFIG_NR_CPUS=4\nCONFIG_LOCALVERSION=\"-me\"\n"
	c, _ := ParseConfig(strings.NewReader(dot))
	err := CheckConfig(c, pidone, user)
	var d *DroppedError
	if !errors.As(err, &d) {
		t.Fatalf("err = %v, want a DroppedError", err)
	}
	var names []string
	for _, x := range d.Dropped {
		names = append(names, x.Want.Name)
	}
	if strings.Join(names, " ") != "TMPFS SERIO NR_CPUS" {
		t.Errorf("dropped %v, want TMPFS SERIO NR_CPUS", names)
	}
	for _, w := range []string{"CONFIG_TMPFS=y (pidone.config:1; it is not set)", "# CONFIG_SERIO is not set (pidone.config:3; it is y)", "CONFIG_NR_CPUS=8 (my.config:1; it is 4)"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}

	// Everything there: no error. A later fragment's value wins.
	later, _ := ParseFragment("later.config", []byte("CONFIG_TMPFS=n\nCONFIG_SERIO=y\nCONFIG_NR_CPUS=4\n"))
	if err := CheckConfig(c, pidone, user, later); err != nil {
		t.Errorf("with the later fragment: %v", err)
	}
}
