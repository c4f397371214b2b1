package coreutils

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "touch", Usage: "[-acm] [-d DATE | -t STAMP | -r FILE] FILE...", Summary: "update file times, creating files", Run: touch, Quick: true})

func touch(e *cmds.Env, args []string) error {
	var f cmds.Flags
	noCreate := f.Bool('c', "no-create", "do not create missing files")
	onlyA := f.Bool('a', "", "change only the access time")
	onlyM := f.Bool('m', "", "change only the modification time")
	date := f.String('d', "date", "", "use DATE (2006-01-02 15:04:05, @SECONDS, ...)")
	stamp := f.String('t', "", "", "use [[CC]YY]MMDDhhmm[.ss]")
	ref := f.String('r', "reference", "", "use FILE's times")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing file operand")
	}
	now := time.Now()
	atime, mtime := now, now
	switch {
	case *ref != "":
		fi, err := os.Stat(e.Path(*ref))
		if err != nil {
			return e.OpErr(err, *ref)
		}
		st := cmds.RawStat(fi)
		atime, mtime = time.Unix(st.Atim.Unix()), fi.ModTime()
	case *date != "":
		t, err := parseTouchDate(*date, now)
		if err != nil {
			return err
		}
		atime, mtime = t, t
	case *stamp != "":
		t, err := parseTouchStamp(*stamp, now)
		if err != nil {
			return err
		}
		atime, mtime = t, t
	}
	// A zero time leaves that time as it is.
	if *onlyA && !*onlyM {
		mtime = time.Time{}
	}
	if *onlyM && !*onlyA {
		atime = time.Time{}
	}
	for _, op := range ops {
		p := e.Path(op)
		err := os.Chtimes(p, atime, mtime)
		if errors.Is(err, fs.ErrNotExist) {
			if *noCreate {
				continue
			}
			var fh *os.File
			if fh, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o666); err == nil {
				fh.Close()
				if *date != "" || *stamp != "" || *ref != "" || *onlyA || *onlyM {
					err = os.Chtimes(p, atime, mtime)
				}
			}
		}
		if err != nil {
			e.Warn(e.OpErr(err, op))
		}
	}
	return nil
}

// parseTouchDate reads the date forms people type; GNU's full free-form
// grammar is more than a tiny system needs.
func parseTouchDate(s string, now time.Time) (time.Time, error) {
	if secs, ok := strings.CutPrefix(s, "@"); ok {
		if n, err := strconv.ParseInt(secs, 10, 64); err == nil {
			return time.Unix(n, 0), nil
		}
	}
	for _, layout := range []string{
		time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05.999999999 -0700",
		"2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02 15:04",
		"2006-01-02", time.UnixDate, time.RFC1123Z, time.RFC1123,
	} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	switch s {
	case "now":
		return now, nil
	case "yesterday":
		return now.AddDate(0, 0, -1), nil
	case "tomorrow":
		return now.AddDate(0, 0, 1), nil
	}
	return time.Time{}, fmt.Errorf("invalid date format %s", cmds.Quote(s))
}

// parseTouchStamp reads POSIX touch -t: [[CC]YY]MMDDhhmm[.ss].
func parseTouchStamp(s string, now time.Time) (time.Time, error) {
	bad := fmt.Errorf("invalid date format %s", cmds.Quote(s))
	digits, secs, _ := strings.Cut(s, ".")
	if strings.Trim(digits+secs, "0123456789") != "" || (secs != "" && len(secs) != 2) {
		return time.Time{}, bad
	}
	year := now.Year()
	switch len(digits) {
	case 8:
	case 10:
		yy, _ := strconv.Atoi(digits[:2])
		// POSIX: 69-99 are 1900s, 00-68 the 2000s.
		year = 2000 + yy
		if yy >= 69 {
			year = 1900 + yy
		}
		digits = digits[2:]
	case 12:
		year, _ = strconv.Atoi(digits[:4])
		digits = digits[4:]
	default:
		return time.Time{}, bad
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	sec := 0
	if secs != "" {
		sec = n(secs)
	}
	mon, day, hour, minute := n(digits[0:2]), n(digits[2:4]), n(digits[4:6]), n(digits[6:8])
	t := time.Date(year, time.Month(mon), day, hour, minute, sec, 0, time.Local)
	if mon < 1 || mon > 12 || t.Day() != day || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, bad
	}
	return t, nil
}
