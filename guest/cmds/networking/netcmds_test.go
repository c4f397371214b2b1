package networking

import (
	"os"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
)

// TestNetCmdNames runs in both builds (make test runs it with and without
// the pidone_net tag): each must register exactly the commands in
// netCmds, since the host makes the /bin links from the untagged build.
func TestNetCmdNames(t *testing.T) {
	inTable := map[string]bool{}
	for _, c := range netCmds {
		inTable[c.Name] = true
		if r := cmds.Lookup(c.Name); r == nil || r.Run == nil {
			t.Errorf("%s is in netCmds but not registered", c.Name)
		}
	}
	// This test binary has only this family's commands, and help, which
	// package cmds registers.
	for _, c := range cmds.All() {
		if !inTable[c.Name] && c.Name != "help" {
			t.Errorf("%s is registered but not in netCmds", c.Name)
		}
	}
	// A command registered with Register in a tagged file would have no
	// stub in the other build: tagged files must use registerNet.
	files, _ := os.ReadDir(".")
	for _, f := range files {
		b, err := os.ReadFile(f.Name())
		if err != nil || !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		if strings.HasPrefix(string(b), "//go:build") && strings.Contains(string(b), "cmds.Register(") {
			t.Errorf("%s registers a command with Register under a build tag; use registerNet and add it to netCmds", f.Name())
		}
	}
}
