//go:build pidone_net

package networking

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = registerNet("netstat", netstat)

// procNet is where the socket tables are; tests point it elsewhere.
var procNet = "/proc/net"

// netstat is BusyBox's: connected sockets by default, -l listening
// ones, -a both; -t -u -w -x pick TCP, UDP, raw and unix sockets (all
// four by default); -n shows numbers, else names from /etc/hosts and
// /etc/services; -p the PID/program owning each socket (Debian's
// BusyBox is built without -p; the column is BusyBox's when it has it);
// -W does not truncate... and never did: BusyBox's columns only widen.
// BusyBox prints "tcp" and "udp" for IPv6 sockets too, and so does this.
// Left out: -r (ip route shows the routes) and -e.
func netstat(e *cmds.Env, args []string) error {
	var f cmds.Flags
	all := f.Bool('a', "all", "listening and connected sockets")
	listening := f.Bool('l', "listening", "listening sockets only")
	tcp := f.Bool('t', "tcp", "TCP sockets")
	udp := f.Bool('u', "udp", "UDP sockets")
	raw := f.Bool('w', "raw", "raw sockets")
	unix := f.Bool('x', "unix", "unix sockets")
	numeric := f.Bool('n', "numeric", "numbers, not names")
	prog := f.Bool('p', "programs", "the PID/program of each socket")
	wide := f.Bool('W', "wide", "wide address columns")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("extra operand '%s'", ops[0])
	}
	showListen, showConn := *listening || *all, !*listening || *all
	if !*tcp && !*udp && !*raw && !*unix {
		*tcp, *udp, *raw, *unix = true, true, true, true
	}
	width := 23
	if *wide {
		width = 51
	}
	var owners map[uint64]string
	owner := func(ino uint64) string {
		if owners == nil {
			owners = socketOwners()
		}
		if s, ok := owners[ino]; ok {
			return s
		}
		return "-"
	}
	var names *netNames
	if !*numeric {
		names = &netNames{}
	}
	w := e.BufOut()
	defer w.Flush()
	which := "(w/o servers)"
	switch {
	case showListen && showConn:
		which = "(servers and established)"
	case showListen:
		which = "(only servers)"
	}
	if *tcp || *udp || *raw {
		fmt.Fprintf(w, "Active Internet connections %s\nProto Recv-Q Send-Q %-*s %-*s State       ", which, width, "Local Address", width, "Foreign Address")
		if *prog {
			w.WriteString("PID/Program name")
		}
		w.WriteString("\n")
		line := func(proto string, k *inetSock, state string, connected bool) {
			if connected && !showConn || !connected && !showListen {
				return
			}
			fmt.Fprintf(w, "%-6s%6d%7d %-*s %-*s %-12s", proto, k.rxq, k.txq,
				width, names.addrPort(k.local, proto), width, names.addrPort(k.remote, proto), state)
			if *prog {
				s := owner(k.inode)
				if len(s) > 20 {
					s = s[:20]
				}
				w.WriteString(s)
			}
			w.WriteString("\n")
		}
		if *tcp {
			for _, t := range []string{"tcp", "tcp6"} {
				for _, k := range readInet(procNet, t) {
					line("tcp", &k, tcpState(k.state), k.remote.Port() != 0)
				}
			}
		}
		if *udp {
			for _, t := range []string{"udp", "udp6"} {
				for _, k := range readInet(procNet, t) {
					line("udp", &k, udpState(k.state), !k.remote.Addr().IsUnspecified())
				}
			}
		}
		if *raw {
			for _, t := range []string{"raw", "raw6"} {
				for _, k := range readInet(procNet, t) {
					line("raw", &k, strconv.Itoa(k.state), !k.remote.Addr().IsUnspecified())
				}
			}
		}
	}
	if *unix {
		fmt.Fprintf(w, "Active UNIX domain sockets %s\nProto RefCnt Flags       Type       State         I-Node ", which)
		if *prog {
			w.WriteString("PID/Program name    ")
		}
		w.WriteString("Path\n")
		for _, u := range readUnix(procNet) {
			if u.listening() && !showListen || !u.listening() && !showConn {
				continue
			}
			proto := "unix"
			if u.proto != 0 {
				proto = "??? "
			}
			flags := "[ "
			if u.flags&soAcceptCon != 0 {
				flags += "ACC "
			}
			if u.flags&soWaitData != 0 {
				flags += "W "
			}
			if u.flags&soNoSpace != 0 {
				flags += "N "
			}
			flags += "]"
			fmt.Fprintf(w, "%-5s %-6d %-11s %-10s %-13s %6d ", proto, u.refs, flags, unixType(u.typ), unixState(&u), u.inode)
			if *prog {
				fmt.Fprintf(w, "%-20s", owner(u.inode))
			}
			w.WriteString(u.path)
			w.WriteString("\n")
		}
	}
	return nil
}

func tcpState(n int) string {
	states := [...]string{"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"}
	if n < len(states) {
		return states[n]
	}
	return "UNKNOWN"
}

func udpState(n int) string {
	switch n {
	case 1:
		return "ESTABLISHED"
	case 7:
		return ""
	}
	return "UNKNOWN"
}

func unixType(t int) string {
	switch t {
	case 1:
		return "STREAM"
	case 2:
		return "DGRAM"
	case 3:
		return "RAW"
	case 4:
		return "RDM"
	case 5:
		return "SEQPACKET"
	}
	return "UNKNOWN"
}

func unixState(u *unixSock) string {
	switch u.state {
	case 0:
		return "FREE"
	case 1:
		if u.flags&soAcceptCon != 0 {
			return "LISTENING"
		}
		return ""
	case 2:
		return "CONNECTING"
	case 3:
		return "CONNECTED"
	case 4:
		return "DISCONNECTING"
	}
	return "UNKNOWN"
}

// netNames turns addresses and ports into names as the C library would
// for BusyBox: the first name /etc/hosts gives an address, the name
// /etc/services gives a port. Both files are read once, when first
// needed. A nil *netNames gives numbers.
type netNames struct {
	read     bool
	hosts    map[netip.Addr]string
	services map[string]string // "80/tcp" → "http"
}

func (n *netNames) load() {
	n.read = true
	n.hosts, n.services = map[netip.Addr]string{}, map[string]string{}
	eachLine("/etc/hosts", func(f []string) {
		if a, err := netip.ParseAddr(f[0]); err == nil && len(f) > 1 {
			if _, ok := n.hosts[a]; !ok {
				n.hosts[a] = f[1]
			}
		}
	})
	eachLine("/etc/services", func(f []string) {
		if len(f) > 1 {
			if _, ok := n.services[f[1]]; !ok {
				n.services[f[1]] = f[0]
			}
		}
	})
}

func eachLine(path string, fn func([]string)) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line, _, _ := strings.Cut(s.Text(), "#")
		if fl := strings.Fields(line); len(fl) > 0 {
			fn(fl)
		}
	}
}

// addrPort is "host:port", with "*" for port 0.
func (n *netNames) addrPort(ap netip.AddrPort, proto string) string {
	host, port := ap.Addr().String(), "*"
	if ap.Port() != 0 {
		port = strconv.Itoa(int(ap.Port()))
	}
	if n != nil {
		if !n.read {
			n.load()
		}
		if s, ok := n.hosts[ap.Addr()]; ok && !ap.Addr().IsUnspecified() {
			host = s
		}
		if s, ok := n.services[port+"/"+proto]; ok {
			port = s
		}
	}
	return host + ":" + port
}
