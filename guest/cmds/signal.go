package cmds

// Signals by name and number, for kill, killall, pkill and timeout.

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// SigRTMin and SigRTMax are the real-time signals as glibc numbers them (it keeps 32 and 33 for
// itself), like bash and guest/power, so "kill -RTMIN+4 1" asks init to
// power off.
const (
	SigRTMin = 34
	SigRTMax = 64
)

// ParseSignal reads a signal as a number or a name, with or without
// "SIG", in any case: 9, KILL, sigkill, RTMIN+3.
func ParseSignal(s string) (syscall.Signal, error) {
	bad := fmt.Errorf("%s: invalid signal specification (kill -l lists them)", s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > SigRTMax {
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
		if sig < SigRTMin || sig > SigRTMax {
			return 0, bad
		}
		return syscall.Signal(sig), nil
	}
	if rest, ok := strings.CutPrefix(name, "RTMIN"); ok {
		return rt(rest, SigRTMin, "+")
	}
	if rest, ok := strings.CutPrefix(name, "RTMAX"); ok {
		return rt(rest, SigRTMax, "-")
	}
	if sig := unix.SignalNum("SIG" + name); sig != 0 && name != "" {
		return sig, nil
	}
	return 0, bad
}

// SignalName names sig without "SIG" ("KILL", "RTMIN+3"), or returns "".
func SignalName(sig syscall.Signal) string {
	switch n := int(sig); {
	case n == SigRTMin:
		return "RTMIN"
	case n == SigRTMax:
		return "RTMAX"
	case n > SigRTMin && n <= (SigRTMin+SigRTMax)/2:
		return fmt.Sprintf("RTMIN+%d", n-SigRTMin)
	case n > SigRTMin && n < SigRTMax:
		return fmt.Sprintf("RTMAX-%d", SigRTMax-n)
	}
	return strings.TrimPrefix(unix.SignalName(sig), "SIG")
}
