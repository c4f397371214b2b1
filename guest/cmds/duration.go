package cmds

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads an interval as sleep, timeout, watch and top take
// it: a number of seconds with an optional s, m, h or d suffix
// (fractions allowed, as in coreutils), "infinity", or a Go duration
// like 1m30s or 500ms. Longer than Go can count saturates, which is
// forever for a sleep.
func ParseDuration(s string) (time.Duration, bool) {
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
	if v, err := strconv.ParseFloat(num, 64); err == nil && durationNumber(num) && v >= 0 {
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

func durationNumber(s string) bool {
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
