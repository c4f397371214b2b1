//go:build pidone_net

package networking

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// inetSock is a line of /proc/net/{tcp,udp,raw}{,6}, which netstat and
// ss list.
type inetSock struct {
	local, remote netip.AddrPort
	state         int // the kernel's TCP_* number (UDP uses 1 and 7 too)
	txq, rxq      uint64
	uid           int
	inode         uint64
}

// readInet reads one of /proc/net's socket tables under root; a missing
// table (no IPv6) is empty.
func readInet(root, name string) []inetSock {
	f, err := os.Open(filepath.Join(root, name))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []inetSock
	s := bufio.NewScanner(f)
	s.Scan() // the header
	for s.Scan() {
		fl := strings.Fields(s.Text())
		if len(fl) < 10 {
			continue
		}
		var k inetSock
		var ok1, ok2 bool
		k.local, ok1 = procAddr(fl[1])
		k.remote, ok2 = procAddr(fl[2])
		st, err := strconv.ParseUint(fl[3], 16, 8)
		if !ok1 || !ok2 || err != nil {
			continue
		}
		k.state = int(st)
		tx, rx, _ := strings.Cut(fl[4], ":")
		k.txq, _ = strconv.ParseUint(tx, 16, 64)
		k.rxq, _ = strconv.ParseUint(rx, 16, 64)
		k.uid, _ = strconv.Atoi(fl[7])
		k.inode, _ = strconv.ParseUint(fl[9], 10, 64)
		out = append(out, k)
	}
	return out
}

// procAddr reads "0100007F:0050": the address as the kernel's words in
// this machine's byte order (little-endian here), the port in hex.
func procAddr(s string) (netip.AddrPort, bool) {
	a, p, ok := strings.Cut(s, ":")
	port, err := strconv.ParseUint(p, 16, 16)
	b, herr := hex.DecodeString(a)
	if !ok || err != nil || herr != nil || (len(b) != 4 && len(b) != 16) {
		return netip.AddrPort{}, false
	}
	var ip [16]byte
	for i := 0; i < len(b); i += 4 {
		binary.BigEndian.PutUint32(ip[i:], binary.LittleEndian.Uint32(b[i:]))
	}
	addr := netip.AddrFrom16(ip)
	if len(b) == 4 {
		addr = netip.AddrFrom4([4]byte(ip[:4]))
	}
	return netip.AddrPortFrom(addr, uint16(port)), true
}

// unixSock is a line of /proc/net/unix.
type unixSock struct {
	refs, flags uint64
	proto       uint64
	typ, state  int
	inode       uint64
	path        string
}

// Flags in /proc/net/unix.
const (
	soAcceptCon = 1 << 16
	soWaitData  = 1 << 17
	soNoSpace   = 1 << 18
)

func readUnix(root string) []unixSock {
	f, err := os.Open(filepath.Join(root, "unix"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []unixSock
	s := bufio.NewScanner(f)
	s.Scan()
	for s.Scan() {
		fl := strings.Fields(s.Text())
		if len(fl) < 7 {
			continue
		}
		var u unixSock
		var t, st uint64
		u.refs, _ = strconv.ParseUint(fl[1], 16, 64)
		u.proto, _ = strconv.ParseUint(fl[2], 16, 64)
		u.flags, _ = strconv.ParseUint(fl[3], 16, 64)
		t, _ = strconv.ParseUint(fl[4], 16, 16)
		st, _ = strconv.ParseUint(fl[5], 16, 8)
		u.typ, u.state = int(t), int(st)
		u.inode, _ = strconv.ParseUint(fl[6], 10, 64)
		if len(fl) > 7 {
			u.path = strings.Join(fl[7:], " ")
		}
		out = append(out, u)
	}
	return out
}

// listening reports whether a unix socket is a server's.
func (u *unixSock) listening() bool { return u.state == 1 && u.flags&soAcceptCon != 0 }

// socketOwners maps socket inodes to "PID/name" for -p: the processes'
// open files under /proc, as BusyBox's netstat finds them.
func socketOwners() map[uint64]string {
	owners := map[uint64]string{}
	last, name := "", ""
	eachSocket(func(pid, _ string, ino uint64) {
		if pid != last {
			last = pid
			b, _ := os.ReadFile("/proc/" + pid + "/cmdline")
			arg0, _, _ := strings.Cut(string(b), "\x00")
			name = filepath.Base(arg0)
			if arg0 == "" {
				b, _ = os.ReadFile("/proc/" + pid + "/comm")
				name = strings.TrimSpace(string(b))
			}
		}
		if _, ok := owners[ino]; !ok {
			owners[ino] = pid + "/" + name
		}
	})
	return owners
}

// eachSocket calls fn with the PID, the descriptor and the inode of
// every socket a process has open, in /proc's order.
func eachSocket(fn func(pid, fd string, ino uint64)) {
	ents, _ := os.ReadDir("/proc")
	for _, ent := range ents {
		pid := ent.Name()
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		fds, err := os.ReadDir("/proc/" + pid + "/fd")
		if err != nil {
			continue
		}
		for _, fd := range fds {
			l, err := os.Readlink("/proc/" + pid + "/fd/" + fd.Name())
			if err != nil || !strings.HasPrefix(l, "socket:[") {
				continue
			}
			if ino, err := strconv.ParseUint(strings.TrimSuffix(l[8:], "]"), 10, 64); err == nil {
				fn(pid, fd.Name(), ino)
			}
		}
	}
}
