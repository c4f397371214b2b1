package vm

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/pkg/fserr"
)

// Net is a user-mode (slirp) network. It is always restricted: the guest
// reaches nothing outside the VM but the loopback services named in
// GuestFwds, and the host reaches the guest only through Forwards.
type Net struct {
	Forwards  []Forward  // host port → guest port (hostfwd)
	GuestFwds []GuestFwd // guest address → host loopback service (guestfwd)

	// Relay, if set, is a program that QEMU starts for each guest
	// connection to a GuestFwd, as "Relay relay HOST:PORT": it must copy
	// between its stdin/stdout and that address (see Relay). Without it
	// a GuestFwd carries one connection only.
	Relay string
}

// RelayCommand is the subcommand QEMU gives the Relay program.
const RelayCommand = "relay"

// MaxRelays bounds the guest connections to --guestfwd services open at
// once: each is a host process, and a guest must not be able to start
// them without end.
const MaxRelays = 64

// Relay copies between stdin/stdout and the TCP service at addr, which
// must be on a loopback address: what a guestfwd connection becomes. It
// first takes one of MaxRelays slots in slots (a directory of lock files
// shared by one VM's relays; "" for no limit), and refuses the connection
// with a line on stderr when all are taken.
func Relay(slots, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("relay to %s: only loopback addresses", addr)
	}
	if slots != "" {
		slot, err := takeSlot(slots)
		if err != nil {
			return fmt.Errorf("relay: %w", err)
		}
		if slot == nil {
			return fmt.Errorf("relay: %d guest connections to %s are open already; refusing another", MaxRelays, addr)
		}
		defer slot.Close()
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		io.Copy(c, os.Stdin)
		c.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	io.Copy(os.Stdout, c)
	c.Close()
	return nil
}

// takeSlot locks one of MaxRelays files in dir and returns it, held until
// closed (or the process ends); nil when every slot is held.
func takeSlot(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	for i := 0; i < MaxRelays; i++ {
		f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(i)), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, err
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
			return f, nil
		}
		f.Close()
	}
	return nil, nil
}

// shellQuote quotes s for /bin/sh, which QEMU runs cmd: targets with.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Forward forwards a host port, on 127.0.0.1, to a guest port.
type Forward struct {
	Proto     string // "tcp" (default) or "udp"
	HostPort  int
	GuestPort int
}

// GuestFwd makes a host service on a loopback address appear in the guest
// at GuestAddr:GuestPort (in 10.0.2.0/24, e.g. 10.0.2.100:80).
type GuestFwd struct {
	GuestAddr string
	GuestPort int
	HostAddr  string // must be a loopback address; "" means 127.0.0.1
	HostPort  int
}

// Disk is a virtio-blk disk; the first is /dev/vda in the guest.
type Disk struct {
	Path     string
	ReadOnly bool
	// Scratch disks take the guest's writes in a throwaway overlay: the
	// file is left as it was, and several VMs may attach it at once.
	Scratch bool
}

// Share is a host directory shared with the guest over virtio-9p, under a
// mount tag.
type Share struct {
	HostDir  string
	Tag      string
	ReadOnly bool
}

// ParseForward parses "HOST:GUEST" or "HOST:GUEST/udp" (--forward 8080:80).
func ParseForward(s string) (Forward, error) {
	f := Forward{Proto: "tcp"}
	spec, proto, ok := strings.Cut(s, "/")
	if ok {
		if proto != "tcp" && proto != "udp" {
			return f, fmt.Errorf("--forward %q: protocol must be tcp or udp", s)
		}
		f.Proto = proto
	}
	h, g, ok := strings.Cut(spec, ":")
	hp, err1 := strconv.Atoi(h)
	gp, err2 := strconv.Atoi(g)
	if !ok || err1 != nil || err2 != nil || hp <= 0 || hp > 65535 || gp <= 0 || gp > 65535 {
		return f, fmt.Errorf("--forward %q: want HOSTPORT:GUESTPORT, such as 8080:80", s)
	}
	f.HostPort, f.GuestPort = hp, gp
	return f, nil
}

