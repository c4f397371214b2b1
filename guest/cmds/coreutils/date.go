package coreutils

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "date", Usage: "[-uR] [-I[SPEC]] [-r FILE] [-d DATE] [-s DATE] [+FORMAT] [MMDDhhmm[[CC]YY][.ss]]", Summary: "print or set the date and time", Run: date, Quick: true})

func date(e *cmds.Env, args []string) error {
	var f cmds.Flags
	utc := f.Bool('u', "utc", "in UTC")
	when := f.String('d', "date", "", "show DATE instead of now (2026-11-25 07:06, @SECONDS, ...)")
	set := f.String('s', "set", "", "set the clock to DATE")
	ref := f.String('r', "reference", "", "show FILE's modification time")
	rfc := f.Bool('R', "rfc-email", "RFC 5322 format, as in mail headers")
	iso := f.Bool('I', "", "ISO 8601 format: -I, -Idate, -Ihours, -Iminutes, -Iseconds, -Ins")
	isoSpec := ""
	// -I takes its SPEC attached only, as an optional argument does.
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-d" || a == "-s" || a == "-r":
			i++
			continue
		case a == "--" || !strings.HasPrefix(a, "-") || a == "-":
		case strings.HasPrefix(a, "-I") && len(a) > 2:
			isoSpec = a[2:]
			args = append(append(args[:i:i], "-I"), args[i+1:]...)
		default:
			continue
		}
		break
	}
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	format := "%a %b %e %H:%M:%S %Z %Y"
	switch {
	case *iso:
		spec := map[string]string{"": "%Y-%m-%d", "date": "%Y-%m-%d", "hours": "%Y-%m-%dT%H%:z",
			"minutes": "%Y-%m-%dT%H:%M%:z", "seconds": "%Y-%m-%dT%H:%M:%S%:z", "ns": "%Y-%m-%dT%H:%M:%S,%N%:z"}
		var ok bool
		if format, ok = spec[isoSpec]; !ok {
			return cmds.Usagef("invalid -I '%s' (date, hours, minutes, seconds or ns)", isoSpec)
		}
	case *rfc:
		format = "%a, %d %b %Y %H:%M:%S %z"
	}
	if len(ops) > 0 && strings.HasPrefix(ops[0], "+") {
		format = ops[0][1:]
		ops = ops[1:]
	}
	if *when != "" && *set != "" {
		return cmds.Usagef("-d and -s do not go together")
	}
	// As in BusyBox (and POSIX), an operand that is no format sets the
	// clock: MMDDhhmm[[CC]YY][.ss].
	if len(ops) == 1 && *when == "" && *set == "" {
		s, err := posixDate(ops[0])
		if err != nil {
			return err
		}
		*set = s
		ops = ops[1:]
	}
	if len(ops) > 0 {
		return cmds.Usagef("extra operand '%s'", ops[0])
	}
	loc := zone(e)
	if *utc {
		loc = time.UTC
	}
	t := time.Now().In(loc)
	if *ref != "" {
		fi, err := os.Stat(e.Path(*ref))
		if err != nil {
			return err
		}
		t = fi.ModTime().In(loc)
	}
	if s := *when + *set; s != "" {
		if t, err = parseDate(s, t, false); err != nil {
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

// posixDate turns date's operand, MMDDhhmm[[CC]YY][.ss], into the
// [CC]YYMMDDhhmm[.ss] that -s takes.
func posixDate(s string) (string, error) {
	digits, secs, _ := strings.Cut(s, ".")
	n := len(digits) - 8
	if !allDigits(digits) || n < 0 || n > 4 || n%2 == 1 || (s != digits && (len(secs) != 2 || !allDigits(secs))) {
		return "", fmt.Errorf("invalid date '%s'", s)
	}
	return digits[8:] + digits[:8] + s[len(digits):], nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// dateForms are the forms -d and -s take, tried in order as BusyBox
// tries them with strptime: a form must take all of the string.
// Fields it lacks come from the day the date is read on, at midnight.
var dateForms = [...]string{
	"%H:%M", "%H:%M:%S", "%m.%d-%H:%M", "%m.%d-%H:%M:%S",
	"%Y.%m.%d-%H:%M", "%Y.%m.%d-%H:%M:%S", "%b %d %H:%M:%S %Y",
	"%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S %z",
	"%Y-%m-%d %H", "%Y-%m-%d",
}

// dateLayouts are forms BusyBox does not take that pidone takes too, as
// GNU date does, beside the words now, today, yesterday and tomorrow.
var dateLayouts = [...]string{
	"2006-01-02T15:04:05", "2006-01-02T15:04", time.RFC3339, time.RFC3339Nano, time.RFC1123Z, time.RFC1123,
	time.UnixDate, "2006-01-02 15:04:05.999999999 -0700", "2006-01-02 15:04:05.999999999",
}

// parseDate reads a date as BusyBox's date and touch do, in now's time
// zone: the strptime forms of dateForms, @SECONDS, and the digits of
// touch -t, [[[[[CC]YY]MM]DD]hh]mm[.ss]. What a form lacks comes from
// now, at midnight for date, at now's time of day with keepClock, as
// touch has it.
func parseDate(s string, now time.Time, keepClock bool) (time.Time, error) {
	loc := now.Location()
	y, mo, d := now.Date()
	base := dateFields{year: y, mon: int(mo), day: d}
	if keepClock {
		base.hour, base.min, base.sec = now.Clock()
	}
	for _, form := range dateForms {
		f := base
		if f.scan(form, s) {
			if f.zoned {
				return time.Date(f.year, time.Month(f.mon), f.day, f.hour, f.min, f.sec, 0, time.FixedZone("", f.off)).In(loc), nil
			}
			return f.time(loc), nil
		}
	}
	if secs, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(secs, 10, 64)
		if err != nil {
			return now, fmt.Errorf("invalid date '%s'", s)
		}
		return time.Unix(n, 0).In(loc), nil
	}
	if f, ok := touchDigits(s, base); ok {
		return f.time(loc), nil
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "now", "today":
		return now, nil
	case "yesterday":
		return now.AddDate(0, 0, -1), nil
	case "tomorrow":
		return now.AddDate(0, 0, 1), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return now, fmt.Errorf("invalid date '%s'", s)
}

// dateFields is a broken-down time, as C's struct tm.
type dateFields struct {
	year, mon, day, hour, min, sec int
	off                            int // seconds east of UTC, with zoned
	zoned                          bool
}

// time is f in loc, out-of-range fields carried over as mktime does
// (February 30 is March 2).
func (f dateFields) time(loc *time.Location) time.Time {
	return time.Date(f.year, time.Month(f.mon), f.day, f.hour, f.min, f.sec, 0, loc)
}

// scan matches s against a strptime form as glibc does: a space in the
// form takes any run of spaces (none too), a number up to the digits
// its field has, after any spaces, and only in its field's range.
func (f *dateFields) scan(form, s string) bool {
	for i := 0; i < len(form); i++ {
		c := form[i]
		if c == ' ' {
			s = strings.TrimLeft(s, " \t")
			continue
		}
		if c != '%' {
			if s == "" || s[0] != c {
				return false
			}
			s = s[1:]
			continue
		}
		i++
		var ok bool
		switch form[i] {
		case 'Y':
			f.year, s, ok = scanNum(s, 0, 9999, 4)
		case 'm':
			f.mon, s, ok = scanNum(s, 1, 12, 2)
		case 'd':
			f.day, s, ok = scanNum(s, 1, 31, 2)
		case 'H':
			f.hour, s, ok = scanNum(s, 0, 23, 2)
		case 'M':
			f.min, s, ok = scanNum(s, 0, 59, 2)
		case 'S':
			f.sec, s, ok = scanNum(s, 0, 61, 2)
		case 'b':
			s = strings.TrimLeft(s, " \t")
			for m := time.January; m <= time.December && !ok; m++ {
				for _, name := range []string{m.String(), m.String()[:3]} {
					if len(s) >= len(name) && strings.EqualFold(s[:len(name)], name) {
						f.mon, s, ok = int(m), s[len(name):], true
						break
					}
				}
			}
		case 'z':
			f.off, s, ok = scanZone(s)
			f.zoned = true
		}
		if !ok {
			return false
		}
	}
	return s == ""
}

// scanNum reads a number of at most width digits as glibc's strptime
// does: it stops before a digit that would take it past hi.
func scanNum(s string, lo, hi, width int) (int, string, bool) {
	s = strings.TrimLeft(s, " \t")
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, s, false
	}
	v := 0
	for n := 0; n < width && s != "" && '0' <= s[0] && s[0] <= '9' && (n == 0 || v*10 <= hi); n++ {
		v = v*10 + int(s[0]-'0')
		s = s[1:]
	}
	return v, s, lo <= v && v <= hi
}

// scanZone reads strptime's %z: Z, or +hh, +hhmm or +hh:mm.
func scanZone(s string) (int, string, bool) {
	s = strings.TrimLeft(s, " \t")
	if strings.HasPrefix(s, "Z") {
		return 0, s[1:], true
	}
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return 0, s, false
	}
	neg := s[0] == '-'
	s = s[1:]
	v, n := 0, 0
	for n < 4 && s != "" && '0' <= s[0] && s[0] <= '9' {
		v = v*10 + int(s[0]-'0')
		s = s[1:]
		n++
		if n == 2 && len(s) > 1 && s[0] == ':' && '0' <= s[1] && s[1] <= '9' {
			s = s[1:]
		}
	}
	switch {
	case n == 2:
		v *= 100
	case n != 4 || v%100 >= 60:
		return 0, s, false
	}
	off := v/100*3600 + v%100*60
	if neg {
		off = -off
	}
	return off, s, true
}

// touchDigits reads [[[[[CC]YY]MM]DD]hh]mm[.ss], the form of touch -t
// that BusyBox's date -d and -s take too. Two-digit years are within 50
// years of base's.
func touchDigits(s string, base dateFields) (dateFields, bool) {
	digits, secs, dot := strings.Cut(s, ".")
	if !allDigits(digits) || (dot && !allDigits(secs)) {
		return base, false
	}
	num := func(i, n int) int { v, _ := strconv.Atoi(digits[i : i+n]); return v }
	f := base
	f.sec = 0
	switch len(digits) {
	case 2:
		f.min = num(0, 2)
	case 4:
		f.hour, f.min = num(0, 2), num(2, 2)
	case 6:
		f.day, f.hour, f.min = num(0, 2), num(2, 2), num(4, 2)
	case 8:
		f.mon, f.day, f.hour, f.min = num(0, 2), num(2, 2), num(4, 2), num(6, 2)
	case 10:
		f.year, f.mon, f.day, f.hour, f.min = num(0, 2), num(2, 2), num(4, 2), num(6, 2), num(8, 2)
		century := base.year / 100 * 100
		f.year += century
		if f.year < base.year-50 {
			f.year += 100
		} else if f.year > base.year+50 {
			f.year -= 100
		}
	case 12:
		f.year, f.mon, f.day, f.hour, f.min = num(0, 4), num(4, 2), num(6, 2), num(8, 2), num(10, 2)
	default:
		return base, false
	}
	if dot {
		f.sec, _ = strconv.Atoi(secs)
	}
	return f, f.sec <= 60 && f.min <= 59 && f.hour <= 23 && f.day <= 31 && f.mon <= 12
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
