// Package ping sends ICMP echo requests and collects the replies, for
// the guest's ping command. It uses an unprivileged ICMP socket where the
// system allows one (net.ipv4.ping_group_range) and a raw socket, which
// needs root, where it does not.
package ping

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Options say how to ping. The zero value pings once a second until the
// context ends.
type Options struct {
	Count    int           // requests to send; 0 means until ctx ends
	Interval time.Duration // between requests; 0 means 1 s
	Wait     time.Duration // after the last request, how long to wait for replies; 0 means 10 s
	Size     int           // data bytes after the ICMP header; 0 means 56
}

// Reply is one echo reply.
type Reply struct {
	From  net.IP
	Seq   int
	TTL   int // -1 when the system does not say
	Bytes int // ICMP bytes, header included
	RTT   time.Duration
}

// Stats sum up a run.
type Stats struct {
	Sent, Received int
	Min, Avg, Max  time.Duration
}

// Run pings dst (IPv4) as o says, calling onReply for each reply, and
// returns when Count requests have had their replies or their time to
// answer, or when ctx ends. The Stats are valid even when ctx ended.
func Run(ctx context.Context, dst net.IP, o Options, onReply func(Reply)) (Stats, error) {
	var st Stats
	dst4 := dst.To4()
	if dst4 == nil {
		return st, fmt.Errorf("%s: only IPv4 is supported", dst)
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Wait <= 0 {
		o.Wait = 10 * time.Second
	}
	if o.Size <= 0 {
		o.Size = 56
	}
	s, err := open(dst4)
	if err != nil {
		return st, err
	}
	defer s.f.Close()

	replies := make(chan Reply, 16)
	done := make(chan struct{})
	defer close(done)
	go s.receive(replies, done)

	sent := map[int]time.Time{}
	var total time.Duration
	tick := time.NewTicker(o.Interval)
	defer tick.Stop()
	var lastWait <-chan time.Time
	send := func() error {
		seq := st.Sent & 0xffff
		if err := s.send(seq, o.Size); err != nil {
			return err
		}
		sent[seq] = time.Now()
		st.Sent++
		if o.Count > 0 && st.Sent == o.Count {
			tick.Stop()
			lastWait = time.After(o.Wait)
		}
		return nil
	}
	if err := send(); err != nil {
		return st, err
	}
	for {
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-tick.C:
			if err := send(); err != nil {
				return st, err
			}
		case <-lastWait:
			return st, nil
		case r, ok := <-replies:
			if !ok {
				return st, s.err
			}
			t0, ok := sent[r.Seq]
			if !ok {
				continue // a duplicate, or a reply to an earlier ping
			}
			delete(sent, r.Seq)
			r.RTT = time.Since(t0)
			r.From = dst4
			st.Received++
			total += r.RTT
			if st.Received == 1 || r.RTT < st.Min {
				st.Min = r.RTT
			}
			st.Max = max(st.Max, r.RTT)
			st.Avg = total / time.Duration(st.Received)
			onReply(r)
			if o.Count > 0 && st.Received == o.Count {
				return st, nil
			}
		}
	}
}

// socket is an ICMP socket connected to the destination, so that the
// kernel passes up only what that host sends.
type socket struct {
	f   *os.File
	raw bool   // a raw socket: replies come with their IP header
	id  uint16 // our echo identifier on a raw socket; the kernel picks it on a ping socket
	err error  // why receive stopped
}

func open(dst net.IP) (*socket, error) {
	s := &socket{}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
	if err == nil {
		unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_RECVTTL, 1)
	} else {
		// EACCES: our group is outside net.ipv4.ping_group_range.
		// Root can still use a raw socket.
		fd, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
		if err != nil {
			return nil, fmt.Errorf("cannot open an ICMP socket: %w (ping needs root, or a group in net.ipv4.ping_group_range)", err)
		}
		s.raw = true
		s.id = uint16(os.Getpid())
	}
	sa := &unix.SockaddrInet4{}
	copy(sa.Addr[:], dst)
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", dst, err)
	}
	// A non-blocking descriptor in an os.File goes through the runtime's
	// poller: reads wait without a thread and end when the file closes.
	s.f = os.NewFile(uintptr(fd), "icmp")
	return s, nil
}

func (s *socket) send(seq, size int) error {
	_, err := s.f.Write(Echo(s.id, seq, size))
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("sendto: %w", err)
	}
	return nil
}

// receive passes replies on until the socket is closed or Run is done.
func (s *socket) receive(out chan<- Reply, done <-chan struct{}) {
	defer close(out)
	rc, err := s.f.SyscallConn()
	if err != nil {
		s.err = err
		return
	}
	buf := make([]byte, 65536)
	oob := make([]byte, unix.CmsgSpace(4))
	for {
		var n, oobn int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			n, oobn, _, _, rerr = unix.Recvmsg(int(fd), buf, oob, 0)
			return rerr != unix.EAGAIN
		})
		if err != nil {
			return // closed
		}
		switch rerr {
		case nil:
		case unix.EHOSTUNREACH, unix.ENETUNREACH, unix.ECONNREFUSED, unix.EINTR:
			continue // the network's answer to one request: no reply for it
		default:
			s.err = rerr
			return
		}
		r, ok := ParseReply(buf[:n], s.raw, s.id)
		if !ok {
			continue
		}
		if !s.raw {
			r.TTL = cmsgTTL(oob[:oobn])
		}
		select {
		case out <- r:
		case <-done:
			return
		}
	}
}

// cmsgTTL finds IP_TTL among the control messages of a ping socket.
func cmsgTTL(oob []byte) int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return -1
	}
	for _, m := range msgs {
		if m.Header.Level == unix.IPPROTO_IP && m.Header.Type == unix.IP_TTL && len(m.Data) >= 4 {
			return int(binary.NativeEndian.Uint32(m.Data))
		}
	}
	return -1
}

// Echo builds an ICMP echo request with size bytes of data. On a ping
// socket the kernel replaces id and the checksum; on a raw one they are
// ours.
func Echo(id uint16, seq, size int) []byte {
	b := make([]byte, 8+size)
	b[0] = 8 // echo request
	binary.BigEndian.PutUint16(b[4:], id)
	binary.BigEndian.PutUint16(b[6:], uint16(seq))
	for i := 8; i < len(b); i++ {
		b[i] = byte(i)
	}
	binary.BigEndian.PutUint16(b[2:], checksum(b))
	return b
}

// checksum is the Internet checksum of RFC 1071.
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// ParseReply reads an echo reply: with its IP header from a raw socket
// (which sees every ICMP message for the host, so id must be ours), bare
// from a ping socket (where the kernel has matched it already).
func ParseReply(b []byte, raw bool, id uint16) (Reply, bool) {
	r := Reply{TTL: -1}
	if raw {
		if len(b) < 20 || b[0]>>4 != 4 {
			return r, false
		}
		hl := int(b[0]&0x0f) * 4
		if hl < 20 || len(b) < hl || b[9] != unix.IPPROTO_ICMP {
			return r, false
		}
		r.TTL = int(b[8])
		b = b[hl:]
	}
	if len(b) < 8 || b[0] != 0 || b[1] != 0 { // echo reply, code 0
		return r, false
	}
	if raw && binary.BigEndian.Uint16(b[4:]) != id {
		return r, false
	}
	r.Seq = int(binary.BigEndian.Uint16(b[6:]))
	r.Bytes = len(b)
	return r, true
}