// ParseGuestFwd parses "GUESTADDR:PORT=HOSTADDR:PORT", e.g.
// 10.0.2.100:80=127.0.0.1:8080; HOSTADDR may be left out for 127.0.0.1.
func ParseGuestFwd(s string) (GuestFwd, error) {
	bad := fmt.Errorf("--guestfwd %q: want GUESTADDR:PORT=127.0.0.1:PORT, such as 10.0.2.100:80=127.0.0.1:8080", s)
	g, h, ok := strings.Cut(s, "=")
	if !ok {
		return GuestFwd{}, bad
	}
	ga, gp, err := net.SplitHostPort(g)
	if err != nil {
		return GuestFwd{}, bad
	}
	ha, hp, err := net.SplitHostPort(h)
	if err != nil {
		if hp2, err2 := strconv.Atoi(h); err2 == nil {
			ha, hp, err = "", strconv.Itoa(hp2), nil
		} else {
			return GuestFwd{}, bad
		}
	}
	f := GuestFwd{GuestAddr: ga, HostAddr: ha}
	f.GuestPort, _ = strconv.Atoi(gp)
	f.HostPort, _ = strconv.Atoi(hp)
	if f.GuestPort <= 0 || f.HostPort <= 0 || f.GuestPort > 65535 || f.HostPort > 65535 {
		return GuestFwd{}, bad
	}
	return f, f.check()
}

// check enforces the network rule: guests talk only to loopback services.
func (f GuestFwd) check() error {
	host := f.HostAddr
	if host == "" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("guestfwd to %s: guests may only reach services on loopback addresses (127.0.0.1)", host)
	}
	if ip := net.ParseIP(f.GuestAddr).To4(); ip == nil || ip[0] != 10 || ip[1] != 0 || ip[2] != 2 {
		return fmt.Errorf("guestfwd address %s: must be in the guest's network 10.0.2.0/24, such as 10.0.2.100", f.GuestAddr)
	}
	return nil
}

// ParseDisk parses "FILE" or "FILE:ro".
func ParseDisk(s string) (Disk, error) {
	d := Disk{Path: s}
	if p, ok := strings.CutSuffix(s, ":ro"); ok {
		d = Disk{Path: p, ReadOnly: true}
	}
	if d.Path == "" {
		return d, fmt.Errorf("--disk %q: want FILE or FILE:ro", s)
	}
	return d, nil
}

// ParseShare parses "HOSTDIR[:GUESTDIR]" and returns the share and the
// guest mount point (default /mnt/host).
func ParseShare(s string, n int) (Share, string, error) {
	host, guest, _ := strings.Cut(s, ":")
	if host == "" {
		return Share{}, "", fmt.Errorf("--share %q: want HOSTDIR[:GUESTDIR]", s)
	}
	if guest == "" {
		guest = "/mnt/host"
		if n > 0 {
			guest += strconv.Itoa(n)
		}
	}
	if !filepath.IsAbs(guest) {
		return Share{}, "", fmt.Errorf("--share %q: the guest directory must be absolute", s)
	}
	return Share{HostDir: host, Tag: "share" + strconv.Itoa(n)}, guest, nil
}

