package initd_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/vmtest"
)

// TestNetwork boots a guest with a network card (and so the networking
// commands) whose only way out is to a server on the host's 127.0.0.1,
// which appears in the guest as 10.0.2.100:80 (and :8080).
// Nothing else is reachable: QEMU's user network runs with restrict=on.
func TestNetwork(t *testing.T) {
	t.Parallel()
	file := make([]byte, 1<<20)
	rand.Read(file)
	sum := sha256.Sum256(file)
	mux := http.NewServeMux()
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) { w.Write(file) })
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	defer srv.Close()
	hostPort := srv.Listener.Addr().(*net.TCPAddr).Port

	v := vmtest.Start(t, &vmtest.Options{
		// Two ports for one server: a guestfwd to a tcp: chardev carries
		// one connection for the life of QEMU (the chardev connects once,
		// at start), so each request here has its own. (QEMU names the
		// chardev after the guest port: two guestfwds need two ports.)
		GuestFwds: []vm.GuestFwd{
			{GuestAddr: "10.0.2.100", GuestPort: 80, HostPort: hostPort},
			{GuestAddr: "10.0.2.100", GuestPort: 8080, HostPort: hostPort},
		},
	})
	// init configures the card in the background: its line may come
	// before or after the first prompt.
	m, err := v.ExpectRegexp(regexp.MustCompile(`init: (eth0: [^\n]*|pidone\.net=dhcp: [^\n]*)\n`), vmtest.Timeout)
	if err != nil {
		t.Fatalf("init's DHCP line: %v\nQEMU: %s", err, v.VM.Stderr())
	}
	// Restricted, QEMU's DHCP server gives neither a gateway nor a name
	// server (libslirp's bootp.c): there is nothing past 10.0.2.0/24 to
	// route to, and its DNS relay is closed too. The default route through
	// its gateway is made all the same: programs and tests look for one.
	if m[1] != "eth0: 10.0.2.15/24 via 10.0.2.2" {
		t.Fatalf("init: %s", m[1])
	}
	sync(t, v)

	check := func(line string, want ...string) string {
		t.Helper()
		out := v.Run(line)
		for _, w := range want {
			if !regexp.MustCompile(w).MatchString(out) {
				t.Errorf("%s: output lacks %q:\n%s", line, w, out)
			}
		}
		return out
	}
	// The kernel marks the link's state UP up to a second after its
	// carrier (linkwatch's delay), which DHCP does not wait for.
	v.Run("i=0; while [ $i -lt 50 ] && ! ip link show eth0 | grep -q 'state UP'; do sleep 0.2; i=$((i+1)); done")
	check("ip addr show eth0", `(?m)^2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP`,
		`(?m)^    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff$`,
		`(?m)^    inet 10\.0\.2\.15/24 brd 10\.0\.2\.255 scope global eth0$`)
	check("ip route", `^default via 10\.0\.2\.2 dev eth0 proto dhcp\n10\.0\.2\.0/24 dev eth0 proto kernel scope link src 10\.0\.2\.15\n$`)
	check("ip link show lo", `^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536`)

	// The command, from scratch.
	check("ip addr flush dev eth0 && ip route | wc -l", `^0\n`)
	check("dhcp", `^eth0: 10\.0\.2\.15/24 via 10\.0\.2\.2\n`)
	check("ip -4 a s eth0; ip r", `inet 10\.0\.2\.15/24 brd 10\.0\.2\.255 scope global eth0`, `(?m)^default via 10\.0\.2\.2 dev eth0 proto dhcp$`,
		`(?m)^10\.0\.2\.0/24 dev eth0 proto kernel scope link src 10\.0\.2\.15$`)
	// A route by hand, through slirp's gateway.
	check("ip route del default && ip route add default via 10.0.2.2 && ip route", `(?m)^default via 10\.0\.2\.2 dev eth0$`)

	check("wget -O /tmp/f http://10.0.2.100/file && sha256sum /tmp/f",
		`'/tmp/f' saved \(1048576 bytes\)`, "(?m)^"+hex.EncodeToString(sum[:])+"  /tmp/f$")
	check("http http://10.0.2.100:8080/missing; echo status $?", `(?m)^http: http://10\.0\.2\.100:8080/missing: 404 Not Found\nstatus 1$`)
	// slirp answers pings to its gateway itself, restricted or not.
	check("ping -c 1 10.0.2.2", `(?m)^64 bytes from 10\.0\.2\.2: seq=0 ttl=\d+ time=`, `1 packets transmitted, 1 packets received, 0% packet loss`)
	// Ctrl-C ends ping with its summary, and ping run as a job of its own
	// (as the shell runs it) exits 0, having had replies.
	v.Send("ping -i 0.2 10.0.2.2\n")
	v.MustExpect("seq=1 ")
	v.Send("\x03")
	v.MustExpect("--- 10.0.2.2 ping statistics ---\n")
	v.WaitPrompt()
	check("echo status $?", `^status 0\n`)
	// Names resolve through /etc/hosts; loopback answers (refusing).
	check("http http://localhost:1/; echo status $?", `^http: http://localhost:1/: cannot connect to localhost:1: Connection refused\nstatus 1\n`)
	v.Send("poweroff\n")
	v.MustExpect("reboot: Power down")
}

// TestNoNetwork boots the default image, which has no network card and
// no networking code: loopback is still up, and the networking commands
// say how to get them.
func TestNoNetwork(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{Boot: bootopts.Options{Net: "dhcp"}})
	if !strings.Contains(v.Output(), "init: pidone.net=dhcp: this image has no networking; build it with --net\n") {
		t.Errorf("init says nothing of pidone.net=dhcp:\n%s", v.Output())
	}
	// lo: IFF_UP|IFF_LOOPBACK; its operstate is "unknown", as the kernel
	// reports for loopback. 127.0.0.1 is there once lo is up.
	if out := v.Run("cat /sys/class/net/lo/flags /sys/class/net/lo/operstate; grep -c '^ *lo:' /proc/net/dev"); out != "0x9\nunknown\n1\n" {
		t.Errorf("lo: %q", out)
	}
	if out := v.Run("ip a; echo status $?"); out != "ip: this image has no networking; build it with pidone build --net, or run with pidone run --net\nstatus 1\n" {
		t.Errorf("ip without networking: %q", out)
	}
	if out := v.Run("ls -1 /bin/wget /bin/dhclient"); out != "/bin/dhclient\n/bin/wget\n" {
		t.Errorf("links of the stubs: %q", out)
	}
}

// sync waits for the shell after output that may have come in the middle
// of the prompt: it types a command whose output is not its echo.
func sync(t *testing.T, v *vmtest.VM) {
	t.Helper()
	v.Send("echo sync-$((6*7))\n")
	v.MustExpect("sync-42\n")
	v.WaitPrompt()
}

// TestNetworkBeforeCommand: a one-shot command (pidone run --net -- CMD)
// starts once DHCP is done, so it can use the network at once.
func TestNetworkBeforeCommand(t *testing.T) {
	t.Parallel()
	r := vmtest.Command(t, &vmtest.CommandOptions{Options: vmtest.Options{Net: true}},
		"ip", "-4", "addr", "show", "eth0")
	if r.Status != 0 || !strings.Contains(r.Stdout, "inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0") {
		t.Errorf("status %d\n%s%s", r.Status, r.Stdout, r.Stderr)
	}
}
