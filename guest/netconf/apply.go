package netconf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// ResolvConfPath is where Apply writes Config.ResolvConf.
var ResolvConfPath = "/etc/resolv.conf"

// Apply gives the link what c says: MTU, up, addresses, routes, then
// resolv.conf. Addresses and routes are replaced rather than added, so
// that applying a renewed or repeated lease is not an error.
func Apply(c *Config) error {
	link, err := linkByName(c.Link)
	if err != nil {
		return err
	}
	if c.MTU > 0 && link.Attrs().MTU != c.MTU {
		if err := netlink.LinkSetMTU(link, c.MTU); err != nil {
			return fmt.Errorf("%s: set mtu %d: %w", c.Link, c.MTU, err)
		}
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return fmt.Errorf("%s: set up: %w", c.Link, err)
	}
	for _, a := range c.Addrs {
		ipnet := a.IPNet
		if err := netlink.AddrReplace(link, &netlink.Addr{IPNet: &ipnet, Broadcast: a.Broadcast}); err != nil {
			return fmt.Errorf("%s: add address %s: %w", c.Link, ipnet.String(), err)
		}
	}
	proto := c.Proto
	if proto == 0 {
		proto = unix.RTPROT_BOOT
	}
	for _, r := range c.Routes {
		nr := netlinkRoute(link.Attrs().Index, r)
		nr.Protocol = netlink.RouteProtocol(proto)
		if err := netlink.RouteReplace(nr); err != nil {
			return fmt.Errorf("%s: add route %s: %w", c.Link, routeString(r), err)
		}
	}
	if c.ResolvConf != "" {
		if err := writeFileAtomic(ResolvConfPath, []byte(c.ResolvConf)); err != nil {
			return err
		}
	}
	return nil
}

// netlinkRoute is r on the link with index idx, in netlink's terms:
// default is 0.0.0.0/0 (netlink needs a destination or a gateway), and a
// route without a gateway has link scope, as iproute2 gives it.
func netlinkRoute(idx int, r Route) *netlink.Route {
	nr := &netlink.Route{LinkIndex: idx, Dst: r.Dst, Gw: r.Gw, Family: netlink.FAMILY_V4}
	if nr.Dst == nil {
		nr.Dst = &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}
	}
	if r.Gw == nil {
		nr.Scope = netlink.SCOPE_LINK
	}
	return nr
}

func routeString(r Route) string {
	s := "default"
	if r.Dst != nil {
		s = r.Dst.String()
	}
	if r.Gw != nil {
		s += " via " + r.Gw.String()
	}
	return s
}

// writeFileAtomic replaces name through a rename, so that a resolver
// reading it meanwhile sees the old file or the new, never half of one.
func writeFileAtomic(name string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+".new")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// linkByName finds a link and says so plainly when there is none.
func linkByName(name string) (netlink.Link, error) {
	link, err := netlink.LinkByName(name)
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
		return nil, fmt.Errorf("%s: no such network interface", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return link, nil
}

// links lists the links by index. A dump the kernel reports as
// interrupted (a link changed meanwhile) is asked for again.
func links() ([]netlink.Link, error) {
	var ls []netlink.Link
	var err error
	for try := 0; try < 5; try++ {
		ls, err = netlink.LinkList()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].Attrs().Index < ls[j].Attrs().Index })
	return ls, nil
}

// ErrNoInterface is DefaultInterface's answer when there is no network
// interface but loopback.
var ErrNoInterface = errors.New("no network interface but lo (is the VM started with --net?)")

// DefaultInterface is the interface dhcp and init configure when none is
// named: the first, by index, that is not loopback, preferring one with
// an Ethernet address.
func DefaultInterface() (string, error) {
	ls, err := links()
	if err != nil {
		return "", err
	}
	name := ""
	for _, l := range ls {
		a := l.Attrs()
		if a.RawFlags&unix.IFF_LOOPBACK != 0 {
			continue
		}
		if len(a.HardwareAddr) == 6 {
			return a.Name, nil
		}
		if name == "" {
			name = a.Name
		}
	}
	if name == "" {
		return "", ErrNoInterface
	}
	return name, nil
}

// WaitInterface waits for DefaultInterface to find one: at boot the
// network card's driver may still be loading.
func WaitInterface(ctx context.Context) (string, error) {
	for {
		name, err := DefaultInterface()
		if err != ErrNoInterface {
			return name, err
		}
		select {
		case <-ctx.Done():
			return "", err
		case <-time.After(100 * time.Millisecond):
		}
	}
}
