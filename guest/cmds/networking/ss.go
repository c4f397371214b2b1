//go:build pidone_net

package networking

import (
	"bufio"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = registerNet("ss", ss)

// Socket states as ss numbers them: the kernel's TCP_* numbers, which
// /proc/net/{tcp,udp,raw} give and ss's names index.
const (
	ssEstab    = 1
	ssSynRecv  = 3
	ssTimeWait = 6
	ssClose    = 7
	ssListen   = 10
	ssStates   = 12

	ssAll  = 1<<ssStates - 1
	ssConn = ssAll &^ (1<<ssListen | 1<<ssClose | 1<<ssTimeWait | 1<<ssSynRecv)
)

// The socket tables (ss's "dbs") and address families ss chooses
// between; ss has more (DCCP, SCTP, packet, netlink, vsock) that this
// one does not read.
const (
	dbTCP = 1 << iota
	dbUDP
	dbRaw
	dbUnixStream
	dbUnixDgram
	dbUnixSeq

	dbUnix = dbUnixStream | dbUnixDgram | dbUnixSeq
	dbInet = dbTCP | dbUDP | dbRaw

	famInet  = 1
	famInet6 = 2
	famUnix  = 4
)

// ss is iproute2's (6.1, Debian's; BusyBox has none). It reads the
// tables under /proc/net, as netstat does and as ss itself does when
// PROC_ROOT is set: its output is what PROC_ROOT=/proc ss prints, which
// is plain ss's but for what only netlink tells (below). By default the
// connected (non-listening) sockets of every kind; -l the listening ones
// and the unconnected UDP and raw ones, -a all; -t -u -w -x choose TCP,
// UDP, raw and unix sockets, -4 -6 the IP version; -n shows port
// numbers, not /etc/services' names; -p the processes that have each
// socket open; -H leaves out the header.
//
// What /proc has not, netlink's ss has, so that ss shows it and this
// cannot: a listener's Send-Q there is its backlog (0 here); an IPv6
// socket bound to [::] with IPV6_V6ONLY is "[::]" there, "*" here as for
// any other; a unix socket's peer there is its inode ("* 0" here), and
// its queues are 0 here. One thing this takes from netlink's ss rather
// than from ss on /proc: an unconnected unix datagram socket is UNCONN,
// where ss on /proc calls it ESTAB whenever the kernel shows its address.
// Left out: ss's filters (state ..., dport = ...), -r (names of hosts),
// -e -o -i -m (details), -s (the summary) and the packet, netlink, DCCP,
// SCTP and vsock tables.
func ss(e *cmds.Env, args []string) error {
	var f cmds.Flags
	tcp := f.Bool('t', "tcp", "TCP sockets")
	udp := f.Bool('u', "udp", "UDP sockets")
	raw := f.Bool('w', "raw", "raw sockets")
	unix := f.Bool('x', "unix", "unix sockets")
	inet4 := f.Bool('4', "ipv4", "IPv4 sockets only")
	inet6 := f.Bool('6', "ipv6", "IPv6 sockets only")
	f.Bool('a', "all", "all sockets")
	f.Bool('l', "listening", "listening sockets")
	numeric := f.Bool('n', "numeric", "port numbers, not service names")
	procs := f.Bool('p', "processes", "the processes using each socket")
	noHeader := f.Bool('H', "no-header", "no header line")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("filters are not supported: '%s'", ops[0])
	}

	// Which sockets: ss's own arithmetic of tables, families and states,
	// so that its columns come and go as ss's do (Netid when more than
	// one table is shown, State when more than one state is).
	dbs, fams, states := 0, 0, 0
	set := func(db, st int) { dbs, states = dbs|db, states|st }
	fam := func(fa int) { fams, states = fams|fa, states|ssConn }
	if *tcp {
		set(dbTCP, ssConn)
	}
	if *udp {
		set(dbUDP, 1<<ssEstab)
	}
	if *raw {
		set(dbRaw, 1<<ssEstab)
	}
	if *unix {
		fam(famUnix)
	}
	if *inet4 {
		fam(famInet)
	}
	if *inet6 {
		fam(famInet6)
	}
	filter := stateOption(args)
	if dbs == 0 && fams == 0 {
		if filter == 0 {
			filter = ssConn
		}
		dbs = dbInet | dbUnix
	}
	if filter != 0 {
		states = filter
	}
	if dbs&dbInet != 0 && fams&(famInet|famInet6) == 0 {
		fams |= famInet | famInet6
	}
	if dbs&dbUnix != 0 && fams&famUnix == 0 {
		fams |= famUnix
	}
	if fams&(famInet|famInet6) != 0 && dbs&dbInet == 0 {
		dbs |= dbInet
	}
	if fams&famUnix != 0 && dbs&dbUnix == 0 {
		dbs |= dbUnix
	}

	t := &ssTable{}
	t.cols[ssNetid].off = dbs&(dbs-1) == 0
	t.cols[ssState].off = states&(states-1) == 0
	if !*noHeader {
		t.add("Netid", "State", "Recv-Q", "Send-Q", "Local Address:", "Port", "Peer Address:", "Port", "Process")
	}
	var users map[uint64]string
	if *procs {
		users = socketUsers()
	}
	var names *ssNames
	if !*numeric {
		names = &ssNames{}
	}
	if dbs&dbUnix != 0 {
		socks := readUnix(procNet)
		sort.SliceStable(socks, func(i, j int) bool {
			if socks[i].typ != socks[j].typ {
				return socks[i].typ < socks[j].typ
			}
			return socks[i].inode < socks[j].inode
		})
		for _, u := range socks {
			// ss names the types it does not know u_dgr too, but
			// leaves them out of no table.
			netid, db := "u_dgr", dbUnix
			switch u.typ {
			case 1:
				netid, db = "u_str", dbUnixStream
			case 2:
				db = dbUnixDgram
			case 5:
				netid, db = "u_seq", dbUnixSeq
			}
			st := unixSSState(&u)
			if dbs&db == 0 || states&(1<<st) == 0 {
				continue
			}
			name, _, _ := strings.Cut(u.path, " ")
			if name == "" {
				name = "*"
			}
			// /proc/net/unix has neither queues nor peers: ss prints
			// 0 and "* 0" from there.
			t.add(netid, ssStateName(st), "0     ", "0     ", name+" ", strconv.FormatUint(u.inode, 10), "* ", "0", users[u.inode])
		}
	}
	inet := func(db int, netid, table string) {
		if dbs&db == 0 {
			return
		}
		for i, file := range []string{table, table + "6"} {
			if fams&(famInet<<i) == 0 {
				continue
			}
			for _, k := range readInet(procNet, file) {
				if k.state >= ssStates || states&(1<<k.state) == 0 {
					continue
				}
				t.add(netid, ssStateName(k.state), padRight(k.rxq), padRight(k.txq),
					ssAddr(k.local.Addr()), names.port(int(k.local.Port()), netid),
					ssAddr(k.remote.Addr()), names.port(int(k.remote.Port()), netid),
					users[k.inode])
			}
		}
	}
	inet(dbRaw, "raw", "raw")
	inet(dbUDP, "udp", "udp")
	inet(dbTCP, "tcp", "tcp")
	w := e.BufOut()
	defer w.Flush()
	width := 0
	if e.Terminal() {
		width = e.TermWidth()
	}
	t.render(w, width)
	return nil
}

