package netconf

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// inNetns runs fn on a thread of its own in a new network namespace with
// a veth pair v0-v1, so that tests configure real links through the
// kernel without touching the host's network. It skips the test where
// namespaces cannot be made (not root, no veth).
func inNetns(t *testing.T, fn func()) {
	t.Helper()
	done := make(chan string)
	go func() {
		// The thread stays locked: it ends with this goroutine instead of
		// going back to the runtime's pool inside the test's namespace.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- "cannot make a network namespace: " + err.Error()
			return
		}
		if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "v0"}, PeerName: "v1"}); err != nil {
			done <- "cannot make a veth pair: " + err.Error()
			return
		}
		fn()
		done <- ""
	}()
	if skip := <-done; skip != "" {
		t.Skip(skip)
	}
}

// ip runs our ip command, as the guest's ip does.
func ip(t *testing.T, line string) string {
	t.Helper()
	c, err := ParseIP(strings.Fields(line))
	if err != nil {
		t.Errorf("ip %s: %v", line, err)
		return ""
	}
	var b bytes.Buffer
	if err := c.Run(&b); err != nil {
		t.Errorf("ip %s: %v", line, err)
	}
	return b.String()
}

// iproute2 runs the host's ip with the same arguments and drops what
// ours leaves out (qdisc, mode, group, altname) and trailing spaces.
func iproute2(t *testing.T, line string) string {
	t.Helper()
	out, err := exec.Command("ip", strings.Fields(line)...).CombinedOutput()
	if err != nil {
		t.Errorf("iproute2 ip %s: %v\n%s", line, err, out)
	}
	s := regexp.MustCompile(` (qdisc|mode|group) \S+`).ReplaceAllString(string(out), "")
	s = regexp.MustCompile(`(?m)^\s+altname .*\n`).ReplaceAllString(s, "")
	return regexp.MustCompile(`(?m) +$`).ReplaceAllString(s, "")
}

