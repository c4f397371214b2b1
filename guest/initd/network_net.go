//go:build pidone_net

package initd

import (
	"context"
	"time"

	"pidone.dev/guest/netconf"
)

// startCard does what pidone.net says: dhcp configures the first
// network card by DHCP, none (or nothing) leaves it down.
func (in *initd) startCard() {
	switch in.opts.Net {
	case "", "none":
		return
	case "dhcp":
	default:
		in.logf("pidone.net=%s: want dhcp or none; the network card is left down", in.opts.Net)
		return
	}
	// In the background: the prompt should not wait for the network,
	// and a missing DHCP server should cost the user nothing but a line.
	go func() {
		// The card's driver may still be loading (a module, in the
		// distributions' kernels).
		wctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ifname, err := netconf.WaitInterface(wctx)
		cancel()
		if err != nil {
			in.logf("pidone.net=dhcp: %v", err)
			return
		}
		lease, err := netconf.DHCP(context.Background(), ifname, 10*time.Second)
		if err == nil {
			err = netconf.Apply(lease.Config())
		}
		if err != nil {
			in.logf("pidone.net=dhcp: %v", err)
			return
		}
		if !in.opts.Quiet {
			in.logf("%s", lease)
		}
	}()
}
