// Package netconf configures network interfaces from the guest: links,
// addresses, routes (netlink) and DHCPv4 leases. It also implements the
// ip command (ParseIP, IPCommand.Run), whose output follows iproute2's.
//
// The guest links it only when built with the pidone_net tag: with its
// dependencies (the net package, netlink, DHCP) networking costs about
// 0.4 MB of compressed image, paid by every boot, and images without a
// network card have no use for it.
package netconf

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/sys/unix"
)

// Lease is what a DHCPv4 server gave an interface.
type Lease struct {
	Interface string
	Addr      net.IPNet // the address, with the subnet's mask
	Broadcast net.IP    // nil: the subnet's highest address
	// Router is the default gateway; nil when there is none. QEMU's
	// restricted DHCP server names none, and gets its own, 10.0.2.2.
	Router net.IP
	// Routes are classless static routes (option 121). When the server
	// sends them, they replace Router, as RFC 3442 says.
	Routes   []Route
	DNS      []net.IP
	Domain   string   // option 15
	Search   []string // option 119
	MTU      int      // option 26; 0 when not given
	Server   net.IP   // the DHCP server that answered
	Duration time.Duration
}

// Route is a route to configure. A nil Dst is the default route; a nil
// Gw means the destination is on the link.
type Route struct {
	Dst *net.IPNet
	Gw  net.IP
}

// Addr is an address to put on the link.
type Addr struct {
	IPNet     net.IPNet // address and prefix length (not masked)
	Broadcast net.IP
}

// Config is what a link should have: its MTU, addresses, routes and the
// system's resolv.conf.
type Config struct {
	Link   string
	MTU    int // 0 leaves the MTU alone
	Addrs  []Addr
	Routes []Route
	// Proto marks the routes, as "ip route" shows them (proto dhcp);
	// 0 means RTPROT_BOOT, what ip route add uses.
	Proto int
	// ResolvConf is the new /etc/resolv.conf; "" leaves the file alone.
	ResolvConf string
}

// FromDHCP reads a lease out of a server's ACK for the interface ifname.
func FromDHCP(ifname string, ack *dhcpv4.DHCPv4) (*Lease, error) {
	ip := ack.YourIPAddr.To4()
	if ip == nil || ip.IsUnspecified() {
		return nil, fmt.Errorf("%s: the DHCP answer gives no address", ifname)
	}
	mask := ack.SubnetMask()
	if ones, bits := mask.Size(); bits != 32 || ones == 0 {
		// A server that leaves the mask out means the address's class,
		// as the old BOOTP rules say; 0 ones is not a usable subnet.
		mask = ip.DefaultMask()
	}
	l := &Lease{
		Interface: ifname,
		Addr:      net.IPNet{IP: ip, Mask: mask},
		Broadcast: v4(ack.BroadcastAddress()),
		Domain:    cleanDomain(ack.DomainName()),
		Server:    v4(ack.ServerIdentifier()),
		Duration:  ack.IPAddressLeaseTime(0),
	}
	for _, r := range ack.Router() {
		if r = v4(r); r != nil {
			l.Router = r
			break
		}
	}
	for _, r := range ack.ClasslessStaticRoute() {
		if r.Dest == nil || r.Dest.IP.To4() == nil {
			continue
		}
		rt := Route{Gw: v4(r.Router)}
		if ones, _ := r.Dest.Mask.Size(); ones > 0 {
			rt.Dst = &net.IPNet{IP: r.Dest.IP.To4().Mask(r.Dest.Mask), Mask: r.Dest.Mask}
		}
		l.Routes = append(l.Routes, rt)
	}
	for _, d := range ack.DNS() {
		if d = v4(d); d != nil {
			l.DNS = append(l.DNS, d)
		}
	}
	if labels := ack.DomainSearch(); labels != nil {
		for _, s := range labels.Labels {
			if s = cleanDomain(s); s != "" {
				l.Search = append(l.Search, s)
			}
		}
	}
	if l.Router == nil && len(l.Routes) == 0 && isQEMUGateway(l.Server) && qemuNet.Contains(ip) {
		// QEMU's user network with restrict=on names no router, but its
		// gateway is there (it answers ping) and a default route through
		// it is what programs and tests expect a network to have. Nothing
		// outside is reachable through it all the same.
		l.Router = l.Server
	}
	if b := ack.GetOneOption(dhcpv4.OptionInterfaceMTU); len(b) == 2 {
		// 68 is the least MTU IPv4 allows; a smaller one would cut the
		// link off.
		if mtu := int(binary.BigEndian.Uint16(b)); mtu >= 68 {
			l.MTU = mtu
		}
	}
	return l, nil
}

