package ping

import (
	"context"
	"net"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func TestEcho(t *testing.T) {
	b := Echo(0x1234, 7, 56)
	if len(b) != 64 || b[0] != 8 || b[1] != 0 {
		t.Fatalf("echo request % x", b[:8])
	}
	// A packet with its checksum in place sums to zero.
	if c := checksum(b); c != 0 {
		t.Errorf("checksum over the packet: %#x", c)
	}
	if c := checksum([]byte{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7}); c != 0xb861 {
		t.Errorf("RFC 1071 example (an IPv4 header): %#x, want 0xb861", c)
	}
	if c := checksum([]byte{1}); c != 0xfeff {
		t.Errorf("odd length: %#x", c)
	}
}

func TestParseReply(t *testing.T) {
	reply := Echo(0x1234, 7, 56)
	reply[0] = 0
	ipHdr := []byte{0x45, 0, 0, 84, 0, 0, 0, 0, 64, unix.IPPROTO_ICMP, 0, 0, 10, 0, 2, 2, 10, 0, 2, 15}
	if r, ok := ParseReply(reply, false, 0); !ok || r.Seq != 7 || r.Bytes != 64 || r.TTL != -1 {
		t.Errorf("ping socket reply: %+v %v", r, ok)
	}
	if r, ok := ParseReply(append(ipHdr, reply...), true, 0x1234); !ok || r.Seq != 7 || r.TTL != 64 || r.Bytes != 64 {
		t.Errorf("raw reply: %+v %v", r, ok)
	}
	if _, ok := ParseReply(append(ipHdr, reply...), true, 0x9999); ok {
		t.Error("raw reply to another process's ping accepted")
	}
	if _, ok := ParseReply(Echo(1, 1, 8), false, 0); ok {
		t.Error("echo request taken for a reply")
	}
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte{0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 2, 2, 10, 0, 2, 15, 0, 0, 0, 0, 0x12, 0x34, 0, 1}, true)
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 2}, false)
	f.Fuzz(func(t *testing.T, b []byte, raw bool) {
		r, ok := ParseReply(b, raw, 0x1234)
		if ok && (r.Bytes < 8 || r.Bytes > len(b) || r.Seq < 0 || r.Seq > 0xffff) {
			t.Fatalf("%+v from %d bytes", r, len(b))
		}
	})
}

// inNetns runs fn on a locked thread in a new network namespace whose
// loopback is up, so that pings go nowhere but that namespace.
func inNetns(t *testing.T, fn func()) {
	t.Helper()
	done := make(chan string)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- "cannot make a network namespace: " + err.Error()
			return
		}
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
		if err == nil {
			ifr, _ := unix.NewIfreq("lo")
			ifr.SetUint16(unix.IFF_UP)
			err = unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
			unix.Close(fd)
		}
		if err != nil {
			done <- "cannot bring lo up: " + err.Error()
			return
		}
		fn()
		done <- ""
	}()
	if skip := <-done; skip != "" {
		t.Skip(skip)
	}
}

func TestPingLoopback(t *testing.T) {
	inNetns(t, func() {
		// Both kinds of socket: raw (root) by default, the ping socket
		// once this namespace lets root's group use it.
		for _, pingGroup := range []string{"1 0", "0 0"} {
			if err := os.WriteFile("/proc/sys/net/ipv4/ping_group_range", []byte(pingGroup), 0); err != nil {
				t.Logf("ping_group_range: %v", err)
			}
			var got []Reply
			st, err := Run(context.Background(), net.IPv4(127, 0, 0, 1), Options{Count: 3, Interval: 20 * time.Millisecond}, func(r Reply) {
				got = append(got, r)
			})
			if err != nil {
				t.Errorf("ping_group_range %q: %v", pingGroup, err)
				continue
			}
			if st.Sent != 3 || st.Received != 3 || len(got) != 3 || st.Min > st.Avg || st.Avg > st.Max {
				t.Errorf("ping_group_range %q: stats %+v, replies %+v", pingGroup, st, got)
				continue
			}
			for i, r := range got {
				if r.Seq != i || r.TTL != 64 || r.Bytes != 64 || !r.From.Equal(net.IPv4(127, 0, 0, 1)) {
					t.Errorf("ping_group_range %q: reply %d: %+v", pingGroup, i, r)
				}
			}
		}
	})
}

func TestPingNoAnswer(t *testing.T) {
	inNetns(t, func() {
		// The namespace has no route but lo's: the kernel refuses at once.
		st, err := Run(context.Background(), net.IPv4(192, 0, 2, 1), Options{Count: 1, Wait: 200 * time.Millisecond}, func(Reply) {})
		if err == nil || err.Error() != "192.0.2.1: network is unreachable" || st.Received != 0 {
			t.Errorf("unroutable: %+v %v", st, err)
		}

		// A neighbour that does not exist: the request goes out on a veth
		// whose other end nobody listens on, and no reply comes.
		if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "v0"}, PeerName: "v1"}); err != nil {
			t.Logf("no veth, skipping the silent neighbour: %v", err)
		} else {
			v0, _ := netlink.LinkByName("v0")
			v1, _ := netlink.LinkByName("v1")
			netlink.AddrAdd(v0, &netlink.Addr{IPNet: &net.IPNet{IP: net.IPv4(10, 9, 0, 1), Mask: net.CIDRMask(24, 32)}})
			netlink.LinkSetUp(v0)
			netlink.LinkSetUp(v1)
			st, err = Run(context.Background(), net.IPv4(10, 9, 0, 2), Options{Count: 2, Interval: 50 * time.Millisecond, Wait: 300 * time.Millisecond}, func(Reply) {})
			if err != nil || st.Sent != 2 || st.Received != 0 {
				t.Errorf("silent neighbour: %+v %v", st, err)
			}
		}

		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(100 * time.Millisecond); cancel() }()
		st, err = Run(ctx, net.IPv4(127, 0, 0, 1), Options{Interval: 20 * time.Millisecond}, func(Reply) {})
		if err != context.Canceled || st.Received == 0 {
			t.Errorf("until cancelled: %+v %v", st, err)
		}
	})
}
