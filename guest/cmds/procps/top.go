package procps

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

// Not Quick: it runs until q, and reads the terminal.
var _ = cmds.Register(&cmds.Cmd{Name: "top", Usage: "[-b] [-n COUNT] [-d SECONDS]", Summary: "show the processes using the most CPU, refreshed", Run: top})

// top is BusyBox's: the same header lines (Mem, CPU, Load average),
// columns and sorting, drawn with nothing but ESC[H ESC[J and reverse
// video, so that it works on a serial console without terminfo. -b
// prints every process, frame after frame, with no escapes, for
// scripts and tests.
func top(e *cmds.Env, args []string) error {
	// BusyBox takes the options without their dash too: "top bn1".
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		args = append([]string{"-" + args[0]}, args[1:]...)
	}
	var f cmds.Flags
	batch := f.Bool('b', "batch", "print frames one after the other, for a file or a pipe")
	countArg := f.String('n', "iterations", "0", "stop after COUNT frames")
	delay := f.String('d', "delay", "5", "refresh every SECONDS")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	interval, ok := cmds.ParseDuration(strings.TrimPrefix(*delay, "-"))
	if !ok {
		return cmds.Usagef("invalid time interval '%s'", *delay)
	}
	// As BusyBox: a bad number is an error of status 1.
	count, err := strconv.Atoi(strings.TrimPrefix(*countArg, "-"))
	if err != nil || count < 0 {
		return fmt.Errorf("invalid number '%s'", *countArg)
	}
	t := &topState{root: procRoot, sort: topSortCPU, users: cmds.AccountNames(false)}
	var keys *topKeys
	if !*batch {
		keys = newTopKeys(e)
		defer keys.close()
	}
	out := bufio.NewWriter(e.Stdout)
	ctx := e.Context()
	// The first frame's CPU use is measured over a tenth of a second,
	// as BusyBox does.
	if err := t.sample(); err != nil {
		return err
	}
	wait := 100 * time.Millisecond
	for frames := 0; ; {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		if err := t.sample(); err != nil {
			return err
		}
		width, rows := 446, 0 // BusyBox's line buffer; every process
		if !*batch {
			width, rows = topTermSize(e.Stdout)
		}
		out.WriteString(t.frame(width, rows, *batch))
		if err := out.Flush(); err != nil {
			return err
		}
		if frames++; count > 0 && frames >= count {
			break
		}
		wait = interval
		if keys != nil {
			if quit := keys.wait(ctx, interval, t); quit {
				break
			}
			wait = 0
		}
	}
	out.WriteString("\n")
	if err := out.Flush(); err != nil {
		return err
	}
	return ctx.Err() // Ctrl-C, in the shell
}

// topTermSize is the screen's size, BusyBox's 80x24 if unknown (a serial
// console that nobody told its size; stty rows N cols N tells it).
func topTermSize(w io.Writer) (width, rows int) {
	width, rows = 80, 24
	if f, ok := w.(*os.File); ok {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Row > 1 && ws.Col > 1 {
			width, rows = int(ws.Col), int(ws.Row)
		}
	}
	return min(width, 446), rows
}

// topJiffies is the first line of /proc/stat: time spent by all CPUs,
// in ticks.
type topJiffies struct {
	usr, nic, sys, idle, iowait, irq, softirq, steal uint64
	total, busy                                      uint64
}

func parseTopJiffies(procStat string) (topJiffies, error) {
	var j topJiffies
	line, _, _ := strings.Cut(procStat, "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return j, fmt.Errorf("can't read '/proc/stat'")
	}
	vals := []*uint64{&j.usr, &j.nic, &j.sys, &j.idle, &j.iowait, &j.irq, &j.softirq, &j.steal}
	for i, p := range vals {
		if i+1 < len(f) {
			n, err := strconv.ParseUint(f[i+1], 10, 64)
			if err != nil {
				return j, fmt.Errorf("can't read '/proc/stat'")
			}
			*p = n
		}
		j.total += *p
	}
	// procps 2 does not count waiting for I/O as busy; nor does BusyBox.
	j.busy = j.total - j.idle - j.iowait
	return j, nil
}

// topProc is a line of the list.
type topProc struct {
	pid, ppid, uid int
	state          string // BusyBox's three columns: R, S<, SWN...
	vsz            uint64 // KiB
	ticks          uint64 // user and system time used
	pcpu           uint64 // ticks used since the previous frame
	comm           string
	argv           []string
}

