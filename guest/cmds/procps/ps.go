package procps

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "ps", Usage: "[-ef] [aux] [-p PID[,PID]...]", Summary: "list processes", Run: ps, Quick: true})

// psHz is USER_HZ, the unit of the times in /proc/PID/stat: 100 on every
// architecture Go supports, and only libc's sysconf would say otherwise.
const psHz = 100

// procStat is what ps uses of /proc/PID/stat.
type procStat struct {
	pid                               int
	comm                              string
	state                             byte
	ppid, pgrp, session, ttyNr, tpgid int
	flags                             uint64
	utime, stime                      uint64 // in psHz ticks
	nice, threads                     int64
	start                             uint64 // ticks after boot
	vsize                             uint64 // bytes
	rss                               int64  // pages
}

// parseProcStat parses one /proc/PID/stat. The command name may hold
// anything, spaces and ")" included, so it ends at the last ")".
func parseProcStat(s string) (procStat, error) {
	var p procStat
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open || !strings.HasPrefix(s[end+1:], " ") {
		return p, fmt.Errorf("bad /proc stat: no (command)")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
	if err != nil || pid < 0 {
		return p, fmt.Errorf("bad /proc stat: pid %q", s[:open])
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 22 {
		return p, fmt.Errorf("bad /proc stat: %d fields after the command", len(f))
	}
	if len(f[0]) != 1 || (f[0][0]|0x20) < 'a' || (f[0][0]|0x20) > 'z' {
		return p, fmt.Errorf("bad /proc stat: state %q", f[0])
	}
	p.pid, p.comm, p.state = pid, s[open+1:end], f[0][0]
	// f[i] is field i+3 in proc(5)'s numbering.
	var bad error
	atoi := func(i int) int64 {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil && bad == nil {
			bad = fmt.Errorf("bad /proc stat: field %d: %q", i+3, f[i])
		}
		return n
	}
	atou := func(i int) uint64 {
		n, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil && bad == nil {
			bad = fmt.Errorf("bad /proc stat: field %d: %q", i+3, f[i])
		}
		return n
	}
	p.ppid, p.pgrp, p.session, p.ttyNr, p.tpgid = int(atoi(1)), int(atoi(2)), int(atoi(3)), int(atoi(4)), int(atoi(5))
	p.flags, p.utime, p.stime, p.start, p.vsize = atou(6), atou(11), atou(12), atou(19), atou(20)
	p.nice, p.threads, p.rss = atoi(16), atoi(17), atoi(21)
	return p, bad
}

type psProc struct {
	procStat
	uid int
	cmd string
}

func ps(e *cmds.Env, args []string) error {
	long, only, err := psArgs(args)
	if err != nil {
		return err
	}
	procs, err := psRead(only)
	if err != nil {
		return err
	}
	users := cmds.AccountNames(false)
	var rows [][]string
	var right []bool
	if long {
		rows, right = psLong(procs, users)
	} else {
		rows = [][]string{{"PID", "USER", "TIME", "COMMAND"}}
		right = []bool{true, false, true, false}
		for _, p := range procs {
			rows = append(rows, []string{strconv.Itoa(p.pid), cmds.IDName(users, p.uid), psTime(p.procStat), p.cmd})
		}
	}
	var b strings.Builder
	cmds.WriteTable(&b, rows, right)
	out := b.String()
	// Long command lines would wrap into an unreadable mess on a
	// terminal; through a pipe they stay whole, for grep.
	if w := e.TermWidth(); w > 0 {
		lines := strings.SplitAfter(out, "\n")
		for i, l := range lines {
			if r := []rune(strings.TrimSuffix(l, "\n")); len(r) > w {
				lines[i] = string(r[:w]) + "\n"
			}
		}
		out = strings.Join(lines, "")
	}
	_, err = io.WriteString(e.Stdout, out)
	if len(only) > 0 && len(procs) == 0 {
		return cmds.ExitStatus(1)
	}
	return err
}

// psArgs takes both styles: "ps -ef" (System V) and "ps aux" (BSD,
// without a dash). Every process is listed whatever the selection
// letters say; u, f and l ask for the long format.
func psArgs(args []string) (long bool, only []int, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			continue
		}
		if n, err := strconv.Atoi(a); err == nil && n > 0 {
			only = append(only, n)
			continue
		}
		letters := strings.TrimPrefix(a, "-")
		if letters == "" {
			return false, nil, cmds.Usagef("unexpected operand %q", a)
		}
	word:
		for j, c := range letters {
			switch c {
			case 'a', 'e', 'A', 'x', 'w', 'd', 'N':
			case 'u', 'f', 'l':
				long = true
			case 'p', 'q':
				list := letters[j+1:]
				if list == "" {
					if i++; i == len(args) {
						return false, nil, cmds.Usagef("option -%c needs a process ID list", c)
					}
					list = args[i]
				}
				for _, s := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
					n, err := strconv.Atoi(s)
					if err != nil || n <= 0 {
						return false, nil, cmds.Usagef("invalid process ID %q", s)
					}
					only = append(only, n)
				}
				break word
			default:
				return false, nil, cmds.Usagef("unknown option %c (ps knows -e -f -p and a u x)", c)
			}
		}
	}
	return long, only, nil
}

