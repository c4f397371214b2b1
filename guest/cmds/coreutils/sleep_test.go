package coreutils

import (
	"context"
	"math"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestParseSleep(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"1": time.Second, "0": 0, "0.5": 500 * time.Millisecond, ".5": 500 * time.Millisecond, "5.": 5 * time.Second,
		"2s": 2 * time.Second, "2m": 2 * time.Minute, "1.5m": 90 * time.Second, "1h": time.Hour, "1d": 24 * time.Hour,
		"0.25d": 6 * time.Hour, "1m30s": 90 * time.Second, "500ms": 500 * time.Millisecond, "1h2m3s": time.Hour + 2*time.Minute + 3*time.Second,
		"inf": math.MaxInt64, "infinity": math.MaxInt64, "INFINITY": math.MaxInt64, "1e300": 0, "99999999999d": math.MaxInt64,
	} {
		got, ok := parseSleep(s)
		if s == "1e300" {
			if ok {
				t.Errorf("parseSleep(%q) accepted", s)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("parseSleep(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "x", "-1", "1x", "s", "m", ".", "1..2", "1.2.3", "nan", "NaN", "0x10", "1_0", "+5", "+5s", "-1s", " 1", "1 ", "1ss"} {
		if d, ok := parseSleep(s); ok {
			t.Errorf("parseSleep(%q) = %v, want an error", s, d)
		}
	}
}

func TestSleep(t *testing.T) {
	start := time.Now()
	if _, errs, st := cmdtest.Run(t, "", "", "sleep", "0.03", "0.02"); st != 0 || time.Since(start) < 50*time.Millisecond {
		t.Errorf("sleep 0.03 0.02: status %d %q after %v", st, errs, time.Since(start))
	}
	if _, errs, st := cmdtest.Run(t, "", "", "sleep", "1", "x"); st != 2 || errs != "sleep: invalid time interval 'x'\nusage: sleep DURATION...\n" {
		t.Errorf("sleep x: %d %q", st, errs)
	}
	if _, _, st := cmdtest.Run(t, "", "", "sleep"); st != 2 {
		t.Errorf("sleep: status %d", st)
	}

	// Ctrl-C ends the sleep at once, with 128+SIGINT.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start = time.Now()
	if _, errs, st := cmdtest.RunContext(t, ctx, "sleep", "infinity"); st != 130 || time.Since(start) > time.Second {
		t.Errorf("cancelled sleep: status %d %q after %v", st, errs, time.Since(start))
	}
	if _, _, st := cmdtest.RunContext(t, ctx, "sleep", "10"); st != 130 {
		t.Errorf("sleep with a cancelled context: status %d", st)
	}
}
