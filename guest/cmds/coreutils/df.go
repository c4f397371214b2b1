package coreutils

import (
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "df", Usage: "[-PkmhTai] [-B SIZE] [-t TYPE] [FILE]...", Summary: "show free disk space", Run: df, Quick: true})

// df is BusyBox's: its fixed columns (the device in 20, numbers in 9),
// sizes rounded to the nearest unit, the percentage rounded to the
// nearest, and every filesystem with blocks (none of the virtual ones
// has any) unless -a shows them all.
func df(e *cmds.Env, args []string) error {
	var f cmds.Flags
	human := f.Bool('h', "human-readable", "sizes like 1.5G")
	f.Bool('k', "", "sizes in 1K blocks (the default)")
	mega := f.Bool('m', "", "sizes in 1M blocks")
	blockSize := f.String('B', "block-size", "", "sizes in blocks of SIZE bytes (1024, 1k, 1M, ...)")
	showType := f.Bool('T', "print-type", "show the filesystem type")
	only := f.String('t', "type", "", "only filesystems of TYPE")
	all := f.Bool('a', "all", "include filesystems without blocks")
	posix := f.Bool('P', "portability", "POSIX's header, and no line breaks for long names")
	inodes := f.Bool('i', "inodes", "inodes instead of blocks")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	unit := uint64(1024)
	switch {
	case *mega:
		unit = 1 << 20
	case *blockSize != "":
		n, err := parseHeadCount(*blockSize)
		if err != nil || n <= 0 {
			return cmds.Usagef("invalid block size %s", cmds.Quote(*blockSize))
		}
		unit = uint64(n)
	}
	var head string
	switch {
	case *human:
		unit, head = 0, "     Size"
	case *inodes:
		head = "   Inodes"
	case *posix:
		head = strconv.FormatUint(unit, 10) + "-blocks"
	default:
		head = bbHuman(int64(unit), false) + "-blocks"
	}
	typeHead, pctHead := "", "Use%"
	if *showType {
		typeHead = "Type       "
	}
	if *posix {
		pctHead = "Capacity"
	}
	w := e.BufOut()
	defer w.Flush()
	fmt.Fprintf(w, "Filesystem           %s%-15sUsed Available %s Mounted on\n", typeHead, head, pctHead)

	ms, err := cmds.Mounts()
	if err != nil {
		return err
	}
	rootHidden := dfRootHidden(ms)
	show := ms
	if len(ops) > 0 {
		show = nil
	}
	for _, op := range ops {
		p, err := filepath.EvalSymlinks(e.Path(op))
		if err != nil {
			e.Warn(err)
			continue
		}
		if m, ok := dfFind(ms, p); ok {
			show = append(show, m)
		} else {
			e.Warnf("%s: can't find mount point", op)
		}
	}
	size := func(n, bs uint64) string {
		if unit == 0 {
			return bbHuman(int64(n*bs), true)
		}
		if *inodes {
			return strconv.FormatUint(n, 10)
		}
		return strconv.FormatUint((n*bs+unit/2)/unit, 10)
	}
	for _, m := range show {
		if m.Source == "rootfs" && rootHidden || *only != "" && m.Type != *only {
			continue
		}
		var st unix.Statfs_t
		if err := unix.Statfs(m.Dir, &st); err != nil {
			e.Warn(&fs.PathError{Op: "statfs", Path: m.Dir, Err: err})
			continue
		}
		if st.Blocks == 0 && len(ops) == 0 && !*all {
			continue
		}
		bs := uint64(st.Frsize)
		if bs == 0 {
			bs = uint64(st.Bsize)
		}
		blocks, free, avail := st.Blocks, st.Bfree, st.Bavail
		if *inodes {
			blocks, free, avail, bs = st.Files, st.Ffree, st.Ffree, 1
		}
		used := blocks - free
		dev := fmt.Sprintf("%-20s", m.Source)
		if len(dev) > 20 && !*posix {
			dev += "\n" + strings.Repeat(" ", 20)
		}
		if *showType {
			t := fmt.Sprintf(" %-10s", m.Type)
			if len(t) > 11 && !*posix {
				t += "\n" + strings.Repeat(" ", 30)
			}
			dev += t
		}
		fmt.Fprintf(w, "%s %9s %9s %9s %3d%% %s\n", dev, size(blocks, bs), size(used, bs), size(avail, bs), dfPercent(used, avail), m.Dir)
	}
	return w.Flush()
}

// dfRootHidden reports whether a root is mounted over the kernel's
// rootfs. BusyBox always leaves rootfs out, as the hidden mount it is
// then; a pidone guest runs on rootfs itself (its initramfs), where it is
// the root df must show and BusyBox would find none.
func dfRootHidden(ms []cmds.MountEntry) bool {
	for _, m := range ms {
		if m.Dir == "/" && m.Source != "rootfs" {
			return true
		}
	}
	return false
}

// dfFind returns the mount holding path (symlinks already resolved): the
// one with the longest mount point above it, the last mounted if equal.
func dfFind(ms []cmds.MountEntry, path string) (cmds.MountEntry, bool) {
	best, found := cmds.MountEntry{}, false
	for _, m := range ms {
		d := m.Dir
		if path == d || d == "/" || strings.HasPrefix(path, d+"/") {
			if !found || len(d) >= len(best.Dir) {
				best, found = m, true
			}
		}
	}
	return best, found
}

// dfPercent is used/(used+avail) rounded to the nearest, as BusyBox
// computes it: blocks reserved for root count as neither.
func dfPercent(used, avail uint64) uint64 {
	total := used + avail
	if total == 0 {
		return 0
	}
	for total >= math.MaxInt32/101 {
		total >>= 1
		used >>= 1
	}
	return (used*100 + total/2) / total
}