// psRead reads every process (or those in only), in PID order.
// Processes that end while being read are left out.
func psRead(only []int) ([]psProc, error) {
	all, err := readProcs(procRoot, false)
	if err != nil {
		return nil, fmt.Errorf("%s (is /proc mounted?)", cmds.Message(err))
	}
	var procs []psProc
	for _, p := range all {
		if len(only) > 0 && !slices.Contains(only, p.pid) {
			continue
		}
		cmdline := []byte(strings.Join(p.argv, "\x00"))
		procs = append(procs, psProc{procStat: p.procStat, uid: p.uid, cmd: psCommand(p.procStat, cmdline)})
	}
	return procs, nil
}

// psCommand is the command line, or the name in brackets for kernel
// threads and zombies, which have none.
func psCommand(st procStat, cmdline []byte) string {
	s := strings.TrimRight(string(cmdline), "\x00")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == 0:
			return ' '
		case r < ' ' || r == 0x7f:
			return '?'
		}
		return r
	}, s)
	if s == "" {
		s = "[" + st.comm + "]"
	}
	if st.state == 'Z' {
		s += " <defunct>"
	}
	return s
}

// psTime is the CPU time used, as M:SS.
func psTime(st procStat) string {
	secs := (st.utime + st.stime) / psHz
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}

// psLong is the "ps aux" table.
func psLong(procs []psProc, users map[int]string) ([][]string, []bool) {
	now := time.Now()
	var upSecs float64
	if b, err := os.ReadFile("/proc/uptime"); err == nil {
		upSecs, _ = uptimeSeconds(string(b))
	}
	boot := now.Add(-time.Duration(upSecs * float64(time.Second)))
	var memKiB uint64
	if f, err := os.Open("/proc/meminfo"); err == nil {
		if m, err := parseMeminfo(f); err == nil {
			memKiB = m["MemTotal"]
		}
		f.Close()
	}
	pageKiB := int64(os.Getpagesize() / 1024)

	rows := [][]string{{"USER", "PID", "PPID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"}}
	for _, p := range procs {
		started := float64(p.start) / psHz
		cpu := 0.0
		if el := upSecs - started; el > 0 {
			cpu = float64(p.utime+p.stime) / psHz / el * 100
		}
		mem := 0.0
		if memKiB > 0 {
			mem = float64(p.rss*pageKiB) / float64(memKiB) * 100
		}
		rows = append(rows, []string{
			cmds.IDName(users, p.uid),
			strconv.Itoa(p.pid),
			strconv.Itoa(p.ppid),
			fmt.Sprintf("%.1f", cpu),
			fmt.Sprintf("%.1f", mem),
			strconv.FormatUint(p.vsize/1024, 10),
			strconv.FormatInt(p.rss*pageKiB, 10),
			psTTY(p.ttyNr),
			psState(p.procStat),
			psStart(now, boot.Add(time.Duration(started*float64(time.Second)))),
			psTime(p.procStat),
			p.cmd,
		})
	}
	right := []bool{false, true, true, true, true, true, true, false, false, false, true, false}
	return rows, right
}

// psState is procps' STAT: the state letter and what else is notable.
func psState(st procStat) string {
	s := string(st.state)
	switch {
	case st.nice < 0:
		s += "<"
	case st.nice > 0:
		s += "N"
	}
	if st.pid == st.session {
		s += "s"
	}
	if st.threads > 1 {
		s += "l"
	}
	if st.tpgid > 0 && st.pgrp == st.tpgid {
		s += "+"
	}
	return s
}

// psTTY names the controlling terminal from its device number, for the
// terminals a pidone system has.
func psTTY(nr int) string {
	major, minor := (nr>>8)&0xfff, (nr&0xff)|((nr>>12)&0xfff00)
	switch {
	case nr == 0:
		return "?"
	case major >= 136 && major <= 143:
		return fmt.Sprintf("pts/%d", (major-136)*256+minor)
	case major == 4 && minor < 64:
		return fmt.Sprintf("tty%d", minor)
	case major == 4:
		return fmt.Sprintf("ttyS%d", minor-64)
	case major == 5 && minor == 1:
		return "console"
	case major == 204 && minor >= 64:
		return fmt.Sprintf("ttyAMA%d", minor-64)
	case major == 229:
		return fmt.Sprintf("hvc%d", minor)
	}
	return fmt.Sprintf("%d,%d", major, minor)
}

func psStart(now, t time.Time) string {
	switch {
	case now.Sub(t) < 24*time.Hour && now.Day() == t.Day():
		return t.Format("15:04")
	case now.Year() == t.Year():
		return t.Format("Jan02")
	}
	return t.Format("2006")
}
