//go:build pidone_net

package networking

import (
	"io"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/netconf"
)

var _ = registerNet("ip", ip)

// ip is netconf's ip command; only its usage errors are ours.
func ip(e *cmds.Env, args []string) error {
	if len(args) == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		_, err := io.WriteString(e.Stdout, netconf.IPHelp)
		return err
	}
	c, err := netconf.ParseIP(args)
	if err != nil {
		return cmds.Usagef("%v", err)
	}
	return c.Run(e.Stdout)
}