type topSortOrder int

const (
	topSortCPU topSortOrder = iota
	topSortMem
	topSortTime
	topSortPID
)

// topState is what top keeps from one frame to the next.
type topState struct {
	root     string // /proc
	sort     topSortOrder
	reverse  bool
	users    map[int]string
	procs    []topProc
	prevJif  topJiffies
	jif      topJiffies
	prevTick map[int]uint64
	meminfo  map[string]uint64
	loadavg  string
}

// sample reads the processes and the CPU counters, and each process's
// use since the previous sample.
func (t *topState) sample() error {
	b, err := os.ReadFile(filepath.Join(t.root, "stat"))
	if err != nil {
		return err
	}
	jif, err := parseTopJiffies(string(b))
	if err != nil {
		return err
	}
	procs, err := readProcs(t.root, false)
	if err != nil {
		return err
	}
	if len(procs) == 0 {
		return fmt.Errorf("no process info in /proc")
	}
	t.prevJif, t.jif = t.jif, jif
	ticks := make(map[int]uint64, len(procs))
	t.procs = t.procs[:0]
	for _, p := range procs {
		tp := topProc{pid: p.pid, ppid: p.ppid, uid: p.uid, vsz: p.vsize >> 10, ticks: p.utime + p.stime, comm: p.comm, argv: p.argv}
		tp.state = topStateColumn(p.procStat)
		if prev, ok := t.prevTick[p.pid]; ok && tp.ticks >= prev {
			tp.pcpu = tp.ticks - prev
		}
		ticks[p.pid] = tp.ticks
		t.procs = append(t.procs, tp)
	}
	t.prevTick = ticks
	if f, err := os.Open(filepath.Join(t.root, "meminfo")); err == nil {
		t.meminfo, _ = parseMeminfo(f)
		f.Close()
	}
	load, _ := os.ReadFile(filepath.Join(t.root, "loadavg"))
	t.loadavg = strings.TrimSuffix(strings.SplitN(string(load), "\n", 2)[0], "\n")
	return nil
}

// topStateColumn is BusyBox's STAT: the state letter, W for a process
// with no memory of its own (a kernel thread), < or N for its niceness.
func topStateColumn(p procStat) string {
	s := []byte{p.state, ' ', ' '}
	i := 1
	if p.vsize == 0 && p.state != 'Z' {
		s[1], i = 'W', 2
	}
	switch {
	case p.nice < 0:
		s[i] = '<'
	case p.nice > 0:
		s[i] = 'N'
	}
	return string(s)
}

// frame draws one screen: width columns, and rows lines in all (0: every
// process, for -b). Without batch it starts at the top left corner and
// clears what was there, and ends with \r rather than a newline, so
// that a screen of exactly rows lines never scrolls.
func (t *topState) frame(width, rows int, batch bool) string {
	var b strings.Builder
	// The three header lines are cut to BusyBox's 99 columns at most.
	hw := min(width, 100) - 1
	cut := func(s string, n int) string {
		if len(s) > n {
			return s[:max(n, 0)]
		}
		return s
	}
	m := t.meminfo
	memTotal := m["MemTotal"]
	mem := fmt.Sprintf("Mem: %dK used, %dK free, %dK shrd, %dK buff, %dK cached",
		memTotal-min(m["MemFree"], memTotal), m["MemFree"], m["MemShared"]+m["Shmem"], m["Buffers"], m["Cached"])
	if !batch {
		b.WriteString("\x1b[H\x1b[J")
	}
	b.WriteString(cut(mem, hw) + "\n")
	cur, prev := t.jif, t.prevJif
	total := cur.total - prev.total
	if total == 0 {
		total = 1
	}
	pct := func(c, p uint64) uint64 { return 100 * (c - min(p, c)) / total }
	cpu := fmt.Sprintf("CPU:%4d%% usr%4d%% sys%4d%% nic%4d%% idle%4d%% io%4d%% irq%4d%% sirq",
		pct(cur.usr, prev.usr), pct(cur.sys, prev.sys), pct(cur.nic, prev.nic), pct(cur.idle, prev.idle),
		pct(cur.iowait, prev.iowait), pct(cur.irq, prev.irq), pct(cur.softirq, prev.softirq))
	b.WriteString(cut(cpu, hw) + "\n")
	b.WriteString(cut("Load average: "+t.loadavg, hw) + "\n")
	const heading = "  PID  PPID USER     STAT   VSZ %VSZ %CPU COMMAND"
	if batch {
		b.WriteString(cut(heading, width))
	} else {
		b.WriteString("\x1b[7m" + cut(heading, width) + "\x1b[m")
	}

	procs := t.sorted()
	if rows > 0 {
		procs = procs[:min(len(procs), max(rows-4, 0))]
	}
	var totalPcpu uint64
	for _, p := range t.procs {
		totalPcpu += p.pcpu
	}
	pmem := topScale(100, memTotal)
	pcpu := topCPUScale(cur.busy-min(prev.busy, cur.busy), cur.total-min(prev.total, cur.total), totalPcpu)
	for _, p := range procs {
		line := fmt.Sprintf("%5d%6d %-8.8s %s  %s%4d%%%4d%% ", p.pid, p.ppid, cmds.IDName(t.users, p.uid), p.state, topSize(p.vsz), pmem.of(p.vsz), pcpu.of(p.pcpu))
		line += topCommand(p.argv, p.comm)
		b.WriteString("\n" + cut(line, width))
	}
	if batch {
		b.WriteString("\n")
	} else {
		b.WriteString("\r")
	}
	return b.String()
}

