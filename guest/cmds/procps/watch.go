package procps

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "watch", Usage: "[-n SECONDS] [-t] PROG [ARG]...", Summary: "run a command again and again, full screen", Run: watch})

// watch is BusyBox's: clear the screen (ESC[H ESC[J, no terminfo), a
// header line with the interval, the command and the time unless -t,
// an empty line, then the command's output as it comes; wait; again.
// The words are joined into one shell command, as every watch does:
// "watch ls -l '|' wc -l" runs a pipeline.
func watch(e *cmds.Env, args []string) error {
	var f cmds.Flags
	every := f.String('n', "interval", "2", "run every SECONDS")
	noTitle := f.Bool('t', "no-title", "no header line")
	f.Bool('d', "differences", "accepted and ignored, as in BusyBox")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing PROG")
	}
	period, ok := cmds.ParseDuration(*every)
	if !ok {
		return cmds.Usagef("invalid time interval '%s'", *every)
	}
	command := strings.Join(ops, " ")
	ctx := e.Context()
	for {
		head := "\x1b[H\x1b[J"
		if !*noTitle {
			head += watchHeader(period, command, watchWidth(e), time.Now()) + "\n\n"
		}
		if _, err := io.WriteString(e.Stdout, head); err != nil {
			return err
		}
		// As system(3) does: sh from /bin, whatever PATH says.
		cmd, err := e.Program([]string{"/bin/sh", "-c", command})
		if err == nil {
			cmd.Args[0] = "sh"
			err = cmd.Run()
		}
		if err != nil && cmd == nil {
			return e.CannotRun("/bin/sh", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(period):
		}
	}
}

// watchWidth is the width of the terminal on standard error, as
// BusyBox measures it ("watch ls 2>/dev/null" does not): $COLUMNS if
// set, else 80 if unknown.
func watchWidth(e *cmds.Env) int {
	if n, err := strconv.Atoi(e.Getenv("COLUMNS")); err == nil && n > 1 && n < 30000 {
		return n
	}
	if f, ok := e.Stderr.(*os.File); ok {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 1 {
			return int(ws.Col)
		}
	}
	return 80
}

// watchHeader is "Every 2.0s: COMMAND", padded to width-1 columns with
// the date and time at its right end when they fit.
func watchHeader(period time.Duration, command string, width int, now time.Time) string {
	h := fmt.Sprintf("Every %.1fs: %-*s", period.Seconds(), width, command)
	const stampLen = len("2006-01-02 15:04:05") + 1
	if stampLen < width {
		h = h[:width-stampLen] + now.Format("2006-01-02 15:04:05")
	}
	return h
}
