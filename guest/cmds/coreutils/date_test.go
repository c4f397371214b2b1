package coreutils

import (
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestDateFormat(t *testing.T) {
	tm := time.Date(2026, 11, 25, 7, 6, 32, 123456789, time.UTC)
	for f, want := range map[string]string{
		"%a %b %e %H:%M:%S %Z %Y": "Wed Nov 25 07:06:32 UTC 2026",
		"%Y-%m-%d":                "2026-11-25",
		"%F %T":                   "2026-11-25 07:06:32",
		"%s":                      "1795590392",
		"%%Y is %Y":               "%Y is 2026",
		"%A %B %j %u %w":          "Wednesday November 329 3 3",
		"%I:%M %p %P":             "07:06 AM am",
		"%-H:%-M %_m %k %l":       "7:6 11  7  7",
		"%D %R %r":                "11/25/26 07:06 07:06:32 AM",
		"%N %C %y %h %z %:z":      "123456789 20 26 Nov +0000 +00:00",
		"%c":                      "Wed Nov 25 07:06:32 2026",
		"tab%tnl%n":               "tab\tnl\n",
		"%q %":                    "%q %",
		"%-":                      "%-",
		"%:x":                     "%:x",
		"plain":                   "plain",
		"":                        "",
	} {
		if got := dateFormat(tm, f); got != want {
			t.Errorf("dateFormat(%q) = %q, want %q", f, got, want)
		}
	}
	early := time.Date(2026, 3, 5, 17, 6, 2, 0, time.UTC)
	if got := dateFormat(early, "%a %b %e %d %I %l"); got != "Thu Mar  5 05 05  5" {
		t.Errorf("padding: %q", got)
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 11, 25, 7, 6, 32, 0, time.UTC)
	for s, want := range map[string]time.Time{
		"now":                  now,
		"@0":                   time.Unix(0, 0),
		"@1795590392":          time.Date(2026, 11, 25, 7, 6, 32, 0, time.UTC),
		"2026-01-02":           time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		"2026-01-02 03:04":     time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC),
		"2026-01-02T03:04:05":  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		"2026-01-02T03:04:05Z": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		"13:14":                time.Date(2026, 11, 25, 13, 14, 0, 0, time.UTC),
		"yesterday":            now.AddDate(0, 0, -1),
	} {
		if got, err := parseDate(s, now); err != nil || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "@x", "2026-13-01", "25:00"} {
		if _, err := parseDate(bad, now); err == nil {
			t.Errorf("parseDate(%q): no error", bad)
		}
	}
}

func TestDate(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "date", "-u", "-d", "@1795590392")
	if st != 0 || out != "Wed Nov 25 07:06:32 UTC 2026\n" {
		t.Errorf("date -u -d: %d %q %q", st, out, errs)
	}
	if out, _, _ := cmdtest.Run(t, "", "", "date", "-u", "-d", "2026-11-25 07:06:32", "+%s"); out != "1795590392\n" {
		t.Errorf("date +%%s: %q", out)
	}
	if out, _, _ := cmdtest.Run(t, "", "", "date", "-uR", "-d", "@0"); out != "Thu, 01 Jan 1970 00:00:00 +0000\n" {
		t.Errorf("date -R: %q", out)
	}
	if out, _, st := cmdtest.Run(t, "", "", "date", "+%Y"); st != 0 || len(out) != 5 || !strings.HasPrefix(out, "20") {
		t.Errorf("date +%%Y: %d %q", st, out)
	}
	for _, args := range [][]string{{"Y"}, {"+%Y", "+%m"}, {"-d", "now", "-s", "now"}} {
		if _, _, st := cmdtest.Run(t, "", "", "date", args...); st != 2 {
			t.Errorf("date %q: status %d, want 2", args, st)
		}
	}
	if _, errs, st := cmdtest.Run(t, "", "", "date", "-d", "soon"); st != 1 || !strings.HasPrefix(errs, "date: invalid date 'soon'") {
		t.Errorf("date -d soon: %d %q", st, errs)
	}
}