// topPercent computes percentages the way BusyBox's top does, with a
// multiplication and a shift rather than a division per line, so that
// the numbers are BusyBox's to the last rounding.
type topPercent struct{ scale, shift uint64 }

func (p topPercent) of(v uint64) uint64 {
	return (v*p.scale + (uint64(1)<<p.shift)/2) >> p.shift
}

// topScale is %VSZ's: 100*v/total.
func topScale(upscale, total uint64) topPercent {
	p := topPercent{shift: 32 - 11}
	if total == 0 {
		return topPercent{}
	}
	p.scale = uint64(uint32(upscale * (1 << p.shift) / total))
	for p.scale >= 512 {
		p.scale /= 4
		p.shift -= 2
	}
	return p
}

// topCPUScale is %CPU's: a process's share of the ticks all processes
// used, times the share of the CPUs' time that was busy. Short-lived
// processes, gone before they could be counted, used some of the busy
// time too. The 16- and 32-bit truncations are BusyBox's.
func topCPUScale(busy, total, totalPcpu uint64) topPercent {
	totalPcpu = max(totalPcpu, busy)
	p := topPercent{shift: 6}
	scale := uint32(100 * 64 * uint32(uint16(busy)))
	if scale == 0 {
		scale = 1
	}
	for scale < 1<<30 {
		scale *= 4
		p.shift += 2
	}
	if d := uint32(uint16(total)) * uint32(totalPcpu); d != 0 {
		scale /= d
	}
	for scale >= 1024 {
		scale /= 4
		p.shift -= 2
	}
	p.scale = uint64(scale)
	return p
}

// sorted is the processes in the order asked for: by CPU use (then
// memory, then time), by memory, by time or by PID, the biggest first.
func (t *topState) sorted() []topProc {
	procs := slices.Clone(t.procs)
	three := func(a, b topProc, keys ...func(topProc) uint64) int {
		for _, k := range keys {
			if x, y := k(a), k(b); x != y {
				if x > y {
					return -1
				}
				return 1
			}
		}
		return 0
	}
	cpu := func(p topProc) uint64 { return p.pcpu }
	mem := func(p topProc) uint64 { return p.vsz }
	ticks := func(p topProc) uint64 { return p.ticks }
	pid := func(p topProc) uint64 { return uint64(p.pid) }
	slices.SortStableFunc(procs, func(a, b topProc) int {
		var c int
		switch t.sort {
		case topSortMem:
			c = three(a, b, mem, cpu, ticks)
		case topSortTime:
			c = three(a, b, ticks, mem, cpu)
		case topSortPID:
			c = three(a, b, pid)
		default:
			c = three(a, b, cpu, mem, ticks)
		}
		if t.reverse {
			return -c
		}
		return c
	})
	return procs
}

