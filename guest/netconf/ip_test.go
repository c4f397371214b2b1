package netconf

import (
	"net"
	"reflect"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func TestParseIP(t *testing.T) {
	tests := []struct {
		in   string
		want string // canonical Args, or "error: ..."
	}{
		{"a", "address show"},
		{"addr show dev eth0", "address show dev eth0"},
		{"a s eth0", "address show dev eth0"},
		{"-4 address", "-4 address show"},
		{"address eth0", "address show dev eth0"},
		{"l", "link show"},
		{"link show lo", "link show dev lo"},
		{"link dev lo", "link show dev lo"},
		{"r", "route show"},
		{"-6 ro list", "-6 route show"},
		{"route show dev eth0", "route show dev eth0"},
		{"addr add 10.0.2.15/24 dev eth0", "-4 address add 10.0.2.15/24 dev eth0"},
		{"addr add 10.0.2.15/24 brd + dev eth0", "-4 address add 10.0.2.15/24 dev eth0"},
		{"a a 10.0.2.15/24 broadcast 10.0.2.255 dev eth0", "-4 address add 10.0.2.15/24 brd 10.0.2.255 dev eth0"},
		{"addr del 10.0.2.15 dev eth0", "-4 address del 10.0.2.15/32 dev eth0"},
		{"addr delete fe80::1/64 dev eth0", "-6 address del fe80::1/64 dev eth0"},
		{"addr flush dev eth0", "address flush dev eth0"},
		{"link set eth0 up", "link set dev eth0 up"},
		{"link set dev eth0 mtu 1400 down", "link set dev eth0 down mtu 1400"},
		{"route add default via 10.0.2.2", "-4 route add default via 10.0.2.2"},
		{"route add default via 10.0.2.2 dev eth0", "-4 route add default via 10.0.2.2 dev eth0"},
		{"r add 192.168.0.0/16 dev eth0 metric 5 src 10.0.2.15", "-4 route add 192.168.0.0/16 src 10.0.2.15 metric 5 dev eth0"},
		{"route add to 10.9.9.9 via 10.0.2.2", "-4 route add 10.9.9.9/32 via 10.0.2.2"},
		{"route replace default dev eth0", "route replace default dev eth0"},
		{"route del default", "route del default"},
		{"route flush dev eth0", "route flush dev eth0"},

		{"", "error: no object: want address, link or route"},
		{"neigh", `error: unknown object "neigh": want address, link or route`},
		{"-s a", "error: unknown option -s"},
		{"addr add 10.0.2.15/24", "error: ip address add needs ADDR/LEN and dev IF"},
		{"addr add 10.0.2.15/33 dev eth0", `error: bad prefix length in "10.0.2.15/33"`},
		{"addr add x dev eth0", `error: bad address "x"`},
		{"-6 addr add 10.0.0.1/8 dev eth0", "error: 10.0.0.1 is not an IPv6 address"},
		{"addr add 10.0.0.1/8 dev eth0 dev eth1", "error: two devices, eth0 and eth1"},
		{"addr add 10.0.0.1/8 dev", "error: dev needs a value"},
		{"addr show dev a/b", `error: bad interface name "a/b"`},
		{"addr up", `error: unknown command "up" for ip address`},
		{"addr flush", "error: ip address flush needs dev IF"},
		{"link set eth0", "error: ip link set eth0: nothing to set (up, down or mtu N)"},
		{"link set up", "error: ip link set needs a device"},
		{"link set eth0 mtu big", `error: bad mtu "big"`},
		{"route add 10.0.2.1/24 dev eth0", "error: 10.0.2.1/24 has host bits set; the network is 10.0.2.0/24"},
		{"route add default", "error: ip route add needs via GW or dev IF"},
		{"route add via 10.0.2.2", "error: ip route add needs a destination: default, ADDR or ADDR/LEN"},
		{"route add default default via 10.0.2.2", `error: unexpected "default"`},
		{"route add default via 10.0.2.2 metric -1", `error: bad metric "-1"`},
		{"route add default via fe80::1 src 10.0.2.15", "error: 10.0.2.15 is not an IPv6 address"},
		{"route eth0", `error: unknown command "eth0" for ip route`},
		{"link add x type dummy", "error: ip link add is not supported"},
		{"r get 1.1.1.1", "error: ip route get is not supported"},
		{"a replace 10.0.2.15/24 dev eth0", "-4 address replace 10.0.2.15/24 dev eth0"},
		{"link s eth0 up", "link set dev eth0 up"},
	}
	for _, tt := range tests {
		c, err := ParseIP(strings.Fields(tt.in))
		got := ""
		if err != nil {
			got = "error: " + err.Error()
		} else {
			got = strings.Join(c.Args(), " ")
		}
		if got != tt.want {
			t.Errorf("ip %s:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// FuzzParseIP checks that whatever ParseIP accepts, it gives back as
// arguments that parse to the same command.
func FuzzParseIP(f *testing.F) {
	for _, s := range []string{"a", "addr add 10.0.2.15/24 brd + dev eth0", "-6 route add ::/0 via fe80::1 dev eth0 metric 7",
		"link set eth0 mtu 1400 up", "route del to 10.0.0.0/8", "a s dev lo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Fields(s)
		c, err := ParseIP(args)
		if err != nil {
			return
		}
		again, err := ParseIP(c.Args())
		if err != nil {
			t.Fatalf("%q parsed as %q, which fails: %v", args, c.Args(), err)
		}
		if !reflect.DeepEqual(c, again) {
			t.Fatalf("%q parsed as %+v; its Args %q as %+v", args, c, c.Args(), again)
		}
	})
}

func TestFormat(t *testing.T) {
	mac, _ := net.ParseMAC("52:54:00:12:34:56")
	eth := &netlink.Device{LinkAttrs: netlink.LinkAttrs{
		Index: 2, Name: "eth0", MTU: 1500, TxQLen: 1000, HardwareAddr: mac, EncapType: "ether", NetNsID: -1,
		RawFlags:  unix.IFF_UP | unix.IFF_BROADCAST | unix.IFF_RUNNING | unix.IFF_MULTICAST | unix.IFF_LOWER_UP,
		OperState: netlink.OperUp,
	}}
	lo := &netlink.Device{LinkAttrs: netlink.LinkAttrs{
		Index: 1, Name: "lo", MTU: 65536, TxQLen: 1000, HardwareAddr: make(net.HardwareAddr, 6), EncapType: "loopback", NetNsID: -1,
		RawFlags: unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING | unix.IFF_LOWER_UP, OperState: netlink.OperUnknown,
	}}
	down := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{
		Index: 5, Name: "v0", ParentIndex: 4, MTU: 1500, HardwareAddr: mac, EncapType: "ether", NetNsID: -1,
		RawFlags: unix.IFF_UP | unix.IFF_BROADCAST | unix.IFF_MULTICAST, OperState: netlink.OperLowerLayerDown,
	}}
	names := map[int]string{1: "lo", 2: "eth0", 4: "v1", 5: "v0"}
	all := ^uint32(0) // as netlink reads it into an int: -1 on 32-bit guests
	forever := int(all)
	for _, tt := range []struct{ got, want string }{
		{FormatLink(eth, names), "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP qlen 1000\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"},
		{FormatLink(lo, names), "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"},
		{FormatLink(down, names), "5: v0@v1: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state LOWERLAYERDOWN\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"},
		{FormatAddr(netlink.Addr{IPNet: cidr("10.0.2.15/24"), Broadcast: ip4("10.0.2.255"), Label: "eth0", Flags: unix.IFA_F_PERMANENT, ValidLft: forever, PreferedLft: forever}),
			"    inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0\n       valid_lft forever preferred_lft forever\n"},
		{FormatAddr(netlink.Addr{IPNet: cidr("fe80::5054:ff:fe12:3456/64"), Scope: unix.RT_SCOPE_LINK, Flags: unix.IFA_F_PERMANENT, ValidLft: forever, PreferedLft: forever}),
			"    inet6 fe80::5054:ff:fe12:3456/64 scope link\n       valid_lft forever preferred_lft forever\n"},
		{FormatAddr(netlink.Addr{IPNet: cidr("fec0::5054:ff:fe12:3456/64"), Scope: unix.RT_SCOPE_SITE, Flags: unix.IFA_F_MANAGETEMPADDR, ValidLft: 86387, PreferedLft: 14387}),
			"    inet6 fec0::5054:ff:fe12:3456/64 scope site dynamic mngtmpaddr\n       valid_lft 86387sec preferred_lft 14387sec\n"},
		{FormatRoute(netlink.Route{Dst: cidr("0.0.0.0/0"), Gw: ip4("10.0.2.2"), LinkIndex: 2, Protocol: unix.RTPROT_DHCP, Type: unix.RTN_UNICAST}, names),
			"default via 10.0.2.2 dev eth0 proto dhcp\n"},
		{FormatRoute(netlink.Route{Gw: ip4("10.0.2.2"), LinkIndex: 2, Protocol: unix.RTPROT_BOOT, Priority: 100}, names),
			"default via 10.0.2.2 dev eth0 metric 100\n"},
		{FormatRoute(netlink.Route{Dst: cidr("10.0.2.0/24"), LinkIndex: 2, Protocol: unix.RTPROT_KERNEL, Scope: netlink.SCOPE_LINK, Src: ip4("10.0.2.15")}, names),
			"10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15\n"},
		{FormatRoute(netlink.Route{Dst: cidr("10.9.9.9/32"), LinkIndex: 9, Protocol: unix.RTPROT_BOOT, Scope: netlink.SCOPE_LINK, Flags: unix.RTNH_F_LINKDOWN}, names),
			"10.9.9.9 scope link linkdown\n"},
		{FormatRoute(netlink.Route{Dst: cidr("192.0.2.0/24"), Type: unix.RTN_UNREACHABLE, Protocol: unix.RTPROT_BOOT}, names),
			"unreachable 192.0.2.0/24\n"},
		{FlagString(unix.IFF_UP | unix.IFF_RUNNING | 1<<25), "UP,2000000"},
	} {
		if tt.got != tt.want {
			t.Errorf("got\n%q\nwant\n%q", tt.got, tt.want)
		}
	}
}
