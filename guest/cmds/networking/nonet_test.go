//go:build !pidone_net

package networking

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestNetCmdStubs(t *testing.T) {
	for _, c := range netCmds {
		out, errs, st := cmdtest.Run(t, "", "", c.Name, "-4", "a")
		want := c.Name + ": this image has no networking; build it with pidone build --net, or run with pidone run --net\n"
		if st != 1 || out != "" || errs != want {
			t.Errorf("%s: status %d, %q %q", c.Name, st, out, errs)
		}
	}
}
