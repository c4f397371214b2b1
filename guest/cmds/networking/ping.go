//go:build pidone_net

package networking

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/ping"
)

var _ = registerNet("ping", pingCmd)

func pingCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	count := f.Int('c', "count", 0, "stop after COUNT replies")
	interval := f.String('i', "interval", "1", "wait SECONDS between requests")
	wait := f.String('W', "timeout", "10", "wait SECONDS for the last replies")
	size := f.Int('s', "size", 56, "send SIZE data bytes")
	quiet := f.Bool('q', "quiet", "print only the summary")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) != 1 {
		return cmds.Usagef("want one HOST")
	}
	if *count < 0 || *size < 0 || *size > 65507 {
		return cmds.Usagef("bad -c or -s")
	}
	o := ping.Options{Count: *count, Size: *size}
	if o.Interval, err = seconds(*interval); err != nil {
		return cmds.Usagef("-i: %v", err)
	}
	if o.Wait, err = seconds(*wait); err != nil {
		return cmds.Usagef("-W: %v", err)
	}
	ctx := e.Context()
	if e.Ctx == nil {
		// Run as a process of its own (the shell does so for job
		// control), Ctrl-C would kill ping before its summary, which is
		// what people press Ctrl-C for.
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}
	host := ops[0]
	dst := net.ParseIP(host).To4()
	if dst == nil {
		ips, err := net.DefaultResolver.LookupIP(ctx, "ip4", host)
		if err != nil || len(ips) == 0 {
			return fmt.Errorf("%s: cannot resolve the host name (%v)", host, lookupReason(err))
		}
		dst = ips[0].To4()
	}
	fmt.Fprintf(e.Stdout, "PING %s (%s): %d data bytes\n", host, dst, o.Size)
	st, err := ping.Run(ctx, dst, o, func(r ping.Reply) {
		if *quiet {
			return
		}
		ttl := ""
		if r.TTL >= 0 {
			ttl = " ttl=" + strconv.Itoa(r.TTL)
		}
		fmt.Fprintf(e.Stdout, "%d bytes from %s: seq=%d%s time=%s ms\n", r.Bytes, r.From, r.Seq, ttl, ms(r.RTT))
	})
	if st.Sent > 0 {
		fmt.Fprintf(e.Stdout, "\n--- %s ping statistics ---\n%d packets transmitted, %d packets received, %d%% packet loss\n",
			host, st.Sent, st.Received, (st.Sent-st.Received)*100/st.Sent)
		if st.Received > 0 {
			fmt.Fprintf(e.Stdout, "round-trip min/avg/max = %s/%s/%s ms\n", ms(st.Min), ms(st.Avg), ms(st.Max))
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if st.Received == 0 {
		return cmds.ExitStatus(1)
	}
	return nil
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 3, 64) }

func lookupReason(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.Err
	}
	if err == nil {
		return "no IPv4 address"
	}
	return err.Error()
}
