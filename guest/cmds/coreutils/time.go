package coreutils

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"pidone.dev/guest/cmds"
)

// The shell's own "time" keyword times pipelines; this is the program,
// for "command time", /bin/time and scripts written for BusyBox's.
var _ = cmds.Register(&cmds.Cmd{Name: "time", Usage: "[-vpa] [-o FILE] [-f FORMAT] PROG [ARG]...", Summary: "run a program and report the time and resources it used", Run: timeCmd})

// BusyBox's formats (GNU time's letters).
const (
	timeDefault = "real\t%E\nuser\t%u\nsys\t%T"
	timePosix   = "real %e\nuser %U\nsys %S"
	timeVerbose = "\tCommand being timed: \"%C\"\n" +
		"\tUser time (seconds): %U\n" +
		"\tSystem time (seconds): %S\n" +
		"\tPercent of CPU this job got: %P\n" +
		"\tElapsed (wall clock) time (h:mm:ss or m:ss): %E\n" +
		"\tAverage shared text size (kbytes): %X\n" +
		"\tAverage unshared data size (kbytes): %D\n" +
		"\tAverage stack size (kbytes): %p\n" +
		"\tAverage total size (kbytes): %K\n" +
		"\tMaximum resident set size (kbytes): %M\n" +
		"\tAverage resident set size (kbytes): %t\n" +
		"\tMajor (requiring I/O) page faults: %F\n" +
		"\tMinor (reclaiming a frame) page faults: %R\n" +
		"\tVoluntary context switches: %w\n" +
		"\tInvoluntary context switches: %c\n" +
		"\tSwaps: %W\n" +
		"\tFile system inputs: %I\n" +
		"\tFile system outputs: %O\n" +
		"\tSocket messages sent: %s\n" +
		"\tSocket messages received: %r\n" +
		"\tSignals delivered: %k\n" +
		"\tPage size (bytes): %Z\n" +
		"\tExit status: %x"
)

// timeUsage is what time reports on: how the program ended, how long it
// took and what it used.
type timeUsage struct {
	argv    []string
	elapsed time.Duration
	ru      syscall.Rusage
	status  syscall.WaitStatus
}

func timeCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	verbose := f.Bool('v', "verbose", "report everything")
	posix := f.Bool('p', "portability", "POSIX's format: real, user, sys in seconds")
	appendOut := f.Bool('a', "append", "append to -o's FILE")
	outFile := f.String('o', "output", "", "write the report to FILE, not standard error")
	format := f.String('f', "format", "", "the report's format (%e %U %S %M ...)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing PROG")
	}
	// $TIME gives way to every option, as in BusyBox.
	fmtStr := timeDefault
	if v, ok := timeEnv(e); ok {
		fmtStr = v
	}
	switch {
	case *verbose:
		fmtStr = timeVerbose
	case *posix:
		fmtStr = timePosix
	case *format != "":
		fmtStr = *format
	}
	out := e.Stderr
	if *outFile != "" {
		flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if *appendOut {
			flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		}
		file, err := os.OpenFile(e.Path(*outFile), flag, 0o666)
		if err != nil {
			return e.OpErr(err, *outFile)
		}
		defer file.Close()
		out = file
	}

	u := timeUsage{argv: ops}
	start := time.Now()
	cmd, err := e.Program(ops)
	if err == nil {
		// Ctrl-C and Ctrl-\ are for the program: time reports how it
		// ended, as BusyBox's ignores them while it waits.
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT)
		defer signal.Stop(sigs)
		err = cmd.Run()
	}
	u.elapsed = time.Since(start)
	if cmd == nil || cmd.ProcessState == nil {
		// BusyBox's child reports it and exits 127 (or 126), which time
		// then reports like any other status.
		st := 127
		if s, ok := e.CannotRun(ops[0], err).(cmds.ExitStatus); ok {
			st = int(s)
		}
		u.status = syscall.WaitStatus(st << 8)
	} else {
		u.status = cmd.ProcessState.Sys().(syscall.WaitStatus)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			u.ru = *ru
		}
	}
	if _, err := fmt.Fprint(out, timeReport(fmtStr, &u)); err != nil {
		return err
	}
	// Like BusyBox's: the program's exit status, or the number of the
	// signal that killed it (not 128+N).
	switch {
	case u.status.Signaled():
		return cmds.ExitStatus(int(u.status.Signal()))
	case u.status.ExitStatus() != 0:
		return cmds.ExitStatus(u.status.ExitStatus())
	}
	return nil
}

func timeEnv(e *cmds.Env) (string, bool) {
	for _, kv := range e.Environ {
		if v, ok := strings.CutPrefix(kv, "TIME="); ok {
			return v, true
		}
	}
	return "", false
}