// stateOption is the state filter of the last -a or -l in args (ss's
// later one wins: -la is all, -al listening), 0 without either.
func stateOption(args []string) int {
	filter := 0
	for _, a := range args {
		switch {
		case a == "--" || a == "-" || !strings.HasPrefix(a, "-"):
			return filter
		case a == "--all":
			filter = ssAll
		case a == "--listening":
			filter = 1<<ssListen | 1<<ssClose
		case !strings.HasPrefix(a, "--"):
			for _, c := range a[1:] {
				switch c {
				case 'a':
					filter = ssAll
				case 'l':
					filter = 1<<ssListen | 1<<ssClose
				}
			}
		}
	}
	return filter
}

// unixSSState maps /proc/net/unix's socket state (SS_UNCONNECTED ...)
// to ss's TCP-like one, as ss does when it reads that file.
func unixSSState(u *unixSock) int {
	if u.flags&soAcceptCon != 0 {
		return ssListen
	}
	switch u.state {
	case 1:
		return ssClose
	case 2:
		return 2 // SYN-SENT
	case 3:
		return ssEstab
	case 4:
		return 11 // CLOSING
	}
	return u.state
}

func ssStateName(st int) string {
	names := [...]string{"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"}
	if st >= 0 && st < len(names) {
		return names[st]
	}
	return "UNKNOWN"
}

// padRight is C's "%-6d", as ss prints the queues.
func padRight(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for len(s) < 6 {
		s += " "
	}
	return s
}

// ssAddr is an address as ss prints it, with the ":" before the port:
// IPv6 in brackets, and "*" for IPv6's any-address (IPv4's is 0.0.0.0).
func ssAddr(a netip.Addr) string {
	switch {
	case a.Is4():
		return a.String() + ":"
	case a.IsUnspecified():
		return "*:"
	}
	return "[" + a.String() + "]:"
}

// ssNames gives ports the names ss gives them: /etc/services' for TCP
// and UDP, except in the kernel's range of ephemeral ports, where ss
// deems a name misleading; /etc/protocols' for the protocol a raw socket
// has where its port would be. The files are read once, when first
// needed; a nil *ssNames gives numbers (-n).
type ssNames struct {
	read           bool
	services       netNames
	protocols      map[string]string
	ephLo, ephHigh int
}

