package coreutils

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "date", Usage: "[-uR] [-d DATE] [-s DATE] [+FORMAT]", Summary: "print or set the date and time", Run: date, Quick: true})

func date(e *cmds.Env, args []string) error {
	var f cmds.Flags
	utc := f.Bool('u', "utc", "in UTC")
	when := f.String('d', "date", "", "show DATE instead of now (2026-11-25 07:06, @SECONDS, ...)")
	set := f.String('s', "set", "", "set the clock to DATE")
	rfc := f.Bool('R', "rfc-email", "RFC 5322 format, as in mail headers")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	format := "%a %b %e %H:%M:%S %Z %Y"
	if *rfc {
		format = "%a, %d %b %Y %H:%M:%S %z"
	}
	switch {
	case len(ops) > 1:
		return cmds.Usagef("too many operands")
	case len(ops) == 1 && !strings.HasPrefix(ops[0], "+"):
		return cmds.Usagef("invalid operand '%s' (a format starts with +; set the date with -s)", ops[0])
	case len(ops) == 1:
		format = ops[0][1:]
	}
	if *when != "" && *set != "" {
		return cmds.Usagef("-d and -s do not go together")
	}
	loc := time.Local
	if *utc {
		loc = time.UTC
	}
	t := time.Now().In(loc)
	if s := *when + *set; s != "" {
		if t, err = parseDate(s, t); err != nil {
			return err
		}
	}
	if *set != "" {
		ts := unix.NsecToTimespec(t.UnixNano())
		if err := unix.ClockSettime(unix.CLOCK_REALTIME, &ts); err != nil {
			return cmds.SysFail("cannot set the date", err)
		}
	}
	_, err = io.WriteString(e.Stdout, dateFormat(t, format)+"\n")
	return err
}

// dateLayouts are the forms -d and -s take, beside @SECONDS and words.
var dateLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006-01-02", time.RFC3339, time.RFC3339Nano, time.RFC1123Z, time.UnixDate,
}

// parseDate reads a date in now's time zone. Times of day alone are
// today's.
func parseDate(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "now", "today":
		return now, nil
	case "yesterday":
		return now.AddDate(0, 0, -1), nil
	case "tomorrow":
		return now.AddDate(0, 0, 1), nil
	}
	if secs, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(secs, 10, 64)
		if err != nil {
			return now, fmt.Errorf("invalid date '%s'", s)
		}
		return time.Unix(n, 0).In(now.Location()), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, now.Location()); err == nil {
			return t, nil
		}
	}
	for _, l := range []string{"15:04:05", "15:04"} {
		if t, err := time.ParseInLocation(l, s, now.Location()); err == nil {
			y, m, d := now.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, now.Location()), nil
		}
	}
	return now, fmt.Errorf("invalid date '%s' (try 2026-11-25 07:06:32 or @SECONDS)", s)
}

// dateFormat expands strftime conversions as coreutils' date does in the
// C locale, with its - (no padding), _ (spaces) and 0 (zeros) flags.
// Unknown conversions are printed as they are.
func dateFormat(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		start := i
		i++
		pad := byte(0)
		if f[i] == '-' || f[i] == '_' || f[i] == '0' {
			pad = f[i]
			if i++; i == len(f) {
				b.WriteString(f[start:])
				break
			}
		}
		num := func(v, width int, def byte) string {
			s := strconv.Itoa(v)
			p := def
			if pad != 0 {
				p = pad
			}
			switch p {
			case '-':
				return s
			case '_':
				return strings.Repeat(" ", max(0, width-len(s))) + s
			}
			return strings.Repeat("0", max(0, width-len(s))) + s
		}
		hour12 := t.Hour() % 12
		if hour12 == 0 {
			hour12 = 12
		}
		switch c := f[i]; c {
		case '%':
			b.WriteByte('%')
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'c':
			b.WriteString(dateFormat(t, "%a %b %e %H:%M:%S %Y"))
		case 'C':
			b.WriteString(num(t.Year()/100, 2, '0'))
		case 'd':
			b.WriteString(num(t.Day(), 2, '0'))
		case 'D', 'x':
			b.WriteString(dateFormat(t, "%m/%d/%y"))
		case 'e':
			b.WriteString(num(t.Day(), 2, '_'))
		case 'F':
			b.WriteString(dateFormat(t, "%Y-%m-%d"))
		case 'H':
			b.WriteString(num(t.Hour(), 2, '0'))
		case 'I':
			b.WriteString(num(hour12, 2, '0'))
		case 'j':
			b.WriteString(num(t.YearDay(), 3, '0'))
		case 'k':
			b.WriteString(num(t.Hour(), 2, '_'))
		case 'l':
			b.WriteString(num(hour12, 2, '_'))
		case 'm':
			b.WriteString(num(int(t.Month()), 2, '0'))
		case 'M':
			b.WriteString(num(t.Minute(), 2, '0'))
		case 'n':
			b.WriteByte('\n')
		case 'N':
			b.WriteString(fmt.Sprintf("%09d", t.Nanosecond()))
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'P':
			b.WriteString(strings.ToLower(t.Format("PM")))
		case 'r':
			b.WriteString(dateFormat(t, "%I:%M:%S %p"))
		case 'R':
			b.WriteString(dateFormat(t, "%H:%M"))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'S':
			b.WriteString(num(t.Second(), 2, '0'))
		case 't':
			b.WriteByte('\t')
		case 'T', 'X':
			b.WriteString(dateFormat(t, "%H:%M:%S"))
		case 'u':
			b.WriteString(strconv.Itoa((int(t.Weekday())+6)%7 + 1))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'y':
			b.WriteString(num(t.Year()%100, 2, '0'))
		case 'Y':
			b.WriteString(num(t.Year(), 1, '0'))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case ':':
			if i+1 < len(f) && f[i+1] == 'z' {
				i++
				b.WriteString(t.Format("-07:00"))
			} else {
				b.WriteString(f[start : i+1])
			}
		case 'Z':
			b.WriteString(t.Format("MST"))
		default:
			b.WriteString(f[start : i+1])
		}
	}
	return b.String()
}
