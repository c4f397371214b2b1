package netconf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Run carries out the command, printing what it shows to w.
func (c *IPCommand) Run(w io.Writer) error {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	var link netlink.Link
	if c.Dev != "" {
		var err error
		if link, err = linkByName(c.Dev); err != nil {
			return err
		}
	}
	switch c.Object + " " + c.Verb {
	case "address show", "link show":
		all, err := links()
		if err != nil {
			return err
		}
		names := linkNames(all)
		ls := all
		if link != nil {
			ls = []netlink.Link{link}
		}
		for _, l := range ls {
			if c.Object == "link" {
				bw.WriteString(FormatLink(l, names))
				continue
			}
			as, err := netlink.AddrList(l, family(c.Family, netlink.FAMILY_ALL))
			if err != nil {
				return fmt.Errorf("list addresses of %s: %w", l.Attrs().Name, err)
			}
			// As iproute2: "ip -4 addr" lists only links with IPv4
			// addresses, under their first line alone.
			if c.Family != 0 {
				if len(as) == 0 {
					continue
				}
				head, _, _ := strings.Cut(FormatLink(l, names), "\n")
				bw.WriteString(head + "\n")
			} else {
				bw.WriteString(FormatLink(l, names))
			}
			for _, a := range as {
				bw.WriteString(FormatAddr(a))
			}
		}
		return bw.Flush()
	case "address add", "address del", "address replace":
		a := &netlink.Addr{IPNet: c.Addr, Broadcast: c.Broadcast}
		op := map[string]func(netlink.Link, *netlink.Addr) error{"add": netlink.AddrAdd, "del": netlink.AddrDel, "replace": netlink.AddrReplace}[c.Verb]
		if err := op(link, a); err != nil {
			return fmt.Errorf("%s %s dev %s: %w", c.Verb, c.Addr, c.Dev, err)
		}
		return nil
	case "address flush":
		as, err := netlink.AddrList(link, family(c.Family, netlink.FAMILY_ALL))
		if err != nil {
			return fmt.Errorf("list addresses of %s: %w", c.Dev, err)
		}
		for _, a := range as {
			if err := netlink.AddrDel(link, &a); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
				// EADDRNOTAVAIL: deleting a primary address took its
				// secondaries with it.
				return fmt.Errorf("del %s dev %s: %w", a.IPNet, c.Dev, err)
			}
		}
		return nil
	case "link set":
		if c.MTU != 0 {
			if err := netlink.LinkSetMTU(link, c.MTU); err != nil {
				return fmt.Errorf("%s: set mtu %d: %w", c.Dev, c.MTU, err)
			}
		}
		switch c.State {
		case "up":
			if err := netlink.LinkSetUp(link); err != nil {
				return fmt.Errorf("%s: set up: %w", c.Dev, err)
			}
		case "down":
			if err := netlink.LinkSetDown(link); err != nil {
				return fmt.Errorf("%s: set down: %w", c.Dev, err)
			}
		}
		return nil
	case "route show", "route flush":
		rs, err := netlink.RouteList(link, family(c.Family, netlink.FAMILY_V4))
		if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
			return fmt.Errorf("list routes: %w", err)
		}
		if c.Verb == "flush" {
			for _, r := range rs {
				if err := netlink.RouteDel(&r); err != nil && !errors.Is(err, unix.ESRCH) {
					return fmt.Errorf("del route %s: %w", routeDst(r), err)
				}
			}
			return nil
		}
		ls, err := links()
		if err != nil {
			return err
		}
		names := linkNames(ls)
		if link != nil {
			// As iproute2: "ip route show dev X" does not repeat X.
			delete(names, link.Attrs().Index)
		}
		for _, r := range rs {
			bw.WriteString(FormatRoute(r, names))
		}
		return bw.Flush()
	case "route add", "route del", "route replace":
		r := &netlink.Route{Dst: c.Dst, Gw: c.Via, Src: c.Src, Family: family(c.Family, netlink.FAMILY_V4)}
		if link != nil {
			r.LinkIndex = link.Attrs().Index
		}
		if r.Dst == nil {
			// netlink needs the default route spelt out.
			if r.Family == netlink.FAMILY_V6 {
				r.Dst = &net.IPNet{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)}
			} else {
				r.Dst = &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}
			}
		}
		if c.Metric >= 0 {
			r.Priority = c.Metric
		}
		var err error
		switch c.Verb {
		case "add", "replace":
			// As iproute2: user routes are "proto boot", and a route
			// without a gateway reaches hosts on the link.
			r.Protocol = unix.RTPROT_BOOT
			if c.Via == nil {
				r.Scope = netlink.SCOPE_LINK
			}
			if c.Verb == "add" {
				err = netlink.RouteAdd(r)
			} else {
				err = netlink.RouteReplace(r)
			}
		case "del":
			r.Scope = netlink.SCOPE_NOWHERE // matches any scope
			err = netlink.RouteDel(r)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", c.Verb, strings.Join(c.Args()[2:], " "), err)
		}
		return nil
	}
	return fmt.Errorf("ip %s %s is not supported", c.Object, c.Verb)
}

