package all_test

import (
	"regexp"
	"testing"

	"pidone.dev/guest/cmds"
)

// TestTable checks every command of every family: a name the shell can
// type and the host can link, one command per name (All panics on a
// duplicate), a summary for help and something to run.
func TestTable(t *testing.T) {
	name := regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	for _, c := range cmds.All() {
		if !name.MatchString(c.Name) {
			t.Errorf("command %q: not a plain name", c.Name)
		}
		if c.Summary == "" || c.Run == nil {
			t.Errorf("%s: no summary or no Run", c.Name)
		}
		if cmds.Lookup(c.Name) != c {
			t.Errorf("%s: Lookup finds another command", c.Name)
		}
	}
}
