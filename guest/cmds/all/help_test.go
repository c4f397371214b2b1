package all_test

import (
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	_ "pidone.dev/guest/cmds/all"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestHelp(t *testing.T) {
	out, _, st := cmdtest.Run(t, "", "", "help")
	if st != 0 {
		t.Fatalf("help: %d", st)
	}
	lines := strings.Split(out, "\n")
	var names []string
	for _, l := range lines {
		if strings.HasPrefix(l, "  ") {
			names = append(names, strings.Fields(l)[0])
		}
	}
	if len(names) != len(cmds.All()) {
		t.Errorf("help lists %d commands, have %d", len(names), len(cmds.All()))
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("help not sorted: %s before %s", names[i-1], names[i])
		}
	}
	if !strings.Contains(out, "  ls ") || !strings.Contains(out, "list directory contents") {
		t.Errorf("help lacks ls:\n%s", out)
	}
	if !strings.Contains(out, "cd, command, declare") || !strings.Contains(out, "are shell builtins") {
		t.Errorf("help lacks the builtins line:\n%s", out)
	}

	tests := []struct {
		args        []string
		out, errOut string
		status      int
	}{
		{[]string{"ls"}, "usage: ls " + cmds.Lookup("ls").Usage + "\nlist directory contents\n", "", 0},
		{[]string{"true"}, "usage: true\ndo nothing, successfully\n", "", 0},
		{[]string{"cd"}, "cd is a shell builtin\n", "", 0},
		{[]string{"nosuch"}, "", "help: nosuch: no such command\n", 1},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, "", "", "help", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("help %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
}

// TestFileCommandsRegistered keeps the set (and Quick) of the file and
// text commands from drifting.
func TestFileCommandsRegistered(t *testing.T) {
	quick := map[string]bool{
		"ls": true, "cat": false, "echo": true, "pwd": true, "true": true, "false": true,
		"mkdir": true, "rmdir": true, "rm": true, "cp": true, "mv": true, "ln": true,
		"touch": true, "chmod": true, "stat": true, "head": false, "tail": false, "wc": false,
		"grep": false, "env": false, "clear": true, "help": true, "basename": true,
		"dirname": true, "which": true, "tee": false,
	}
	for name, q := range quick {
		c := cmds.Lookup(name)
		switch {
		case c == nil:
			t.Errorf("%s not registered", name)
		case c.Quick != q:
			t.Errorf("%s: Quick %v, want %v", name, c.Quick, q)
		case c.Summary == "" || c.Run == nil:
			t.Errorf("%s: no summary or no Run", name)
		}
	}
}