// deviceArgs returns QEMU arguments for c's devices.
func (c *Config) deviceArgs(m *Machine) ([]string, error) {
	var args []string
	if c.Net != nil {
		nd := []string{"user", "id=net0", "restrict=on"}
		for _, f := range c.Net.Forwards {
			proto := f.Proto
			if proto == "" {
				proto = "tcp"
			}
			nd = append(nd, fmt.Sprintf("hostfwd=%s:127.0.0.1:%d-:%d", proto, f.HostPort, f.GuestPort))
		}
		for _, g := range c.Net.GuestFwds {
			if err := g.check(); err != nil {
				return nil, err
			}
			host := g.HostAddr
			if host == "" {
				host = "127.0.0.1"
			}
			if c.Net.Relay != "" {
				// A relay per connection: QEMU's own tcp: target connects
				// to the host service once, for the VM's whole life.
				slots := ""
				if c.runDir != "" {
					slots = " --slots " + shellQuote(filepath.Join(c.runDir, "relays"))
				}
				cmd := fmt.Sprintf("%s %s%s %s", shellQuote(c.Net.Relay), RelayCommand, slots, net.JoinHostPort(host, fmt.Sprint(g.HostPort)))
				nd = append(nd, fmt.Sprintf("guestfwd=tcp:%s:%d-cmd:%s", g.GuestAddr, g.GuestPort, qemuEscape(cmd)))
			} else {
				nd = append(nd, fmt.Sprintf("guestfwd=tcp:%s:%d-tcp:%s:%d", g.GuestAddr, g.GuestPort, host, g.HostPort))
			}
		}
		args = append(args, "-netdev", strings.Join(nd, ","), "-device", m.virtio("net")+",netdev=net0")
	} else {
		// Without a network device no guest traffic can leave.
		args = append(args, "-net", "none")
	}
	for i, d := range c.Disks {
		if err := checkReadable("disk", d.Path); err != nil {
			return nil, err
		}
		if !d.ReadOnly && !d.Scratch {
			if f, err := os.OpenFile(d.Path, os.O_RDWR, 0); err != nil {
				return nil, fmt.Errorf("disk %s is not writable (add :ro to attach it read-only): %w", d.Path, fserr.Reason(err))
			} else {
				f.Close()
			}
		}
		ro := ""
		switch {
		case d.ReadOnly:
			ro = ",readonly=on"
		case d.Scratch:
			ro = ",snapshot=on"
		}
		args = append(args,
			"-drive", fmt.Sprintf("file=%s,if=none,id=disk%d,format=raw,cache=writeback%s", qemuEscape(d.Path), i, ro),
			"-device", fmt.Sprintf("%s,drive=disk%d", m.virtio("blk"), i))
	}
	for _, s := range c.Shares {
		st, err := os.Stat(s.HostDir)
		if err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--share %s: not a directory", s.HostDir)
		}
		ro := ""
		if s.ReadOnly {
			ro = ",readonly=on"
		}
		args = append(args,
			"-fsdev", fmt.Sprintf("local,id=%s,path=%s,security_model=%s,fmode=0644,dmode=0755%s", s.Tag, qemuEscape(s.HostDir), securityModel(s.HostDir), ro),
			"-device", fmt.Sprintf("%s,fsdev=%s,mount_tag=%s", m.virtio("9p"), s.Tag, s.Tag))
	}
	if !c.NoRNG {
		// getrandom never blocks in the guest once virtio-rng feeds it.
		args = append(args, "-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", m.virtio("rng")+",rng=rng0")
	}
	return args, nil
}

// securityModel is how QEMU maps the guest's file ownership and modes
// onto the shared directory. "mapped" models keep the guest's owner,
// group and mode bits (set-uid included) in extended attributes
// (user.virtfs.*) or, where the filesystem has no user xattrs, in
// .virtfs_metadata files; the host's own bits stay those of QEMU's user
// and the modes fmode and dmode (0644 and 0755), whatever the guest chose:
// no set-uid or set-gid file can come out of a guest this way.
// ("none" would pass a guest's chmod 6755 through as it is.)
func securityModel(dir string) string {
	_, err := unix.Lgetxattr(dir, "user.pidone.probe", nil)
	if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP) {
		return "mapped-file"
	}
	return "mapped-xattr"
}

// qemuEscape doubles commas, QEMU's escape inside option values.
func qemuEscape(s string) string { return strings.ReplaceAll(s, ",", ",,") }

// virtio names a virtio device of kind on m: virtio-net-device on
// virtio-mmio, virtio-net-pci on PCI.
func (m *Machine) virtio(kind string) string {
	return "virtio-" + kind + "-" + m.Bus
}
