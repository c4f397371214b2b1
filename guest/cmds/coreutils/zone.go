package coreutils

import (
	"encoding/binary"
	"os"
	"strings"
	"time"

	"pidone.dev/guest/cmds"
)

// zone is the time zone a command shows times in: TZ from the command's
// own environment (in the shell many commands run in one process,
// whose time.Local is the shell's), read as the C library reads it. A
// zoneinfo file (":Europe/Paris", "Europe/Paris", "/path/to/file") when
// there is one, else a POSIX rule ("UTC0", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
// which needs no zoneinfo: the guest has none. A rule that does not
// parse is UTC under the name it starts with (TZ=FOO is "FOO", +0000),
// as glibc has it. Without TZ it is the system's zone, time.Local.
func zone(e *cmds.Env) *time.Location {
	tz, ok := "", false
	for i := len(e.Environ) - 1; i >= 0; i-- {
		if v, found := strings.CutPrefix(e.Environ[i], "TZ="); found {
			tz, ok = v, true
			break
		}
	}
	if !ok {
		return time.Local
	}
	tz = strings.TrimPrefix(tz, ":")
	if tz == "" {
		return time.UTC
	}
	if strings.HasPrefix(tz, "/") {
		if data, err := os.ReadFile(tz); err == nil {
			if loc, err := time.LoadLocationFromTZData(tz, data); err == nil {
				return loc
			}
		}
	} else if loc, err := time.LoadLocation(tz); err == nil {
		return loc
	}
	loc, err := time.LoadLocationFromTZData(tz, posixZone(tz))
	if err != nil {
		return time.UTC
	}
	return loc
}

// posixZone is a zoneinfo file (RFC 8536, version 2) with no
// transitions, one zone of offset 0 named as rule starts, and rule as
// its footer: the time package then reads every time through the rule,
// or, if it does not parse, in that one zone.
func posixZone(rule string) []byte {
	name := rule
	if strings.HasPrefix(name, "<") {
		if end := strings.IndexByte(name, '>'); end > 0 {
			name = name[1:end]
		}
	} else if end := strings.IndexFunc(name, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	}); end >= 0 {
		name = name[:end]
	}
	if name == "" {
		name = "UTC"
	}
	var b []byte
	for range 2 { // the version 1 block, then the version 2 block
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, 0, 1, len(name) + 1} { // isut, isstd, leap, time, type, char
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
		b = append(b, 0, 0, 0, 0, 0, 0) // utoff 0, not DST, name at 0
		b = append(append(b, name...), 0)
	}
	return append(append(append(b, '\n'), rule...), '\n')
}