// qemuNet is the subnet of QEMU's user network (libslirp's default),
// whose DHCP server is also its gateway, 10.0.2.2.
var qemuNet = &net.IPNet{IP: net.IPv4(10, 0, 2, 0).To4(), Mask: net.CIDRMask(24, 32)}

func isQEMUGateway(ip net.IP) bool { return ip.Equal(net.IPv4(10, 0, 2, 2)) }

// v4 returns ip as 4 bytes, or nil for nil, 0.0.0.0 and non-IPv4.
func v4(ip net.IP) net.IP {
	ip = ip.To4()
	if ip == nil || ip.IsUnspecified() {
		return nil
	}
	return ip
}

// cleanDomain returns a domain name fit for resolv.conf, or "". The
// names come from the network: a space or newline in one would let a DHCP
// server write lines of its own into resolv.conf.
func cleanDomain(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return ""
		}
	}
	return s
}

// String is the one line dhcp and init print for a lease:
// "eth0: 10.0.2.15/24 via 10.0.2.2, dns 10.0.2.3".
func (l *Lease) String() string {
	ones, _ := l.Addr.Mask.Size()
	s := fmt.Sprintf("%s: %s/%d", l.Interface, l.Addr.IP, ones)
	if gw := l.gateway(); gw != nil {
		s += " via " + gw.String()
	}
	if len(l.DNS) > 0 {
		var ds []string
		for _, d := range l.DNS {
			ds = append(ds, d.String())
		}
		s += ", dns " + strings.Join(ds, " ")
	}
	return s
}

// gateway is the default route's gateway, from option 121 if given.
func (l *Lease) gateway() net.IP {
	if len(l.Routes) == 0 {
		return l.Router
	}
	for _, r := range l.Routes {
		if r.Dst == nil {
			return r.Gw
		}
	}
	return nil
}

// Config is what the interface should have for the lease.
func (l *Lease) Config() *Config {
	c := &Config{Link: l.Interface, MTU: l.MTU, Proto: unix.RTPROT_DHCP, ResolvConf: l.ResolvConf()}
	brd := l.Broadcast
	if ones, _ := l.Addr.Mask.Size(); brd == nil && ones < 31 {
		brd = make(net.IP, 4)
		for i := range brd {
			brd[i] = l.Addr.IP.To4()[i] | ^l.Addr.Mask[i]
		}
	}
	c.Addrs = []Addr{{IPNet: l.Addr, Broadcast: brd}}

	routes := l.Routes
	if len(routes) == 0 && l.Router != nil {
		routes = []Route{{Gw: l.Router}}
	}
	// On-link routes come first: a gateway must be reachable before a
	// route can go through it. The kernel adds the subnet's own route.
	onLink := []*net.IPNet{{IP: l.Addr.IP.Mask(l.Addr.Mask), Mask: l.Addr.Mask}}
	var via []Route
	for _, r := range routes {
		if r.Gw == nil {
			c.Routes = append(c.Routes, r)
			if r.Dst != nil {
				onLink = append(onLink, r.Dst)
			}
		} else {
			via = append(via, r)
		}
	}
	// A gateway outside every on-link prefix (cloud leases of a /32, say)
	// is reached through a host route on the link, as dhclient does.
	for _, r := range via {
		if !covered(onLink, r.Gw) {
			host := &net.IPNet{IP: r.Gw, Mask: net.CIDRMask(32, 32)}
			c.Routes = append(c.Routes, Route{Dst: host})
			onLink = append(onLink, host)
		}
	}
	c.Routes = append(c.Routes, via...)
	return c
}

func covered(nets []*net.IPNet, ip net.IP) bool {
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// ResolvConf renders resolv.conf for the lease, or "" when it names
// neither name servers nor domains (the file is then left as it is).
func (l *Lease) ResolvConf() string {
	search := l.Search
	if len(search) == 0 && l.Domain != "" {
		search = []string{l.Domain}
	}
	if len(l.DNS) == 0 && len(search) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# from the DHCP lease of %s\n", l.Interface)
	// The C library reads three name servers and six search domains;
	// more would only mislead whoever reads the file.
	for i, d := range l.DNS {
		if i == 3 {
			break
		}
		fmt.Fprintf(&b, "nameserver %s\n", d)
	}
	if len(search) > 6 {
		search = search[:6]
	}
	if len(search) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(search, " "))
	}
	return b.String()
}
