//go:build !pidone_net

package cmds

import "errors"

// Without the pidone_net tag, the networking commands are stubs that say
// how to get the real ones: the net package, netlink and DHCP would add
// about 0.4 MB to every compressed image, most of which has no network
// card to use them with.
func init() {
	for _, c := range netCmds {
		registerNet(c.Name, func(*Env, []string) error { return errNoNet })
	}
}

var errNoNet = errors.New("this image has no networking; build it with pidone build --net, or run with pidone run --net")
