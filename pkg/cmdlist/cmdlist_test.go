package cmdlist

import (
	"slices"
	"testing"

	"pidone.dev/guest/cmds"
	_ "pidone.dev/guest/cmds/all"
)

// Names must be what the guest registers, in the build with networking
// (-tags pidone_net) as in the one without.
func TestNamesUpToDate(t *testing.T) {
	var want []string
	for _, c := range cmds.All() {
		want = append(want, c.Name)
	}
	if !slices.Equal(Names, want) {
		t.Errorf("cmdlist.Names is out of date: run go generate ./pkg/cmdlist\nhave %q\nwant %q", Names, want)
	}
}
