package utillinux

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

// Not Quick: -w waits for new messages until Ctrl-C.
var _ = cmds.Register(&cmds.Cmd{Name: "dmesg", Usage: "[-crw] [-C] [-n LEVEL]", Summary: "show the kernel log", Run: dmesg})

// dmesgLevels are the console log levels by name, as util-linux takes them.
var dmesgLevels = []string{"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"}

func dmesg(e *cmds.Env, args []string) error {
	var f cmds.Flags
	readClear := f.Bool('c', "read-clear", "clear the log after printing it")
	clearOnly := f.Bool('C', "clear", "clear the log, print nothing")
	level := f.String('n', "console-level", "", "set the console log level (1-8 or a name)")
	raw := f.Bool('r', "raw", "keep the <N> priority prefixes")
	follow := f.Bool('w', "follow", "wait for new messages")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	if *level != "" {
		n, err := dmesgLevel(*level)
		if err != nil {
			return cmds.Usagef("%v", err)
		}
		// klogctl takes the level in its length argument.
		if _, _, errno := unix.Syscall(unix.SYS_SYSLOG, unix.SYSLOG_ACTION_CONSOLE_LEVEL, 0, uintptr(n)); errno != 0 {
			return dmesgErr("set the console level", errno)
		}
		return nil
	}
	if *clearOnly {
		if _, err := unix.Klogctl(unix.SYSLOG_ACTION_CLEAR, nil); err != nil {
			return dmesgErr("clear the kernel log", err)
		}
		return nil
	}
	if *follow {
		return dmesgFollow(e, *raw, *readClear)
	}
	size, err := unix.Klogctl(unix.SYSLOG_ACTION_SIZE_BUFFER, nil)
	if err != nil {
		return dmesgErr("read the kernel log", err)
	}
	buf := make([]byte, max(size, 1<<14))
	action := unix.SYSLOG_ACTION_READ_ALL
	if *readClear {
		action = unix.SYSLOG_ACTION_READ_CLEAR
	}
	n, err := unix.Klogctl(action, buf)
	if err != nil {
		return dmesgErr("read the kernel log", err)
	}
	_, err = io.WriteString(e.Stdout, dmesgText(string(buf[:n]), *raw))
	return err
}

func dmesgLevel(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 8 {
		return n, nil
	}
	for i, name := range dmesgLevels {
		if strings.EqualFold(s, name) {
			// Level n lets messages more urgent than n through.
			return i + 1, nil
		}
	}
	return 0, fmt.Errorf("invalid console level %q (1-8 or %s)", s, strings.Join(dmesgLevels, ", "))
}

func dmesgErr(what string, err error) error {
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("cannot %s: %s (needs root or CAP_SYSLOG; kernel.dmesg_restrict may be set)", what, cmds.Message(err))
	}
	return fmt.Errorf("cannot %s: %s", what, cmds.Message(err))
}

// dmesgText turns what syslog(2) returns into dmesg's output.
func dmesgText(buf string, raw bool) string {
	if buf == "" {
		return ""
	}
	if raw {
		if !strings.HasSuffix(buf, "\n") {
			buf += "\n"
		}
		return buf
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(buf, "\n") {
		if line != "" {
			b.WriteString(stripPriority(line))
		}
	}
	if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
	return b.String()
}

// stripPriority removes a leading "<N>", the record's facility and level.
func stripPriority(line string) string {
	if len(line) < 3 || line[0] != '<' {
		return line
	}
	end := strings.IndexByte(line, '>')
	if end < 2 || end > 4 {
		return line
	}
	for _, c := range line[1:end] {
		if c < '0' || c > '9' {
			return line
		}
	}
	return line[end+1:]
}

// kmsgRecord is one record read from /dev/kmsg.
type kmsgRecord struct {
	prio int    // facility<<3 | level
	seq  uint64 // the kernel's record number; a gap means records were lost
	usec uint64 // since boot
	msg  string
}

// parseKmsg parses "prio,seq,usec,flags[,...];message", followed by
// " KEY=value" lines that dmesg does not show.
func parseKmsg(rec string) (kmsgRecord, error) {
	var r kmsgRecord
	head, body, ok := strings.Cut(rec, ";")
	if !ok {
		return r, fmt.Errorf("bad kmsg record: no ';'")
	}
	f := strings.Split(head, ",")
	if len(f) < 4 {
		return r, fmt.Errorf("bad kmsg record: header %q", head)
	}
	var err1, err2, err3 error
	r.prio, err1 = strconv.Atoi(f[0])
	r.seq, err2 = strconv.ParseUint(f[1], 10, 64)
	r.usec, err3 = strconv.ParseUint(f[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || r.prio < 0 {
		return r, fmt.Errorf("bad kmsg record: header %q", head)
	}
	r.msg, _, _ = strings.Cut(body, "\n")
	return r, nil
}

// format prints a record as dmesg prints the syslog buffer.
func (r kmsgRecord) format(raw bool) string {
	s := fmt.Sprintf("[%5d.%06d] %s", r.usec/1e6, r.usec%1e6, r.msg)
	if raw {
		s = fmt.Sprintf("<%d>%s", r.prio, s)
	}
	return s
}

// dmesgFollow prints the log and then new records as they come, from
// /dev/kmsg rather than by polling syslog(2): kmsg hands out each record
// once, so nothing is printed twice or skipped between reads, and a poll
// with a timeout lets Ctrl-C end the wait promptly.
func dmesgFollow(e *cmds.Env, raw, clearLog bool) error {
	fd, err := unix.Open("/dev/kmsg", unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return dmesgErr("read /dev/kmsg", err)
	}
	defer unix.Close(fd)
	// SEEK_DATA starts after the last "dmesg -c", as syslog(2) does.
	if _, err := unix.Seek(fd, 0, unix.SEEK_DATA); err != nil {
		return dmesgErr("read /dev/kmsg", err)
	}
	ctx := e.Context()
	buf := make([]byte, 16<<10)
	cleared := !clearLog
	for {
		n, err := unix.Read(fd, buf)
		switch {
		case err == nil && n > 0:
			if r, err := parseKmsg(string(buf[:n])); err == nil {
				if _, err := io.WriteString(e.Stdout, r.format(raw)+"\n"); err != nil {
					return err
				}
			}
			continue
		case errors.Is(err, unix.EPIPE), errors.Is(err, unix.EINTR):
			// EPIPE: records were overwritten before we read them; the
			// next read goes on with the oldest one left.
			continue
		case err != nil && !errors.Is(err, unix.EAGAIN):
			return dmesgErr("read /dev/kmsg", err)
		}
		if !cleared {
			if _, err := unix.Klogctl(unix.SYSLOG_ACTION_CLEAR, nil); err != nil {
				return dmesgErr("clear the kernel log", err)
			}
			cleared = true
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 250); err != nil && !errors.Is(err, unix.EINTR) {
			return dmesgErr("wait on /dev/kmsg", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}
