package cmds

import (
	"math"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"1": time.Second, "0": 0, "0.5": 500 * time.Millisecond, ".5": 500 * time.Millisecond, "5.": 5 * time.Second,
		"2s": 2 * time.Second, "2m": 2 * time.Minute, "1.5m": 90 * time.Second, "1h": time.Hour, "1d": 24 * time.Hour,
		"0.25d": 6 * time.Hour, "1m30s": 90 * time.Second, "500ms": 500 * time.Millisecond, "1h2m3s": time.Hour + 2*time.Minute + 3*time.Second,
		"inf": math.MaxInt64, "infinity": math.MaxInt64, "INFINITY": math.MaxInt64, "1e300": 0, "99999999999d": math.MaxInt64,
	} {
		got, ok := ParseDuration(s)
		if s == "1e300" {
			if ok {
				t.Errorf("ParseDuration(%q) accepted", s)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "x", "-1", "1x", "s", "m", ".", "1..2", "1.2.3", "nan", "NaN", "0x10", "1_0", "+5", "+5s", "-1s", " 1", "1 ", "1ss"} {
		if d, ok := ParseDuration(s); ok {
			t.Errorf("ParseDuration(%q) = %v, want an error", s, d)
		}
	}
}