// topCommand is the COMMAND column as BusyBox's read_cmdline makes it:
// the command line with control characters as spaces, after "{comm}"
// when the kernel's name for the process is not its argv[0]'s (a
// thread renamed with prctl); "[comm]" for a kernel thread.
func topCommand(argv []string, comm string) string {
	if len(argv) == 0 {
		return "[" + comm + "]"
	}
	line := strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, strings.Join(argv, "\x00"))
	arg0, _, _ := strings.Cut(argv[0], " ")
	base := strings.TrimPrefix(arg0[strings.LastIndexByte(arg0, '/')+1:], "-") // "-sh", a login shell
	if !strings.HasPrefix(base, comm) {
		line = "{" + comm + "} " + line
	}
	return line
}

// topSize is BusyBox's smart_ulltoa5: a size in KiB in five columns,
// scaled past 99999 with one decimal where it fits (92.1m, 1234m).
func topSize(kib uint64) string {
	const scale = " mgtpezy"
	idx := 0
	if kib > 99999 {
		kib *= 10
		for {
			kib /= 1024
			idx++
			if kib < 100000 {
				break
			}
		}
	}
	if idx == 0 {
		return fmt.Sprintf("%5d", kib)
	}
	u, v := kib/10, kib%10 // tenths
	if u >= 100 {
		return fmt.Sprintf("%4d%c", u, scale[idx])
	}
	return fmt.Sprintf("%2d.%d%c", u, v, scale[idx])
}

// topKeys reads top's keys from its standard input, in raw mode when it
// is a terminal: q (or Ctrl-C, Ctrl-D) quits; n, m, p and t sort by PID,
// memory, CPU and time; r reverses; any other key redraws at once.
type topKeys struct {
	fd      int  // -1: no input to read
	eof     bool // input ended: only the clock refreshes
	restore func()
	sigs    chan os.Signal
	intr    byte
	eofKey  byte
}

func newTopKeys(e *cmds.Env) *topKeys {
	k := &topKeys{fd: -1, intr: 3, eofKey: 4}
	f, ok := e.Stdin.(*os.File)
	if !ok {
		return k
	}
	k.fd = int(f.Fd())
	old, err := unix.IoctlGetTermios(k.fd, unix.TCGETS)
	if err != nil {
		return k // a pipe or a file: read keys from it all the same
	}
	k.intr, k.eofKey = old.Cc[unix.VINTR], old.Cc[unix.VEOF]
	// BusyBox's raw mode: no line editing, no echo, no signals from
	// keys (Ctrl-C is read as a key), output processed as before.
	raw := *old
	raw.Lflag &^= unix.ICANON | unix.ECHO | unix.ECHONL | unix.ISIG | unix.IEXTEN
	raw.Iflag &^= unix.ICRNL | unix.INLCR | unix.IXON
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if unix.IoctlSetTermios(k.fd, unix.TCSETS, &raw) != nil {
		return k
	}
	k.restore = func() { unix.IoctlSetTermios(k.fd, unix.TCSETS, old) }
	// Put the terminal back if we are killed, then die as asked.
	k.sigs = make(chan os.Signal, 1)
	signal.Notify(k.sigs, syscall.SIGTERM, syscall.SIGHUP)
	return k
}

func (k *topKeys) close() {
	if k.sigs != nil {
		signal.Stop(k.sigs)
	}
	if k.restore != nil {
		k.restore()
	}
}

// wait waits up to d for a key and acts on it, reporting whether to
// quit.
func (k *topKeys) wait(ctx context.Context, d time.Duration, t *topState) (quit bool) {
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		select {
		case <-ctx.Done():
			return true
		case <-k.sigs:
			return true
		default:
		}
		if k.fd < 0 || k.eof {
			time.Sleep(min(left, 100*time.Millisecond))
			continue
		}
		p := []unix.PollFd{{Fd: int32(k.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(p, int(min(left, 100*time.Millisecond).Milliseconds()))
		if err != nil || n == 0 {
			continue
		}
		var buf [1]byte
		if n, _ := unix.Read(k.fd, buf[:]); n <= 0 {
			k.eof = true
			continue
		}
		switch c := buf[0]; {
		case c == k.intr || c == k.eofKey || c|0x20 == 'q':
			return true
		case c|0x20 == 'n':
			t.sort = topSortPID
		case c|0x20 == 'm':
			t.sort = topSortMem
		case c|0x20 == 'p':
			t.sort = topSortCPU
		case c|0x20 == 't':
			t.sort = topSortTime
		case c|0x20 == 'r':
			t.reverse = !t.reverse
		}
		return false
	}
}
