package coreutils

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "stat", Usage: "[-Lt] [-c FORMAT | --printf FORMAT] FILE...", Summary: "show file status", Run: stat, Quick: true})

// GNU stat's formats, so that its output and scripts carry over.
const (
	statDefault = "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n" +
		"Device: %Hd,%Ld\tInode: %-10i  Links: %h\n" +
		"Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n" +
		"Access: %x\nModify: %y\nChange: %z\n Birth: %w\n"
	statDevice = "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n" +
		"Device: %Hd,%Ld\tInode: %-10i  Links: %-5h Device type: %Hr,%Lr\n" +
		"Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n" +
		"Access: %x\nModify: %y\nChange: %z\n Birth: %w\n"
	statTerse = "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o\n"
)

func stat(e *cmds.Env, args []string) error {
	var f cmds.Flags
	follow := f.Bool('L', "dereference", "follow symbolic links")
	terse := f.Bool('t', "terse", "print the information on one line")
	format := f.String('c', "format", "", "use FORMAT, with a newline after each file")
	printf := f.String(0, "printf", "", "use FORMAT, with backslash escapes and no newline")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	w := e.BufOut()
	defer w.Flush()
	var names ownerNames
	for _, op := range ops {
		si, err := newStatInfo(e.Path(op), op, *follow, &names)
		if si != nil {
			si.loc = zone(e)
		}
		if err != nil {
			e.Warn(e.OpErr(err, op))
			continue
		}
		var out string
		switch {
		case *printf != "":
			s, _ := echoEscapes(*printf)
			out, err = si.format(s)
		case *format != "":
			out, err = si.format(*format)
			out += "\n"
		case *terse:
			out, err = si.format(statTerse)
		case si.st.Mode&syscall.S_IFMT == syscall.S_IFCHR || si.st.Mode&syscall.S_IFMT == syscall.S_IFBLK:
			out, err = si.format(statDevice)
		default:
			out, err = si.format(statDefault)
		}
		if err != nil {
			return err
		}
		w.WriteString(out)
	}
	return w.Flush()
}

type statInfo struct {
	name, path string
	fi         fs.FileInfo
	st         *syscall.Stat_t
	birth      time.Time
	names      *ownerNames
	loc        *time.Location // TZ's
}

func newStatInfo(path, name string, follow bool, names *ownerNames) (*statInfo, error) {
	get, flags := os.Lstat, unix.AT_SYMLINK_NOFOLLOW
	if follow {
		get, flags = os.Stat, 0
	}
	fi, err := get(path)
	if err != nil {
		return nil, err
	}
	si := &statInfo{name: name, path: path, fi: fi, st: cmds.RawStat(fi), names: names}
	var stx unix.Statx_t
	// Some filesystems (overlayfs) claim a birth time and give zero.
	if unix.Statx(unix.AT_FDCWD, path, flags, unix.STATX_BTIME, &stx) == nil && stx.Mask&unix.STATX_BTIME != 0 && (stx.Btime.Sec != 0 || stx.Btime.Nsec != 0) {
		si.birth = time.Unix(stx.Btime.Sec, int64(stx.Btime.Nsec))
	}
	return si, nil
}

// format expands GNU stat's %-directives, with their printf flags and
// widths ("%-10s", "%04a").
func (si *statInfo) format(format string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			b.WriteByte(format[i])
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0'", format[j]) >= 0 {
			j++
		}
		for j < len(format) && (format[j] >= '0' && format[j] <= '9' || format[j] == '.') {
			j++
		}
		if j < len(format) && (format[j] == 'H' || format[j] == 'L') && j+1 < len(format) && (format[j+1] == 'd' || format[j+1] == 'r') {
			j++
		}
		if j == len(format) {
			if j == i+1 {
				b.WriteByte('%') // a lone % at the end is itself
				break
			}
			return "", fmt.Errorf("%s: invalid directive", cmds.Quote(format[i:]))
		}
		spec, conv := strings.ReplaceAll(format[i+1:j], "'", ""), format[j:j+1]
		if format[j-1] == 'H' || format[j-1] == 'L' {
			spec, conv = spec[:len(spec)-1], format[j-1:j+1]
		}
		if conv == "%" {
			b.WriteByte('%')
			i = j
			continue
		}
		v, verb, ok := si.value(conv)
		if !ok {
			return "", fmt.Errorf("%s: invalid directive", cmds.Quote(format[i:j+1]))
		}
		fmt.Fprintf(&b, "%"+spec+string(verb), v)
		i = j
	}
	return b.String(), nil
}

func (si *statInfo) value(conv string) (v any, verb byte, ok bool) {
	st := si.st
	ts := func(t syscall.Timespec) time.Time { return time.Unix(t.Unix()) }
	human := func(t time.Time) string { return t.In(si.loc).Format("2006-01-02 15:04:05.000000000 -0700") }
	switch conv {
	case "n":
		return si.name, 's', true
	case "N":
		// BusyBox's: the name as it is, a symlink's quoted with its target.
		s := si.name
		if si.fi.Mode()&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(si.path); err == nil {
				s = "'" + si.name + "' -> '" + t + "'"
			}
		}
		return s, 's', true
	case "s":
		return st.Size, 'd', true
	case "b":
		return st.Blocks, 'd', true
	case "B":
		return 512, 'd', true
	case "o":
		return st.Blksize, 'd', true
	case "f":
		return st.Mode, 'x', true
	case "F":
		return statFileType(st.Mode, st.Size), 's', true
	case "a":
		return st.Mode & 07777, 'o', true
	case "A":
		return cmds.ModeLetters(st.Mode), 's', true
	case "u":
		return st.Uid, 'd', true
	case "g":
		return st.Gid, 'd', true
	case "U":
		return si.names.user(st.Uid), 's', true
	case "G":
		return si.names.group(st.Gid), 's', true
	case "i":
		return st.Ino, 'd', true
	case "h":
		return st.Nlink, 'd', true
	case "d":
		return st.Dev, 'd', true
	case "D":
		return st.Dev, 'x', true
	case "Hd":
		return devMajor(st.Dev), 'd', true
	case "Ld":
		return devMinor(st.Dev), 'd', true
	case "r":
		return st.Rdev, 'd', true
	case "Hr":
		return devMajor(st.Rdev), 'd', true
	case "Lr":
		return devMinor(st.Rdev), 'd', true
	case "t":
		return devMajor(st.Rdev), 'x', true
	case "T":
		return devMinor(st.Rdev), 'x', true
	case "x":
		return human(ts(st.Atim)), 's', true
	case "X":
		return st.Atim.Sec, 'd', true
	case "y":
		return human(ts(st.Mtim)), 's', true
	case "Y":
		return st.Mtim.Sec, 'd', true
	case "z":
		return human(ts(st.Ctim)), 's', true
	case "Z":
		return st.Ctim.Sec, 'd', true
	case "w":
		if si.birth.IsZero() {
			return "-", 's', true
		}
		return human(si.birth), 's', true
	case "W":
		if si.birth.IsZero() {
			return 0, 'd', true
		}
		return si.birth.Unix(), 'd', true
	}
	return nil, 0, false
}
