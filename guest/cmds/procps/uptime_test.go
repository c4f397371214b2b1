package procps

import (
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestUptimeLine(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 34, 56, 0, time.UTC)
	const load = "0.00 0.01 0.00 1/83 7141\n"
	for _, tt := range []struct {
		up   string
		want string
	}{
		{"0.50 1.00\n", " 12:34:56 up 0 min,  load average: 0.00, 0.01, 0.00"},
		{"60.00 1.00\n", " 12:34:56 up 1 min,  load average: 0.00, 0.01, 0.00"},
		{"3900.12 1.00\n", " 12:34:56 up  1:05,  load average: 0.00, 0.01, 0.00"},
		{"11040 0\n", " 12:34:56 up  3:04,  load average: 0.00, 0.01, 0.00"},
		{"172800 0\n", " 12:34:56 up 2 days, 0 min,  load average: 0.00, 0.01, 0.00"},
		{"183840 0\n", " 12:34:56 up 2 days,  3:04,  load average: 0.00, 0.01, 0.00"},
		{"86460 0\n", " 12:34:56 up 1 day, 1 min,  load average: 0.00, 0.01, 0.00"},
	} {
		got, err := uptimeLine(now, tt.up, load)
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v\nwant %q", tt.up, got, err, tt.want)
		}
	}
	for _, bad := range [][2]string{{"", load}, {"x 1", load}, {"-5 1", load}, {"1 1", "0.1 0.2"}, {"1 1", "a b c"}} {
		if _, err := uptimeLine(now, bad[0], bad[1]); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestUptimePretty(t *testing.T) {
	for secs, want := range map[float64]string{
		0:                     "up 0 minutes",
		59.9:                  "up 0 minutes",
		60:                    "up 1 minute",
		3900:                  "up 1 hour, 5 minutes",
		183840:                "up 2 days, 3 hours, 4 minutes",
		8 * 86400:             "up 1 week, 1 day",
		366*86400 + 2*3600:    "up 1 year, 1 day, 2 hours",
		2 * 365 * 86400 * 1.0: "up 2 years",
	} {
		if got := uptimePretty(secs); got != want {
			t.Errorf("%v: got %q, want %q", secs, got, want)
		}
	}
}

func TestUptime(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "uptime")
	if st != 0 || !strings.HasPrefix(out, " ") || !strings.Contains(out, " up ") || !strings.Contains(out, "load average: ") {
		t.Errorf("status %d, stderr %q, out %q", st, errs, out)
	}
	if out, _, st := cmdtest.Run(t, "", "", "uptime", "-p"); st != 0 || !strings.HasPrefix(out, "up ") {
		t.Errorf("-p: %d %q", st, out)
	}
	if out, _, st := cmdtest.Run(t, "", "", "uptime", "-s"); st != 0 || len(out) != len("2026-11-25 12:34:56\n") {
		t.Errorf("-s: %d %q", st, out)
	}
}