func TestIPAgainstIproute2(t *testing.T) {
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("no iproute2 on this host to compare with")
	}
	inNetns(t, func() {
		ip(t, "link set lo up")
		ip(t, "link set v0 up")
		ip(t, "link set dev v1 mtu 1400 up")
		ip(t, "addr add 10.9.0.1/24 dev v0")
		ip(t, "addr add 10.9.1.1/24 brd + dev v1")
		ip(t, "addr add 10.9.1.7/24 brd 10.9.1.255 dev v1")
		ip(t, "route add 192.168.50.0/24 via 10.9.0.254 dev v0 metric 5")
		ip(t, "route add default via 10.9.1.254")
		ip(t, "route add 172.16.0.0/12 dev v1")
		// The veth pair's carrier comes up a moment after both ends are
		// up; iproute2 and we must see the same state.
		waitFor(t, func() bool { return strings.Contains(ip(t, "link show v0"), "state UP") })
		for _, cmd := range []string{"link", "link show v1", "-4 addr show dev v0", "-4 addr show v1", "addr show lo", "route", "route show dev v1"} {
			ours, theirs := ip(t, cmd), iproute2(t, cmd)
			if ours != theirs {
				t.Errorf("ip %s:\nours:\n%s\niproute2:\n%s", cmd, ours, theirs)
			}
		}
		ip(t, "route del 192.168.50.0/24")
		ip(t, "route del default")
		ip(t, "addr del 10.9.1.7/24 dev v1")
		ip(t, "link set v1 down")
		for _, cmd := range []string{"route", "-4 addr show v1"} {
			// Taking a link down changes routes a moment later: compare
			// once the kernel has settled (the two reads agree).
			var ours, theirs string
			for try := 0; try < 20; try++ {
				if ours, theirs = ip(t, cmd), iproute2(t, cmd); ours == theirs {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if ours != theirs {
				t.Errorf("after deleting, ip %s:\nours:\n%s\niproute2:\n%s", cmd, ours, theirs)
			}
		}
		ip(t, "route flush dev v1")
		if out := ip(t, "route show dev v1"); out != "" {
			t.Errorf("after route flush:\n%s", out)
		}
		ip(t, "addr flush dev v1")
		if out := ip(t, "-4 addr show v1"); strings.Contains(out, "inet ") {
			t.Errorf("after flush:\n%s", out)
		}
		c, _ := ParseIP(strings.Fields("addr add 10.9.0.1/24 dev v0"))
		if err := c.Run(&bytes.Buffer{}); err == nil || !strings.HasSuffix(err.Error(), "file exists") {
			t.Errorf("adding an address twice: %v", err)
		}
		c, _ = ParseIP(strings.Fields("link set eth9 up"))
		if err := c.Run(&bytes.Buffer{}); err == nil || err.Error() != "eth9: no such network interface" {
			t.Errorf("missing link: %v", err)
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 100 && !cond(); i++ {
		time.Sleep(50 * time.Millisecond)
	}
}

func TestApply(t *testing.T) {
	ResolvConfPath = filepath.Join(t.TempDir(), "resolv.conf")
	defer func() { ResolvConfPath = "/etc/resolv.conf" }()
	inNetns(t, func() {
		l, err := FromDHCP("v0", slirp(t))
		if err != nil {
			t.Error(err)
			return
		}
		l.MTU = 1400
		c := l.Config()
		// Twice: a repeated lease must not fail on what is already there.
		for i := 0; i < 2; i++ {
			if err := Apply(c); err != nil {
				t.Errorf("Apply #%d: %v", i+1, err)
			}
		}
		addr := ip(t, "-4 addr show v0")
		for _, want := range []string{"mtu 1400", "inet 10.0.2.15/24 brd 10.0.2.255 scope global v0"} {
			if !strings.Contains(addr, want) {
				t.Errorf("ip addr lacks %q:\n%s", want, addr)
			}
		}
		// linkdown: the other end, v1, is down.
		if r := ip(t, "route"); !strings.Contains(r, "default via 10.0.2.2 dev v0 proto dhcp linkdown\n") {
			t.Errorf("ip route:\n%s", r)
		}
		if b, err := os.ReadFile(ResolvConfPath); err != nil || string(b) != c.ResolvConf {
			t.Errorf("resolv.conf: %q, %v", b, err)
		}
		// v1, made with v0, has the lower index.
		if n, err := DefaultInterface(); err != nil || n != "v1" {
			t.Errorf("DefaultInterface: %q, %v", n, err)
		}
		if err := Apply(&Config{Link: "nope0"}); err == nil || err.Error() != "nope0: no such network interface" {
			t.Errorf("Apply to a missing link: %v", err)
		}
	})
}

// TestDHCP gets a lease from a DHCP server on the other end of the veth
// pair, and times out on a link where nobody answers.
func TestDHCP(t *testing.T) {
	inNetns(t, func() {
		v1, _ := netlink.LinkByName("v1")
		netlink.AddrAdd(v1, &netlink.Addr{IPNet: cidr("10.0.2.2/24")})
		netlink.LinkSetUp(v1)
		srv, err := server4.NewServer("v1", nil, func(conn net.PacketConn, peer net.Addr, m *dhcpv4.DHCPv4) {
			typ := dhcpv4.MessageTypeOffer
			if m.MessageType() == dhcpv4.MessageTypeRequest {
				typ = dhcpv4.MessageTypeAck
			}
			reply, err := dhcpv4.NewReplyFromRequest(m,
				dhcpv4.WithMessageType(typ),
				dhcpv4.WithYourIP(ip4("10.0.2.15")),
				dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
				dhcpv4.WithRouter(ip4("10.0.2.2")),
				dhcpv4.WithDNS(ip4("10.0.2.3")),
				dhcpv4.WithOption(dhcpv4.OptServerIdentifier(ip4("10.0.2.2"))),
				dhcpv4.WithOption(dhcpv4.OptIPAddressLeaseTime(time.Hour)))
			if err != nil {
				return
			}
			// The client has no address yet: answer by broadcast.
			conn.WriteTo(reply.ToBytes(), &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ClientPort})
		})
		if err != nil {
			t.Errorf("DHCP server: %v", err)
			return
		}
		go srv.Serve()
		defer srv.Close()
		l, err := DHCP(context.Background(), "v0", 20*time.Second)
		if err != nil {
			t.Errorf("DHCP: %v", err)
			return
		}
		if l.String() != "v0: 10.0.2.15/24 via 10.0.2.2, dns 10.0.2.3" {
			t.Errorf("lease %q", l)
		}

		if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "quiet0"}, PeerName: "quiet1"}); err != nil {
			t.Error(err)
			return
		}
		_, err = DHCP(context.Background(), "quiet0", 1500*time.Millisecond)
		if err == nil || err.Error() != "quiet0: no DHCP offer after 1.5s (is the VM started with --net?)" {
			t.Errorf("no server: %v", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := DHCP(ctx, "quiet0", time.Minute); err != context.Canceled {
			t.Errorf("cancelled: %v", err)
		}
	})
}
