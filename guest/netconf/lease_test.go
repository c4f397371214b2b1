package netconf

import (
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/rfc1035label"
)

func ack(t *testing.T, mods ...dhcpv4.Modifier) *dhcpv4.DHCPv4 {
	t.Helper()
	m, err := dhcpv4.New(append([]dhcpv4.Modifier{dhcpv4.WithMessageType(dhcpv4.MessageTypeAck)}, mods...)...)
	if err != nil {
		t.Fatal(err)
	}
	// Through the wire format, as a lease arrives.
	m, err = dhcpv4.FromBytes(m.ToBytes())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func cidr(s string) *net.IPNet {
	ip, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	if ip.To4() != nil {
		ip = ip.To4()
	}
	return &net.IPNet{IP: ip, Mask: n.Mask}
}

func ip4(s string) net.IP { return net.ParseIP(s).To4() }

// slirp is what QEMU's user network answers.
func slirp(t *testing.T) *dhcpv4.DHCPv4 {
	return ack(t,
		dhcpv4.WithYourIP(ip4("10.0.2.15")),
		dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
		dhcpv4.WithRouter(ip4("10.0.2.2")),
		dhcpv4.WithDNS(ip4("10.0.2.3")),
		dhcpv4.WithServerIP(ip4("10.0.2.2")),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(ip4("10.0.2.2"))),
		dhcpv4.WithOption(dhcpv4.OptIPAddressLeaseTime(24*time.Hour)),
	)
}

func TestLeaseSlirp(t *testing.T) {
	l, err := FromDHCP("eth0", slirp(t))
	if err != nil {
		t.Fatal(err)
	}
	if s := l.String(); s != "eth0: 10.0.2.15/24 via 10.0.2.2, dns 10.0.2.3" {
		t.Errorf("String() = %q", s)
	}
	if l.Duration != 24*time.Hour || !l.Server.Equal(ip4("10.0.2.2")) {
		t.Errorf("duration %v, server %v", l.Duration, l.Server)
	}
	c := l.Config()
	want := &Config{
		Link:       "eth0",
		Addrs:      []Addr{{IPNet: *cidr("10.0.2.15/24"), Broadcast: ip4("10.0.2.255")}},
		Routes:     []Route{{Gw: ip4("10.0.2.2")}},
		Proto:      16,
		ResolvConf: "# from the DHCP lease of eth0\nnameserver 10.0.2.3\n",
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Config() =\n%+v\nwant\n%+v", c, want)
	}
}

