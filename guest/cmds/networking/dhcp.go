//go:build pidone_net

package networking

import (
	"fmt"
	"strconv"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/netconf"
)

var (
	_ = registerNet("dhcp", dhcp)
	_ = registerNet("dhclient", dhcp)
)

func dhcp(e *cmds.Env, args []string) error {
	var f cmds.Flags
	quiet := f.Bool('q', "quiet", "print nothing but errors")
	secs := f.String('t', "timeout", "10", "give up after SECONDS")
	iface := f.String('i', "interface", "", "the interface (as udhcpc -i)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	timeout, err := seconds(*secs)
	if err != nil {
		return cmds.Usagef("-t: %v", err)
	}
	switch {
	case len(ops) > 1 || len(ops) == 1 && *iface != "":
		return cmds.Usagef("one interface at most")
	case len(ops) == 1:
		*iface = ops[0]
	case *iface == "":
		if *iface, err = netconf.DefaultInterface(); err != nil {
			return err
		}
	}
	lease, err := netconf.DHCP(e.Context(), *iface, timeout)
	if err != nil {
		return err
	}
	if err := netconf.Apply(lease.Config()); err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintln(e.Stdout, lease)
	}
	return nil
}

// seconds reads a positive number of seconds, fractions allowed.
func seconds(s string) (time.Duration, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || v > 1e6 {
		return 0, fmt.Errorf("want a positive number of seconds, not %q", s)
	}
	return time.Duration(v * float64(time.Second)), nil
}
