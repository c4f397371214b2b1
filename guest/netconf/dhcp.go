package netconf

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/vishvananda/netlink"
)

// DHCP brings the link ifname up and asks for a lease (discover, offer,
// request, ack), giving up after timeout. It configures nothing: Apply
// the lease's Config for that.
func DHCP(ctx context.Context, ifname string, timeout time.Duration) (*Lease, error) {
	link, err := linkByName(ifname)
	if err != nil {
		return nil, err
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return nil, fmt.Errorf("%s: set up: %w", ifname, err)
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Resend after 1 s, then 2, 4, ...: slirp answers at once, but a
	// first packet sent before the link is ready can be lost.
	c, err := nclient4.New(ifname, nclient4.WithTimeout(time.Second), nclient4.WithRetry(-1),
		nclient4.WithHWAddr(link.Attrs().HardwareAddr))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ifname, err)
	}
	defer c.Close()
	want := dhcpv4.WithRequestedOptions(dhcpv4.OptionClasslessStaticRoute, dhcpv4.OptionDNSDomainSearchList,
		dhcpv4.OptionInterfaceMTU, dhcpv4.OptionBroadcastAddress)
	offer, err := c.DiscoverOffer(tctx, want)
	if err != nil {
		return nil, dhcpErr(ctx, tctx, err, ifname, "offer", timeout)
	}
	lease, err := c.RequestFromOffer(tctx, offer, want)
	var nak *nclient4.ErrNak
	if errors.As(err, &nak) {
		return nil, fmt.Errorf("%s: the DHCP server %s refused the address it offered: %s", ifname, offer.ServerIdentifier(), nak.Nak.Message())
	}
	if err != nil {
		return nil, dhcpErr(ctx, tctx, err, ifname, "acknowledgement", timeout)
	}
	return FromDHCP(ifname, lease.ACK)
}

func dhcpErr(ctx, tctx context.Context, err error, ifname, what string, timeout time.Duration) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if tctx.Err() != nil || errors.Is(err, nclient4.ErrNoResponse) {
		return fmt.Errorf("%s: no DHCP %s after %v (is the VM started with --net?)", ifname, what, timeout)
	}
	return fmt.Errorf("%s: %w", ifname, err)
}
