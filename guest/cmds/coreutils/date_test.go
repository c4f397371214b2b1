package coreutils

import (
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds"
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
		if got, err := parseDate(s, now, false); err != nil || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "@x", "2026-13-01", "25:00"} {
		if _, err := parseDate(bad, now, false); err == nil {
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
	for _, args := range [][]string{{"-d", "now", "-s", "now"}, {"-d", "1:2", "+%T", "x"}} {
		if _, _, st := cmdtest.Run(t, "", "", "date", args...); st != 2 {
			t.Errorf("date %q: status %d, want 2", args, st)
		}
	}
	// An operand that is no format sets the clock, as in BusyBox: these
	// are no dates.
	for _, args := range [][]string{{"Y"}, {"+%Y", "+%m"}, {"0102030"}} {
		if _, errs, st := cmdtest.Run(t, "", "", "date", args...); st != 1 || !strings.HasPrefix(errs, "date: invalid date") {
			t.Errorf("date %q: status %d, %q", args, st, errs)
		}
	}
	if _, errs, st := cmdtest.Run(t, "", "", "date", "-d", "soon"); st != 1 || errs != "date: invalid date 'soon'\n" {
		t.Errorf("date -d soon: %d %q", st, errs)
	}
}

// TestDateBusyBoxForms: the forms BusyBox's date -d takes (its
// testsuite/date cases), with the day they are read on for what they
// lack.
func TestDateBusyBoxForms(t *testing.T) {
	now := time.Date(2026, 11, 25, 7, 6, 32, 0, time.UTC)
	for s, want := range map[string]string{
		"1:2":                   "2026-11-25 01:02:00",
		"1:2:3":                 "2026-11-25 01:02:03",
		"1.2-3:4":               "2026-01-02 03:04:00",
		"1.2-3:4:5":             "2026-01-02 03:04:05",
		"1999.1.2-3:4":          "1999-01-02 03:04:00",
		"1999.01.01-11:22:33":   "1999-01-01 11:22:33",
		"1999-1-2 3:4:5":        "1999-01-02 03:04:05",
		"1999-1-2 3":            "1999-01-02 03:00:00",
		"1999-1-2":              "1999-01-02 00:00:00",
		"Jan 2 03:04:05 1999":   "1999-01-02 03:04:05",
		"january  2 3:4:5 1999": "1999-01-02 03:04:05",
		"1999-1-2 3:4:5Z":       "1999-01-02 03:04:05",
		"1999-1-2 3:4:5 +0600":  "1999-01-01 21:04:05",
		"1999-1-2 3:4 -06:00":   "1999-01-02 09:04:00",
		"200001231133":          "2000-01-23 11:33:00",
		"200001231133.30":       "2000-01-23 11:33:30",
		"9901231133":            "1999-01-23 11:33:00",
		"3001231133":            "2030-01-23 11:33:00",
		"01231133":              "2026-01-23 11:33:00",
		"231133":                "2026-11-23 11:33:00",
		"1133":                  "2026-11-25 11:33:00",
		"33":                    "2026-11-25 00:33:00",
		"2026-02-30":            "2026-03-02 00:00:00",
		"2026-01-02T03:04:05Z":  "2026-01-02 03:04:05",
		"@1288486799":           "2010-10-31 00:59:59",
	} {
		got, err := parseDate(s, now, false)
		if err != nil || got.Format("2006-01-02 15:04:05") != want {
			t.Errorf("parseDate(%q) = %v, %v; want %s", s, got, err, want)
		}
	}
	for _, bad := range []string{"13:70", "1:2:", "1999-13-2", "0199", "12345", "201801010000.5x", "1.2-3", "Foo 2 03:04:05 1999", "1999-1-2 3:4:5 +06"} {
		if got, err := parseDate(bad, now, false); err == nil && bad != "1999-1-2 3:4:5 +06" {
			t.Errorf("parseDate(%q) = %v, want an error", bad, got)
		}
	}
}

// TestDateZone: TZ from the command's environment, POSIX rules without
// zoneinfo (BusyBox's date-@-works and date-timezone cases).
func TestDateZone(t *testing.T) {
	for _, tt := range []struct{ tz, args, want string }{
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", "-d @1288486799", "Sun Oct 31 03:59:59 EEST 2010"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", "-d @1288486801", "Sun Oct 31 03:00:01 EET 2010"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", "-d @1269737999", "Sun Mar 28 02:59:59 EET 2010"},
		{"EET-2EEST,M3.5.0/3,M10.5.0/4", "-d @1269738001", "Sun Mar 28 04:00:01 EEST 2010"},
		{"GMT0BST,M3.5.0/1,M10.5.0/2", "-d 2021-03-28_01:00:01_+0000", "Sun Mar 28 02:00:01 BST 2021"},
		{"GMT0BST,M3.5.0/1,M10.5.0/2", "-d 2021-10-31_01:00:01_+0000", "Sun Oct 31 01:00:01 GMT 2021"},
		{"CET-1CEST-2", "-u -d 2000.01.01-11:22:33", "Sat Jan  1 11:22:33 UTC 2000"},
		{"UTC0", "-d 1999-1-2_3:4:5Z", "Sat Jan  2 03:04:05 UTC 1999"},
		{"FOO", "-d @0", "Thu Jan  1 00:00:00 FOO 1970"},
		{"<+03>-3", "-d @0", "Thu Jan  1 03:00:00 +03 1970"},
		{"", "-d @0", "Thu Jan  1 00:00:00 UTC 1970"},
		{"UTC", "-d 2000-01-01 -I", "2000-01-01"},
		{"UTC", "-d 2000-01-01 -Ihours", "2000-01-01T00+00:00"},
		{"JST-9", "-d 2000-01-01_1:2:3 -Iseconds", "2000-01-01T01:02:03+09:00"},
		{"JST-9", "-d 2000-01-01_1:2:3 -R", "Sat, 01 Jan 2000 01:02:03 +0900"},
	} {
		args := strings.Fields(tt.args)
		for i := range args {
			args[i] = strings.ReplaceAll(args[i], "_", " ")
		}
		c := cmds.Lookup("date")
		var out, errb strings.Builder
		st := c.Main(&cmds.Env{Stdout: &out, Stderr: &errb, Environ: []string{"TZ=" + tt.tz}}, args)
		if st != 0 || out.String() != tt.want+"\n" {
			t.Errorf("TZ=%s date %s: %d %q %q, want %q", tt.tz, tt.args, st, out.String(), errb.String(), tt.want)
		}
	}
}