// timeReport renders the format for u: GNU time's % letters, with a
// line first if the program failed. Unlike BusyBox 1.35, which drops
// them, "%%" is a percent sign and \n \t \\ are escapes, as in GNU time.
func timeReport(format string, u *timeUsage) string {
	var b strings.Builder
	switch {
	case u.status.Signaled():
		fmt.Fprintf(&b, "Command terminated by signal %d\n", u.status.Signal())
	case u.status.ExitStatus() != 0:
		fmt.Fprintf(&b, "Command exited with non-zero status %d\n", u.status.ExitStatus())
	}
	ru := wide(&u.ru)
	ms := u.elapsed.Milliseconds()
	cpuMs := (ru.Utime.Sec+ru.Stime.Sec)*1000 + (ru.Utime.Usec+ru.Stime.Usec)/1000
	ticks := cpuMs / 10 // the averages are per tick of CPU time
	if ticks == 0 {
		ticks = 1
	}
	pageKiB := int64(os.Getpagesize() / 1024)
	minSec := func(sec, hundredths int64) string {
		if sec >= 3600 {
			return fmt.Sprintf("%dh %dm %02ds", sec/3600, sec%3600/60, sec%60)
		}
		return fmt.Sprintf("%dm %d.%02ds", sec/60, sec%60, hundredths)
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '\\' && i+1 < len(format) {
			i++
			switch format[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(format[i])
			}
			continue
		}
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case '%':
			b.WriteByte('%')
		case 'C':
			b.WriteString(strings.Join(u.argv, " "))
		case 'D':
			fmt.Fprint(&b, (ru.Idrss+ru.Isrss)*pageKiB/ticks)
		case 'E':
			b.WriteString(minSec(ms/1000, ms/10%100))
		case 'F':
			fmt.Fprint(&b, ru.Majflt)
		case 'I':
			fmt.Fprint(&b, ru.Inblock)
		case 'K':
			fmt.Fprint(&b, (ru.Idrss+ru.Isrss+ru.Ixrss)*pageKiB/ticks)
		case 'M':
			// Linux gives ru_maxrss in KiB already; BusyBox 1.35 takes
			// it for pages and prints four times the size.
			fmt.Fprint(&b, ru.Maxrss)
		case 'O':
			fmt.Fprint(&b, ru.Oublock)
		case 'P':
			if ms > 0 {
				fmt.Fprintf(&b, "%d%%", cpuMs*100/ms)
			} else {
				b.WriteString("?%")
			}
		case 'R':
			fmt.Fprint(&b, ru.Minflt)
		case 'S':
			fmt.Fprintf(&b, "%d.%02d", ru.Stime.Sec, ru.Stime.Usec/10000)
		case 'T':
			b.WriteString(minSec(ru.Stime.Sec, ru.Stime.Usec/10000))
		case 'U':
			fmt.Fprintf(&b, "%d.%02d", ru.Utime.Sec, ru.Utime.Usec/10000)
		case 'u':
			b.WriteString(minSec(ru.Utime.Sec, ru.Utime.Usec/10000))
		case 'W':
			fmt.Fprint(&b, ru.Nswap)
		case 'X':
			fmt.Fprint(&b, ru.Ixrss*pageKiB/ticks)
		case 'Z':
			fmt.Fprint(&b, os.Getpagesize())
		case 'c':
			fmt.Fprint(&b, ru.Nivcsw)
		case 'e':
			fmt.Fprintf(&b, "%d.%02d", ms/1000, ms/10%100)
		case 'k':
			fmt.Fprint(&b, ru.Nsignals)
		case 'p':
			fmt.Fprint(&b, ru.Isrss*pageKiB/ticks)
		case 'r':
			fmt.Fprint(&b, ru.Msgrcv)
		case 's':
			fmt.Fprint(&b, ru.Msgsnd)
		case 't':
			fmt.Fprint(&b, ru.Idrss*pageKiB/ticks)
		case 'w':
			fmt.Fprint(&b, ru.Nvcsw)
		case 'x':
			fmt.Fprint(&b, max(u.status.ExitStatus(), 0)) // 0 if a signal ended it
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	b.WriteByte('\n')
	return b.String()
}

// rusage is syscall.Rusage with every field 64 bits wide, as it is on
// 64-bit Linux only (386's are int32).
type rusage struct {
	Utime, Stime                                      struct{ Sec, Usec int64 }
	Maxrss, Ixrss, Idrss, Isrss, Minflt, Majflt       int64
	Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals int64
	Nvcsw, Nivcsw                                     int64
}

func wide(r *syscall.Rusage) *rusage {
	return &rusage{
		Utime:  struct{ Sec, Usec int64 }{int64(r.Utime.Sec), int64(r.Utime.Usec)},
		Stime:  struct{ Sec, Usec int64 }{int64(r.Stime.Sec), int64(r.Stime.Usec)},
		Maxrss: int64(r.Maxrss), Ixrss: int64(r.Ixrss), Idrss: int64(r.Idrss), Isrss: int64(r.Isrss),
		Minflt: int64(r.Minflt), Majflt: int64(r.Majflt), Nswap: int64(r.Nswap), Inblock: int64(r.Inblock),
		Oublock: int64(r.Oublock), Msgsnd: int64(r.Msgsnd), Msgrcv: int64(r.Msgrcv), Nsignals: int64(r.Nsignals),
		Nvcsw: int64(r.Nvcsw), Nivcsw: int64(r.Nivcsw),
	}
}