func (n *ssNames) port(p int, proto string) string {
	if p == 0 {
		return "*"
	}
	s := strconv.Itoa(p)
	if n == nil {
		return s
	}
	if !n.read {
		n.read = true
		n.services.load()
		n.protocols = map[string]string{}
		eachLine("/etc/protocols", func(f []string) {
			if len(f) > 1 {
				if _, ok := n.protocols[f[1]]; !ok {
					n.protocols[f[1]] = f[0]
				}
			}
		})
		n.ephLo, n.ephHigh = 1024, 4999
		if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
			if f := strings.Fields(string(b)); len(f) == 2 {
				lo, err1 := strconv.Atoi(f[0])
				hi, err2 := strconv.Atoi(f[1])
				if err1 == nil && err2 == nil {
					n.ephLo, n.ephHigh = lo, hi
				}
			}
		}
	}
	if proto == "raw" {
		if name, ok := n.protocols[s]; ok {
			return name
		}
		return s
	}
	if p >= n.ephLo && p <= n.ephHigh {
		return s
	}
	if name, ok := n.services.services[s+"/"+proto]; ok {
		return name
	}
	return s
}

// socketUsers maps socket inodes to ss -p's column: users:(("name",
// pid=N,fd=N),...), the processes last found first, as ss lists them.
func socketUsers() map[uint64]string {
	users := map[uint64]string{}
	last, name := "", ""
	eachSocket(func(pid, fd string, ino uint64) {
		if pid != last {
			last = pid
			// ss takes the name from stat, up to the first ")".
			b, _ := os.ReadFile("/proc/" + pid + "/stat")
			_, rest, _ := strings.Cut(string(b), "(")
			name, _, _ = strings.Cut(rest, ")")
		}
		u := `("` + name + `",pid=` + pid + ",fd=" + fd + ")"
		if old, ok := users[ino]; ok {
			u += "," + old
		}
		users[ino] = u
	})
	for ino, u := range users {
		users[ino] = " users:(" + u + ")"
	}
	return users
}

// The columns of ss's table.
const (
	ssNetid = iota
	ssState
	ssRecvQ
	ssSendQ
	ssLocal
	ssLocalPort
	ssPeer
	ssPeerPort
	ssProcess
	ssExt // always empty here
	ssCols
)

// ssTable lays out ss's output as ss does: each column as wide as its
// widest field (the addresses right-aligned, so that their ":" lines up
// with the ports), one space between columns but none before a port or
// the process; on a terminal, the columns share out the rest of its width.
type ssTable struct {
	cols [ssCols]struct {
		off    bool
		maxLen int
		width  int
	}
	rows [][ssCols]string
}

func (t *ssTable) add(fields ...string) {
	var r [ssCols]string
	copy(r[:], fields)
	for i, s := range r {
		if len(s) > t.cols[i].maxLen {
			t.cols[i].maxLen = len(s)
		}
	}
	t.rows = append(t.rows, r)
}

// ssDelim is the separator before each column.
func ssDelim(c int) string {
	switch c {
	case ssNetid, ssLocalPort, ssPeerPort, ssProcess, ssExt:
		return ""
	}
	return " "
}

func (t *ssTable) render(w *bufio.Writer, screen int) {
	first := true
	for c := range t.cols {
		col := &t.cols[c]
		if col.off {
			continue
		}
		col.width = col.maxLen
		if !first && col.maxLen > 0 {
			col.width += len(ssDelim(c))
		}
		if screen > 0 && col.width > screen {
			col.width = screen
		}
		if col.width > 0 {
			first = false
		}
	}
	if screen > 0 {
		t.spread(screen)
	}
	spaces := func(n int) {
		for ; n > 0; n-- {
			w.WriteByte(' ')
		}
	}
	for _, r := range t.rows {
		started := false
		for c, s := range r {
			col := &t.cols[c]
			if col.off {
				continue
			}
			printed := 0
			if started {
				w.WriteString(ssDelim(c))
				printed = len(ssDelim(c))
			}
			started = true
			right := c == ssLocal || c == ssPeer
			if col.width > 0 && right {
				if n := col.width - len(s) - printed; n > 0 {
					spaces(n)
					printed += n
				}
			}
			w.WriteString(s)
			printed += len(s)
			if col.width > 0 && !right {
				spaces(col.width - printed)
			}
		}
		w.WriteByte('\n')
	}
}

// spread widens the columns to fill a terminal's lines, breaking the
// table's lines where they would not fit, as ss does.
func (t *ssTable) spread(screen int) {
	eol, length, linecols := -1, 0, 0
	for c := 0; c < ssCols; c++ {
		if t.cols[c].width == 0 {
			continue
		}
		linecols++
		length += t.cols[c].width
		last := true
		for n := c + 1; n < ssCols; n++ {
			if t.cols[n].width != 0 {
				last = false
				break
			}
		}
		if !last && length < screen {
			continue
		}
		if length != screen {
			if length > screen {
				length -= t.cols[c].width
				c--
				linecols--
			}
			if linecols > 0 {
				pad := screen - length
				spacing, rem := pad/linecols, pad%linecols
				for n := c; n > eol; n-- {
					if t.cols[n].width == 0 {
						continue
					}
					t.cols[n].width += spacing
					if rem > 0 {
						t.cols[n].width++
						rem--
					}
				}
			}
		}
		eol, length, linecols = c, 0, 0
	}
}
