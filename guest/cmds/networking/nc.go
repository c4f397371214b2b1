//go:build pidone_net

package networking

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = registerNet("nc", nc)

// nc is BusyBox's: it connects to HOST PORT (or with -l waits for one
// connection on -p PORT), then copies its input to the connection and
// the connection to its output; at the end of its input it shuts down
// its sending half and goes on until the other side closes, as
// BusyBox's does. -e PROG runs PROG with the connection as its stdio
// instead. -u (UDP) and -z (only see whether the port is open) are from
// BusyBox's larger nc, which Debian's build leaves out.
func nc(e *cmds.Env, args []string) error {
	var f cmds.Flags
	listen := f.Count('l', "listen", "wait for a connection instead of making one")
	lport := f.String('p', "", "", "the local PORT")
	udp := f.Bool('u', "udp", "UDP instead of TCP")
	wait := f.String('w', "", "", "give up connecting after SECS")
	zero := f.Bool('z', "", "only report whether the port is open")
	prog := f.String('e', "", "", "run PROG with the connection as its stdio")
	f.String('i', "", "", "(ignored)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	var timeout time.Duration
	if *wait != "" {
		var ok bool
		if timeout, ok = cmds.ParseDuration(*wait); !ok {
			return cmds.Usagef("invalid number '%s'", *wait)
		}
	}
	network := "tcp"
	if *udp {
		network = "udp"
	}
	var conn net.Conn
	var execArgs []string
	switch {
	case *listen > 0 && *prog != "":
		// The operands are PROG's arguments, as in BusyBox.
		execArgs, ops = ops, nil
		fallthrough
	case *listen > 0:
		if len(ops) > 1 {
			return cmds.Usagef("extra operand '%s'", ops[1])
		}
		host := ""
		if len(ops) == 1 {
			host = ops[0]
		}
		if conn, err = ncListen(e, network, net.JoinHostPort(host, *lport), timeout); err != nil {
			return err
		}
	default:
		if len(ops) < 2 || (len(ops) > 2 && *prog == "") {
			return cmds.Usagef("want HOST PORT")
		}
		execArgs = ops[2:]
		port, perr := ncPort(ops[1], network)
		if perr != nil {
			return perr
		}
		// SO_REUSEADDR, as BusyBox sets it, so that -p can take a
		// port still in TIME_WAIT.
		d := net.Dialer{Timeout: timeout, Control: func(_, _ string, rc syscall.RawConn) error {
			rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1) })
			return nil
		}}
		if *lport != "" {
			lp, perr := ncPort(*lport, network)
			if perr != nil {
				return perr
			}
			if *udp {
				d.LocalAddr = &net.UDPAddr{Port: lp}
			} else {
				d.LocalAddr = &net.TCPAddr{Port: lp}
			}
		}
		if conn, err = d.DialContext(e.Context(), network, net.JoinHostPort(ops[0], strconv.Itoa(port))); err != nil {
			var op *net.OpError
			if errors.As(err, &op) && op.Timeout() {
				return errors.New("timed out")
			}
			var se *os.SyscallError
			if errors.As(err, &se) {
				return fmt.Errorf("can't connect to remote host (%s): %s", ops[0], cmds.Message(se.Err))
			}
			return err
		}
	}
	defer conn.Close()
	if *zero {
		return nil
	}
	if *prog != "" {
		return ncExec(e, conn, append([]string{*prog}, execArgs...))
	}
	done, sent := make(chan error, 1), make(chan struct{})
	go func() {
		_, err := io.Copy(e.Stdout, conn)
		done <- err
	}()
	go func() {
		defer close(sent)
		io.Copy(conn, e.Input())
		if c, ok := conn.(interface{ CloseWrite() error }); ok {
			c.CloseWrite()
		}
	}()
	select {
	case err = <-done:
		// The other side has closed. What our input still has ready
		// (a pipe's last lines) goes out before we close, rather than
		// be lost to the race BusyBox's nc has there; input that
		// never ends (a terminal) is not waited for long.
		select {
		case <-sent:
		case <-time.After(time.Second):
		}
	case <-e.Context().Done():
		err = e.Context().Err()
	}
	return err
}

func ncPort(s, network string) (int, error) {
	p, err := net.LookupPort(network, s)
	if err != nil || p == 0 {
		return 0, fmt.Errorf("bad port '%s'", s)
	}
	return p, nil
}

// ncListen waits for one connection (one datagram's sender, for UDP).
func ncListen(e *cmds.Env, network, addr string, timeout time.Duration) (net.Conn, error) {
	if network == "udp" {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, err
		}
		if timeout > 0 {
			pc.SetReadDeadline(time.Now().Add(timeout))
		}
		buf := make([]byte, 64<<10)
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			pc.Close()
			return nil, err
		}
		e.Stdout.Write(buf[:n])
		pc.SetReadDeadline(time.Time{})
		return &udpPeer{pc, from}, nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	if timeout > 0 {
		l.(*net.TCPListener).SetDeadline(time.Now().Add(timeout))
	}
	go func() {
		<-e.Context().Done()
		l.Close()
	}()
	c, err := l.Accept()
	if err != nil {
		if e.Context().Err() != nil {
			return nil, e.Context().Err()
		}
		var op *net.OpError
		if errors.As(err, &op) && op.Timeout() {
			return nil, errors.New("timed out")
		}
	}
	return c, err
}

// udpPeer is a listening UDP socket talking to its first sender, to
// which answers go; datagrams from others are dropped.
type udpPeer struct {
	net.PacketConn
	peer net.Addr
}

func (u *udpPeer) Read(b []byte) (int, error) {
	for {
		n, from, err := u.ReadFrom(b)
		if err != nil || from.String() == u.peer.String() {
			return n, err
		}
	}
}

func (u *udpPeer) Write(b []byte) (int, error) { return u.WriteTo(b, u.peer) }
func (u *udpPeer) RemoteAddr() net.Addr        { return u.peer }

// ncExec runs prog (a program, found on PATH) on the connection.
func ncExec(e *cmds.Env, conn net.Conn, argv []string) error {
	fc, ok := conn.(interface{ File() (*os.File, error) })
	if !ok {
		return errors.New("-e: not a socket")
	}
	f, err := fc.File()
	if err != nil {
		return err
	}
	defer f.Close()
	cmd, err := e.Program(argv)
	if err != nil {
		return e.CannotRun(argv[0], err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f, f, f
	conn.Close()
	return cmds.ExitedWith(cmd, cmd.Run())
}