// family picks netlink's family for -4/-6, or def.
func family(f, def int) int {
	switch f {
	case 4:
		return netlink.FAMILY_V4
	case 6:
		return netlink.FAMILY_V6
	}
	return def
}

func linkNames(ls []netlink.Link) map[int]string {
	m := map[int]string{}
	for _, l := range ls {
		m[l.Attrs().Index] = l.Attrs().Name
	}
	return m
}

// linkFlags are the interface flags in the order iproute2 prints them.
var linkFlags = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_DEBUG, "DEBUG"}, {unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
	{unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"}, {unix.IFF_UP, "UP"},
	{unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"},
}

// FlagString renders interface flags as iproute2 does:
// "BROADCAST,MULTICAST,UP,LOWER_UP", with NO-CARRIER first for a link
// that is up without a carrier.
func FlagString(flags uint32) string {
	var s []string
	if flags&unix.IFF_UP != 0 && flags&unix.IFF_RUNNING == 0 {
		s = append(s, "NO-CARRIER")
	}
	flags &^= unix.IFF_RUNNING
	for _, f := range linkFlags {
		if flags&f.bit != 0 {
			s = append(s, f.name)
			flags &^= f.bit
		}
	}
	if flags != 0 {
		s = append(s, strconv.FormatUint(uint64(flags), 16))
	}
	return strings.Join(s, ",")
}

var operStates = map[netlink.LinkOperState]string{
	netlink.OperUnknown: "UNKNOWN", netlink.OperNotPresent: "NOTPRESENT", netlink.OperDown: "DOWN",
	netlink.OperLowerLayerDown: "LOWERLAYERDOWN", netlink.OperTesting: "TESTING",
	netlink.OperDormant: "DORMANT", netlink.OperUp: "UP",
}

// FormatLink renders a link as "ip link" does, two lines:
//
//	2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP qlen 1000
//	    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
//
// names maps link indexes to names, for "veth0@veth1" and "master br0".
// The loopback's address, all zeros, is shown though netlink leaves it
// out.
func FormatLink(l netlink.Link, names map[int]string) string {
	a := l.Attrs()
	var b strings.Builder
	name := a.Name
	if p := a.ParentIndex; p != 0 && p != a.Index {
		if n, ok := names[p]; ok && a.NetNsID < 0 {
			name += "@" + n
		} else {
			name += "@if" + strconv.Itoa(p)
		}
	}
	fmt.Fprintf(&b, "%d: %s: <%s> mtu %d", a.Index, name, FlagString(a.RawFlags), a.MTU)
	if m := a.MasterIndex; m != 0 {
		if n, ok := names[m]; ok {
			fmt.Fprintf(&b, " master %s", n)
		}
	}
	st, ok := operStates[a.OperState]
	if !ok {
		st = "UNKNOWN"
	}
	fmt.Fprintf(&b, " state %s", st)
	if a.TxQLen > 0 {
		fmt.Fprintf(&b, " qlen %d", a.TxQLen)
	}
	b.WriteString("\n    link/")
	encap := a.EncapType
	if encap == "" {
		encap = "none"
	}
	b.WriteString(encap)
	switch {
	case encap == "loopback":
		fmt.Fprintf(&b, " 00:00:00:00:00:00 brd 00:00:00:00:00:00")
	case len(a.HardwareAddr) == 0:
	case encap == "ether":
		fmt.Fprintf(&b, " %s brd ff:ff:ff:ff:ff:ff", a.HardwareAddr)
	default:
		fmt.Fprintf(&b, " %s", a.HardwareAddr)
	}
	if a.NetNsID >= 0 {
		fmt.Fprintf(&b, " link-netnsid %d", a.NetNsID)
	}
	b.WriteByte('\n')
	return b.String()
}

// scopeName is iproute2's name for an address or route scope.
func scopeName(s int) string {
	switch s {
	case unix.RT_SCOPE_UNIVERSE:
		return "global"
	case unix.RT_SCOPE_SITE:
		return "site"
	case unix.RT_SCOPE_LINK:
		return "link"
	case unix.RT_SCOPE_HOST:
		return "host"
	case unix.RT_SCOPE_NOWHERE:
		return "nowhere"
	}
	return strconv.Itoa(s)
}

// addrFlags are the address flags in the order iproute2 prints them;
// "permanent" is printed the other way round, as "dynamic" when unset.
var addrFlags = []struct {
	bit  int
	name string
}{
	{unix.IFA_F_SECONDARY, "secondary"}, {unix.IFA_F_NODAD, "nodad"}, {unix.IFA_F_OPTIMISTIC, "optimistic"},
	{unix.IFA_F_DADFAILED, "dadfailed"}, {unix.IFA_F_HOMEADDRESS, "home"}, {unix.IFA_F_DEPRECATED, "deprecated"},
	{unix.IFA_F_TENTATIVE, "tentative"}, {unix.IFA_F_PERMANENT, ""}, {unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr"},
	{unix.IFA_F_NOPREFIXROUTE, "noprefixroute"}, {unix.IFA_F_MCAUTOJOIN, "autojoin"},
	{unix.IFA_F_STABLE_PRIVACY, "stable-privacy"},
}

// FormatAddr renders an address as "ip addr" does under its link:
//
//	inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0
//	   valid_lft forever preferred_lft forever
func FormatAddr(a netlink.Addr) string {
	if a.IPNet == nil {
		return ""
	}
	var b strings.Builder
	fam := "inet6"
	if a.IP.To4() != nil {
		fam = "inet"
	}
	fmt.Fprintf(&b, "    %s %s", fam, a.IPNet)
	if a.Peer != nil && !a.Peer.IP.Equal(a.IP) {
		fmt.Fprintf(&b, " peer %s", a.Peer)
	}
	if a.Broadcast != nil {
		fmt.Fprintf(&b, " brd %s", a.Broadcast)
	}
	fmt.Fprintf(&b, " scope %s", scopeName(a.Scope))
	flags := a.Flags
	for _, f := range addrFlags {
		switch {
		case f.bit == unix.IFA_F_PERMANENT:
			if flags&f.bit == 0 {
				b.WriteString(" dynamic")
			}
		case flags&f.bit == 0:
		case f.bit == unix.IFA_F_SECONDARY && fam == "inet6":
			b.WriteString(" temporary")
		default:
			b.WriteString(" " + f.name)
		}
		flags &^= f.bit
	}
	if flags != 0 {
		fmt.Fprintf(&b, " flags %02x", flags)
	}
	if a.Label != "" {
		b.WriteString(" " + a.Label)
	}
	fmt.Fprintf(&b, "\n       valid_lft %s preferred_lft %s\n", lifetime(a.ValidLft), lifetime(a.PreferedLft))
	return b.String()
}

func lifetime(l int) string {
	if uint32(l) == 0xffffffff {
		return "forever"
	}
	return strconv.Itoa(l) + "sec"
}

var routeProtos = map[netlink.RouteProtocol]string{
	unix.RTPROT_UNSPEC: "unspec", unix.RTPROT_REDIRECT: "redirect", unix.RTPROT_KERNEL: "kernel",
	unix.RTPROT_BOOT: "boot", unix.RTPROT_STATIC: "static", unix.RTPROT_RA: "ra",
	unix.RTPROT_DHCP: "dhcp",
}

var routeTypes = map[int]string{
	unix.RTN_LOCAL: "local", unix.RTN_BROADCAST: "broadcast", unix.RTN_ANYCAST: "anycast",
	unix.RTN_MULTICAST: "multicast", unix.RTN_BLACKHOLE: "blackhole", unix.RTN_UNREACHABLE: "unreachable",
	unix.RTN_PROHIBIT: "prohibit", unix.RTN_THROW: "throw", unix.RTN_NAT: "nat",
}

func routeDst(r netlink.Route) string {
	if r.Dst == nil {
		return "default"
	}
	if ones, _ := r.Dst.Mask.Size(); ones == 0 {
		return "default"
	}
	ones, bits := r.Dst.Mask.Size()
	if ones == bits {
		return r.Dst.IP.String()
	}
	return r.Dst.String()
}

// FormatRoute renders a route as "ip route" does:
//
//	default via 10.0.2.2 dev eth0 proto dhcp
//	10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15
//
// names maps link indexes to names; a link not in it is not shown, which
// is how "ip route show dev eth0" leaves out "dev eth0".
func FormatRoute(r netlink.Route, names map[int]string) string {
	var b strings.Builder
	if t, ok := routeTypes[r.Type]; ok {
		b.WriteString(t + " ")
	}
	b.WriteString(routeDst(r))
	if r.Gw != nil {
		fmt.Fprintf(&b, " via %s", r.Gw)
	}
	if n, ok := names[r.LinkIndex]; ok {
		fmt.Fprintf(&b, " dev %s", n)
	}
	if r.Protocol != unix.RTPROT_BOOT {
		if p, ok := routeProtos[r.Protocol]; ok {
			fmt.Fprintf(&b, " proto %s", p)
		} else {
			fmt.Fprintf(&b, " proto %d", int(r.Protocol))
		}
	}
	if r.Scope != netlink.SCOPE_UNIVERSE {
		fmt.Fprintf(&b, " scope %s", scopeName(int(r.Scope)))
	}
	if r.Src != nil {
		fmt.Fprintf(&b, " src %s", r.Src)
	}
	if r.Priority != 0 {
		fmt.Fprintf(&b, " metric %d", r.Priority)
	}
	if r.Flags&unix.RTNH_F_LINKDOWN != 0 {
		b.WriteString(" linkdown")
	}
	if r.Flags&unix.RTNH_F_ONLINK != 0 {
		b.WriteString(" onlink")
	}
	b.WriteByte('\n')
	return b.String()
}
