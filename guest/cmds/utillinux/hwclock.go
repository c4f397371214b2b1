package utillinux

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "hwclock", Usage: "[-r|-s|-w] [-u|-l] [-f DEV]", Summary: "show the hardware clock (RTC), or set it from the system clock or the other way", Run: hwclock, Quick: true})

// hwclock is BusyBox's: -r (the default) prints the RTC's time as
// ctime does followed by "  0.000000 seconds", -s sets the system clock
// from the RTC, -w the RTC from the system clock. The RTC keeps UTC
// with -u, local time with -l, and otherwise what /etc/adjtime's third
// line says (local time if it says nothing, as in BusyBox).
func hwclock(e *cmds.Env, args []string) error {
	var f cmds.Flags
	show := f.Bool('r', "show", "show the RTC's time (the default)")
	toSys := f.Bool('s', "hctosys", "set the system time from the RTC")
	toRTC := f.Bool('w', "systohc", "set the RTC from the system time")
	utc := f.Bool('u', "utc", "the RTC keeps UTC")
	local := f.Bool('l', "localtime", "the RTC keeps local time")
	dev := f.String('f', "rtc", "", "the RTC device (default /dev/rtc, /dev/rtc0 or /dev/misc/rtc)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("extra operand '%s'", ops[0])
	}
	n := 0
	for _, b := range []bool{*show, *toSys, *toRTC} {
		if b {
			n++
		}
	}
	if n > 1 || (*utc && *local) {
		return cmds.Usagef("-r, -s and -w go alone, and -u with -l not at all")
	}
	isUTC := *utc
	if !*utc && !*local {
		isUTC = adjtimeUTC()
	}
	loc := time.Local
	if isUTC {
		loc = time.UTC
	}
	rtc, err := openRTC(e, *dev, *toRTC)
	if err != nil {
		return err
	}
	defer rtc.Close()
	fd := int(rtc.Fd())
	if *toRTC {
		return writeRTC(fd, loc)
	}
	t, err := readRTC(fd, loc)
	if err != nil {
		return err
	}
	if *toSys {
		tv := unix.NsecToTimeval(t.UnixNano())
		if err := unix.Settimeofday(&tv); err != nil {
			return fmt.Errorf("settimeofday: %w", err)
		}
		return nil
	}
	// ctime's layout, in local time whatever the RTC keeps.
	fmt.Fprintf(e.Stdout, "%s  0.000000 seconds\n", t.In(time.Local).Format("Mon Jan _2 15:04:05 2006"))
	return nil
}

// openRTC opens dev, or the first of BusyBox's usual names that opens,
// naming the last one tried when none does.
func openRTC(e *cmds.Env, dev string, write bool) (*os.File, error) {
	mode := os.O_RDONLY
	if write {
		mode = os.O_WRONLY
	}
	names := []string{dev}
	if dev == "" {
		names = []string{"/dev/rtc", "/dev/rtc0", "/dev/misc/rtc"}
	}
	var err error
	for _, name := range names {
		var f *os.File
		if f, err = os.OpenFile(e.Path(name), mode, 0); err == nil {
			return f, nil
		}
		err = fmt.Errorf("can't open '%s': %s", name, cmds.Message(unwrapPathErr(err)))
	}
	return nil, err
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// adjtimeUTC reports whether /etc/adjtime says the RTC keeps UTC.
func adjtimeUTC() bool {
	f, err := os.Open("/etc/adjtime")
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), "UTC") {
			return true
		}
	}
	return false
}

func readRTC(fd int, loc *time.Location) (time.Time, error) {
	rt, err := unix.IoctlGetRTCTime(fd)
	if err != nil {
		return time.Time{}, fmt.Errorf("RTC_RD_TIME: %w", err)
	}
	return time.Date(int(rt.Year)+1900, time.Month(rt.Mon+1), int(rt.Mday), int(rt.Hour), int(rt.Min), int(rt.Sec), 0, loc), nil
}

// writeRTC sets the RTC from the system clock. Like BusyBox, it waits
// for the start of the next second, where the RTC's second begins too.
func writeRTC(fd int, loc *time.Location) error {
	now := time.Now()
	time.Sleep(now.Truncate(time.Second).Add(time.Second).Sub(now))
	t := time.Now().In(loc)
	rt := unix.RTCTime{
		Sec: int32(t.Second()), Min: int32(t.Minute()), Hour: int32(t.Hour()),
		Mday: int32(t.Day()), Mon: int32(t.Month() - 1), Year: int32(t.Year() - 1900),
		Wday: int32(t.Weekday()), Yday: int32(t.YearDay() - 1),
	}
	if err := unix.IoctlSetRTCTime(fd, &rt); err != nil {
		return fmt.Errorf("RTC_SET_TIME: %w", err)
	}
	return nil
}
