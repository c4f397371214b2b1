//go:build !pidone_net

package networking

import (
	"pidone.dev/guest/cmds"
)

// Without the pidone_net tag, the networking commands are stubs that say
// how to get the real ones: the net package, netlink and DHCP would add
// about 0.4 MB to every compressed image, most of which has no network
// card to use them with.
func init() {
	for _, c := range netCmds {
		registerNet(c.Name, func(*cmds.Env, []string) error { return errNoNet })
	}
}

// errNoNet is a type rather than an errors.New value, which would be
// allocated at every start of the guest binary.
var errNoNet error = noNet{}

type noNet struct{}

func (noNet) Error() string {
	return "this image has no networking; build it with pidone build --net, or run with pidone run --net"
}
