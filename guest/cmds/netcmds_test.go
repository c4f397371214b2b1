package cmds

import (
	"os"
	"strings"
	"testing"
)

// TestNetCmdNames runs in both builds (make test runs it with and without
// the pidone_net tag): each must register exactly the commands in
// netCmds, since the host makes the /bin links from the untagged build.
func TestNetCmdNames(t *testing.T) {
	for _, c := range netCmds {
		if !netRegistered[c.Name] || Lookup(c.Name) == nil || Lookup(c.Name).Run == nil {
			t.Errorf("%s is in netCmds but not registered", c.Name)
		}
	}
	if len(netRegistered) != len(netCmds) {
		t.Errorf("registered %v, want the %d of netCmds", netRegistered, len(netCmds))
	}
	// A command registered with Register in a tagged file would have no
	// stub in the other build: tagged files must use registerNet.
	files, _ := os.ReadDir(".")
	for _, f := range files {
		b, err := os.ReadFile(f.Name())
		if err != nil || !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		if strings.HasPrefix(string(b), "//go:build") && strings.Contains(string(b), "Register(&Cmd") {
			t.Errorf("%s registers a command with Register under a build tag; use registerNet and add it to netCmds", f.Name())
		}
	}
}