func TestLeaseConfig(t *testing.T) {
	tests := []struct {
		name    string
		mods    []dhcpv4.Modifier
		line    string
		routes  []Route
		resolv  string
		brd     string
		mtu     int
		wantErr string
	}{
		{
			name:   "gateway outside a /32",
			mods:   []dhcpv4.Modifier{dhcpv4.WithYourIP(ip4("192.0.2.7")), dhcpv4.WithNetmask(net.CIDRMask(32, 32)), dhcpv4.WithRouter(ip4("192.0.2.1"))},
			line:   "eth0: 192.0.2.7/32 via 192.0.2.1",
			routes: []Route{{Dst: cidr("192.0.2.1/32")}, {Gw: ip4("192.0.2.1")}},
		},
		{
			name: "classless routes replace the router",
			mods: []dhcpv4.Modifier{
				dhcpv4.WithYourIP(ip4("10.1.0.5")), dhcpv4.WithNetmask(net.CIDRMask(16, 32)), dhcpv4.WithRouter(ip4("10.1.0.1")),
				dhcpv4.WithOption(dhcpv4.OptClasslessStaticRoute(
					&dhcpv4.Route{Dest: cidr("172.16.0.0/12"), Router: ip4("10.1.0.9")},
					&dhcpv4.Route{Dest: cidr("192.168.5.0/24"), Router: ip4("0.0.0.0")},
					&dhcpv4.Route{Dest: cidr("0.0.0.0/0"), Router: ip4("192.168.5.1")},
				)),
			},
			line:   "eth0: 10.1.0.5/16 via 192.168.5.1",
			routes: []Route{{Dst: cidr("192.168.5.0/24")}, {Dst: cidr("172.16.0.0/12"), Gw: ip4("10.1.0.9")}, {Gw: ip4("192.168.5.1")}},
			brd:    "10.1.255.255",
		},
		{
			name: "no mask, no router, search list, mtu, broadcast",
			mods: []dhcpv4.Modifier{
				dhcpv4.WithYourIP(ip4("192.168.1.20")), dhcpv4.WithDNS(ip4("192.168.1.1"), ip4("0.0.0.0"), ip4("9.9.9.9")),
				dhcpv4.WithDomainSearchList("lan", "example.com"), dhcpv4.WithOption(dhcpv4.OptDomainName("ignored.example")),
				dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionInterfaceMTU, []byte{0x05, 0xb4})),
				dhcpv4.WithOption(dhcpv4.OptBroadcastAddress(ip4("192.168.1.127"))),
			},
			line:   "eth0: 192.168.1.20/24, dns 192.168.1.1 9.9.9.9",
			resolv: "# from the DHCP lease of eth0\nnameserver 192.168.1.1\nnameserver 9.9.9.9\nsearch lan example.com\n",
			brd:    "192.168.1.127",
			mtu:    1460,
		},
		{
			name: "a domain name with a newline is dropped",
			mods: []dhcpv4.Modifier{
				dhcpv4.WithYourIP(ip4("10.0.0.2")), dhcpv4.WithNetmask(net.CIDRMask(8, 32)),
				dhcpv4.WithOption(dhcpv4.OptDomainName("x\nnameserver 6.6.6.6")),
			},
			line: "eth0: 10.0.0.2/8",
		},
		{
			name:   "domain name as search",
			mods:   []dhcpv4.Modifier{dhcpv4.WithYourIP(ip4("10.0.0.2")), dhcpv4.WithNetmask(net.CIDRMask(8, 32)), dhcpv4.WithOption(dhcpv4.OptDomainName("corp.example."))},
			line:   "eth0: 10.0.0.2/8",
			resolv: "# from the DHCP lease of eth0\nsearch corp.example\n",
		},
		{
			// QEMU's user network with restrict=on names no router
			// (libslirp's bootp.c); its gateway is there all the same.
			name: "restricted QEMU network: the gateway anyway",
			mods: []dhcpv4.Modifier{
				dhcpv4.WithYourIP(ip4("10.0.2.15")), dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
				dhcpv4.WithServerIP(ip4("10.0.2.2")), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(ip4("10.0.2.2"))),
			},
			line:   "eth0: 10.0.2.15/24 via 10.0.2.2",
			routes: []Route{{Gw: ip4("10.0.2.2")}},
		},
		{
			name: "another server on 10.0.2.0/24: no gateway made up",
			mods: []dhcpv4.Modifier{
				dhcpv4.WithYourIP(ip4("10.0.2.15")), dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
				dhcpv4.WithOption(dhcpv4.OptServerIdentifier(ip4("10.0.2.9"))),
			},
			line: "eth0: 10.0.2.15/24",
		},
		{
			name: "QEMU's server, another address: no gateway made up",
			mods: []dhcpv4.Modifier{
				dhcpv4.WithYourIP(ip4("192.168.7.15")), dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
				dhcpv4.WithOption(dhcpv4.OptServerIdentifier(ip4("10.0.2.2"))),
			},
			line: "eth0: 192.168.7.15/24",
		},
		{name: "no address", wantErr: "eth0: the DHCP answer gives no address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := FromDHCP("eth0", ack(t, tt.mods...))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.String() != tt.line {
				t.Errorf("String() = %q, want %q", l.String(), tt.line)
			}
			c := l.Config()
			if !reflect.DeepEqual(c.Routes, tt.routes) {
				t.Errorf("routes %v, want %v", c.Routes, tt.routes)
			}
			if c.ResolvConf != tt.resolv {
				t.Errorf("resolv.conf %q, want %q", c.ResolvConf, tt.resolv)
			}
			if tt.brd != "" && !c.Addrs[0].Broadcast.Equal(ip4(tt.brd)) {
				t.Errorf("broadcast %v, want %s", c.Addrs[0].Broadcast, tt.brd)
			}
			if c.MTU != tt.mtu {
				t.Errorf("mtu %d, want %d", c.MTU, tt.mtu)
			}
		})
	}
}

func TestResolvConfLimits(t *testing.T) {
	l := &Lease{Interface: "eth0"}
	for i := 1; i <= 5; i++ {
		l.DNS = append(l.DNS, net.IPv4(10, 0, 0, byte(i)))
	}
	for i := 0; i < 8; i++ {
		l.Search = append(l.Search, "d"+string(rune('a'+i)))
	}
	got := l.ResolvConf()
	if strings.Count(got, "nameserver") != 3 || !strings.Contains(got, "search da db dc dd de df\n") {
		t.Errorf("resolv.conf:\n%s", got)
	}
	if (&Lease{Interface: "eth0"}).ResolvConf() != "" {
		t.Error("a lease without DNS should leave resolv.conf alone")
	}
}

// The domain search option arrives in DNS wire format; check that the
// labels survive decoding.
func TestDomainSearchDecoding(t *testing.T) {
	m := ack(t, dhcpv4.WithYourIP(ip4("10.0.0.2")), dhcpv4.WithOption(dhcpv4.OptDomainSearch(&rfc1035label.Labels{Labels: []string{"a.example", "b.example"}})))
	l, err := FromDHCP("eth0", m)
	if err != nil || !reflect.DeepEqual(l.Search, []string{"a.example", "b.example"}) {
		t.Errorf("search %v, %v", l.Search, err)
	}
}
