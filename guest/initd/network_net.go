//go:build pidone_net

package initd

import (
	"context"
	"time"

	"pidone.dev/guest/netconf"
)

// startCard does what pidone.net says: dhcp configures the first
// network card by DHCP, none (or nothing) leaves it down. The channel is
// closed when that is done.
func (in *initd) startCard() <-chan struct{} {
	done := make(chan struct{})
	switch in.opts.Net {
	case "", "none":
		close(done)
		return done
	case "dhcp":
	default:
		in.logf("pidone.net=%s: want dhcp or none; the network card is left down", in.opts.Net)
		close(done)
		return done
	}
	// In the background: the prompt should not wait for the network,
	// and a missing DHCP server should cost the user nothing but a line.
	go func() {
		defer close(done)
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
	return done
}
