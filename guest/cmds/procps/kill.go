package procps

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "kill", Usage: "[-s SIG | -SIG] PID... | -l [SIG]...", Summary: "send a signal to processes", Run: kill, Quick: true})

func kill(e *cmds.Env, args []string) error {
	if len(args) == 0 {
		return cmds.Usagef("missing process ID")
	}
	sig, i := syscall.SIGTERM, 0
	var err error
	// Only the first word may be an option: after it, "-123" is the
	// process group 123, as in "kill -9 -123".
	switch a := args[0]; {
	case a == "-l" || a == "--list":
		return killList(e, args[1:])
	case a == "-L" || a == "--table":
		return killTable(e)
	case a == "-s" || a == "-n" || a == "--signal":
		if len(args) < 2 {
			return cmds.Usagef("option %s needs a signal", a)
		}
		sig, err = cmds.ParseSignal(args[1])
		i = 2
	case strings.HasPrefix(a, "--signal="):
		sig, err = cmds.ParseSignal(strings.TrimPrefix(a, "--signal="))
		i = 1
	case a == "--":
		i = 1
	case len(a) > 1 && a[0] == '-':
		sig, err = cmds.ParseSignal(a[1:])
		i = 1
	}
	if err != nil {
		return cmds.Usagef("%v", err)
	}
	if i < len(args) && args[i] == "--" {
		i++
	}
	if i == len(args) {
		return cmds.Usagef("missing process ID")
	}
	for _, a := range args[i:] {
		pid, err := strconv.Atoi(a)
		if err != nil {
			e.Warnf("%s: arguments must be process or job IDs", a)
			continue
		}
		if err := unix.Kill(pid, sig); err != nil {
			e.Warnf("%s: %s", a, cmds.Message(err))
		}
	}
	return nil
}

// killList is "kill -l": all names, or each signal's name or number.
// A number above 128 is taken as an exit status, as bash does, so that
// "kill -l $?" names the signal that ended a command.
func killList(e *cmds.Env, args []string) error {
	if len(args) == 0 {
		_, err := io.WriteString(e.Stdout, killNames())
		return err
	}
	for _, a := range args {
		if n, err := strconv.Atoi(a); err == nil {
			if n > 128 {
				n -= 128
			}
			if name := cmds.SignalName(syscall.Signal(n)); n > 0 && name != "" {
				fmt.Fprintln(e.Stdout, name)
			} else {
				e.Warnf("%s: invalid signal number", a)
			}
			continue
		}
		sig, err := cmds.ParseSignal(a)
		if err != nil {
			e.Warn(err)
			continue
		}
		fmt.Fprintln(e.Stdout, int(sig))
	}
	return nil
}

// killNames lists the classic signals as util-linux does: names only,
// filled into lines.
func killNames() string {
	var b strings.Builder
	line := 0
	for n := 1; n < 32; n++ {
		name := cmds.SignalName(syscall.Signal(n))
		if name == "" {
			continue
		}
		if line > 0 && line+1+len(name) > 72 {
			b.WriteByte('\n')
			line = 0
		}
		if line > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(name)
		line += len(name)
	}
	b.WriteByte('\n')
	return b.String()
}

// killTable is "kill -L": numbers and names, real-time signals included.
func killTable(e *cmds.Env) error {
	var b strings.Builder
	var row []string
	for n := 1; n <= cmds.SigRTMax; n++ {
		if name := cmds.SignalName(syscall.Signal(n)); name != "" {
			row = append(row, fmt.Sprintf("%2d %-10s", n, name))
		}
		if len(row) == 6 || (n == cmds.SigRTMax && len(row) > 0) {
			b.WriteString(strings.TrimRight(strings.Join(row, ""), " ") + "\n")
			row = row[:0]
		}
	}
	_, err := io.WriteString(e.Stdout, b.String())
	return err
}
