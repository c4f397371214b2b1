package procps

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "uptime", Usage: "[-ps]", Summary: "show how long the system has been up", Run: uptime, Quick: true})

func uptime(e *cmds.Env, args []string) error {
	var f cmds.Flags
	pretty := f.Bool('p', "pretty", "only the time up, in words")
	since := f.Bool('s', "since", "when the system came up")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	up, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return err
	}
	secs, err := uptimeSeconds(string(up))
	if err != nil {
		return err
	}
	now := time.Now()
	var line string
	switch {
	case *pretty:
		line = uptimePretty(secs)
	case *since:
		line = now.Add(-time.Duration(secs * float64(time.Second))).Format("2006-01-02 15:04:05")
	default:
		load, err := os.ReadFile("/proc/loadavg")
		if err != nil {
			return err
		}
		if line, err = uptimeLine(now, string(up), string(load)); err != nil {
			return err
		}
	}
	_, err = io.WriteString(e.Stdout, line+"\n")
	return err
}

func uptimeSeconds(procUptime string) (float64, error) {
	f := strings.Fields(procUptime)
	if len(f) == 0 {
		return 0, fmt.Errorf("/proc/uptime: unexpected content %q", procUptime)
	}
	s, err := strconv.ParseFloat(f[0], 64)
	if err != nil || s < 0 {
		return 0, fmt.Errorf("/proc/uptime: unexpected content %q", procUptime)
	}
	return s, nil
}

// uptimeLine formats procps' line from the contents of /proc/uptime and
// /proc/loadavg. It has no user count: pidone keeps no utmp, so any
// number would be made up.
func uptimeLine(now time.Time, procUptime, procLoadavg string) (string, error) {
	secs, err := uptimeSeconds(procUptime)
	if err != nil {
		return "", err
	}
	load := strings.Fields(procLoadavg)
	if len(load) < 3 {
		return "", fmt.Errorf("/proc/loadavg: unexpected content %q", procLoadavg)
	}
	var avg [3]float64
	for i := range avg {
		if avg[i], err = strconv.ParseFloat(load[i], 64); err != nil {
			return "", fmt.Errorf("/proc/loadavg: unexpected content %q", procLoadavg)
		}
	}
	up := int64(secs)
	days, hours, mins := up/86400, up/3600%24, up/60%60
	var b strings.Builder
	fmt.Fprintf(&b, " %s up ", now.Format("15:04:05"))
	if days > 0 {
		fmt.Fprintf(&b, "%d day%s, ", days, uptimePlural(days))
	}
	if hours > 0 {
		fmt.Fprintf(&b, "%2d:%02d, ", hours, mins)
	} else {
		fmt.Fprintf(&b, "%d min, ", mins)
	}
	fmt.Fprintf(&b, " load average: %.2f, %.2f, %.2f", avg[0], avg[1], avg[2])
	return b.String(), nil
}

// uptimePretty is procps' "uptime -p".
func uptimePretty(secs float64) string {
	left := int64(secs) / 60
	var words []string
	for _, u := range []struct {
		mins int64
		name string
	}{{365 * 24 * 60, "year"}, {7 * 24 * 60, "week"}, {24 * 60, "day"}, {60, "hour"}, {1, "minute"}} {
		if n := left / u.mins; n > 0 {
			words = append(words, fmt.Sprintf("%d %s%s", n, u.name, uptimePlural(n)))
			left -= n * u.mins
		}
	}
	if len(words) == 0 {
		return "up 0 minutes"
	}
	return "up " + strings.Join(words, ", ")
}

func uptimePlural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}
