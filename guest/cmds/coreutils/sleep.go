package coreutils

import (
	"math"
	"strconv"
	"strings"
	"time"

	"pidone.dev/guest/cmds"
)

// Not Quick: it waits on the clock, and Ctrl-C must reach it.
var _ = cmds.Register(&cmds.Cmd{Name: "sleep", Usage: "DURATION...", Summary: "wait for a time (5, 0.5, 2m, 1h, 1d, 1m30s, infinity)", Run: sleep})

// parseSleep reads one interval: a number of seconds with an optional
// s, m, h or d suffix (fractions allowed, as in coreutils), "infinity",
// or a Go duration like 1m30s or 500ms. Longer than Go can count
// saturates, which is forever for a sleep.
func parseSleep(s string) (time.Duration, bool) {
	num, unit := s, time.Second
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 's':
			num = s[:n-1]
		case 'm':
			num, unit = s[:n-1], time.Minute
		case 'h':
			num, unit = s[:n-1], time.Hour
		case 'd':
			num, unit = s[:n-1], 24*time.Hour
		}
	}
	// ParseFloat would take hex, underscores and "nan"; people mean
	// none of them. Infinity is coreutils' "sleep infinity".
	if v, err := strconv.ParseFloat(num, 64); err == nil && sleepNumber(num) && v >= 0 {
		if d := v * float64(unit); d < math.MaxInt64 {
			return time.Duration(d), true
		}
		return math.MaxInt64, true
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 && s[0] != '+' {
		return d, true
	}
	return 0, false
}

func sleepNumber(s string) bool {
	if l := strings.ToLower(s); l == "inf" || l == "infinity" {
		return true
	}
	digits := false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' && !strings.Contains(s[i+1:], "."):
		default:
			return false
		}
	}
	return digits
}

func sleep(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	var total time.Duration
	for _, op := range ops {
		d, ok := parseSleep(op)
		if !ok {
			return cmds.Usagef("invalid time interval '%s'", op)
		}
		if total += d; total < 0 { // overflow: forever
			total = math.MaxInt64
		}
	}
	t := time.NewTimer(total)
	defer t.Stop()
	ctx := e.Context()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
