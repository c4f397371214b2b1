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

// The real-time signals as glibc numbers them (it keeps 32 and 33 for
// itself), like bash and guest/power, so "kill -RTMIN+4 1" asks init to
// power off.
const (
	killRTMin = 34
	killRTMax = 64
)

// parseSignal reads a signal as a number or a name, with or without
// "SIG", in any case: 9, KILL, sigkill, RTMIN+3.
func parseSignal(s string) (syscall.Signal, error) {
	bad := fmt.Errorf("%s: invalid signal specification (kill -l lists them)", s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > killRTMax {
			return 0, bad
		}
		return syscall.Signal(n), nil
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	switch name {
	case "IOT":
		name = "ABRT"
	case "CLD":
		name = "CHLD"
	case "POLL":
		name = "IO"
	}
	// RTMIN+n counts up from RTMIN, RTMAX-n down from RTMAX.
	rt := func(rest string, base int, op string) (syscall.Signal, error) {
		sig := base
		if rest != "" {
			num, ok := strings.CutPrefix(rest, op)
			n, err := strconv.Atoi(num)
			if !ok || err != nil || num[0] < '0' || num[0] > '9' {
				return 0, bad
			}
			if op == "+" {
				sig += n
			} else {
				sig -= n
			}
		}
		if sig < killRTMin || sig > killRTMax {
			return 0, bad
		}
		return syscall.Signal(sig), nil
	}
	if rest, ok := strings.CutPrefix(name, "RTMIN"); ok {
		return rt(rest, killRTMin, "+")
	}
	if rest, ok := strings.CutPrefix(name, "RTMAX"); ok {
		return rt(rest, killRTMax, "-")
	}
	if sig := unix.SignalNum("SIG" + name); sig != 0 && name != "" {
		return sig, nil
	}
	return 0, bad
}

// signalName names sig without "SIG" ("KILL", "RTMIN+3"), or returns "".
func signalName(sig syscall.Signal) string {
	switch n := int(sig); {
	case n == killRTMin:
		return "RTMIN"
	case n == killRTMax:
		return "RTMAX"
	case n > killRTMin && n <= (killRTMin+killRTMax)/2:
		return fmt.Sprintf("RTMIN+%d", n-killRTMin)
	case n > killRTMin && n < killRTMax:
		return fmt.Sprintf("RTMAX-%d", killRTMax-n)
	}
	return strings.TrimPrefix(unix.SignalName(sig), "SIG")
}

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
		sig, err = parseSignal(args[1])
		i = 2
	case strings.HasPrefix(a, "--signal="):
		sig, err = parseSignal(strings.TrimPrefix(a, "--signal="))
		i = 1
	case a == "--":
		i = 1
	case len(a) > 1 && a[0] == '-':
		sig, err = parseSignal(a[1:])
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
			if name := signalName(syscall.Signal(n)); n > 0 && name != "" {
				fmt.Fprintln(e.Stdout, name)
			} else {
				e.Warnf("%s: invalid signal number", a)
			}
			continue
		}
		sig, err := parseSignal(a)
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
		name := signalName(syscall.Signal(n))
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
	for n := 1; n <= killRTMax; n++ {
		if name := signalName(syscall.Signal(n)); name != "" {
			row = append(row, fmt.Sprintf("%2d %-10s", n, name))
		}
		if len(row) == 6 || (n == killRTMax && len(row) > 0) {
			b.WriteString(strings.TrimRight(strings.Join(row, ""), " ") + "\n")
			row = row[:0]
		}
	}
	_, err := io.WriteString(e.Stdout, b.String())
	return err
}
