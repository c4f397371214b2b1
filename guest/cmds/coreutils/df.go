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

var _ = cmds.Register(&cmds.Cmd{Name: "df", Usage: "[-hkmTa] [FILE]...", Summary: "show free disk space", Run: df, Quick: true})

// dfVirtual reports whether filesystems of type t hold no files of the
// user's: df leaves them out unless -a. tmpfs and devtmpfs stay, since
// they use memory. (A switch, not a map, which would be built at every
// start of the guest binary.)
func dfVirtual(t string) bool {
	switch t {
	case "proc", "sysfs", "devpts", "cgroup", "cgroup2",
		"securityfs", "debugfs", "tracefs", "pstore", "bpf",
		"configfs", "fusectl", "mqueue", "hugetlbfs", "autofs",
		"binfmt_misc", "efivarfs", "selinuxfs", "rpc_pipefs",
		"nsfs", "ramfs":
		return true
	}
	return false
}

func df(e *cmds.Env, args []string) error {
	var f cmds.Flags
	human := f.Bool('h', "human-readable", "sizes like 1.5G")
	f.Bool('k', "", "sizes in 1K blocks (the default)")
	mega := f.Bool('m', "", "sizes in 1M blocks")
	showType := f.Bool('T', "print-type", "show the filesystem type")
	all := f.Bool('a', "all", "include virtual filesystems")
	f.Bool('P', "portability", "accepted for compatibility")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	ms, err := cmds.Mounts()
	if err != nil {
		return err
	}
	var show []cmds.MountEntry
	if len(ops) == 0 {
		show = dfSelect(ms, *all)
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
			e.Warnf("%s: cannot find its filesystem", op)
		}
	}

	unit, head := uint64(1024), "1K-blocks"
	if *mega {
		unit, head = 1<<20, "1M-blocks"
	}
	size := func(n uint64) string {
		if *human {
			return cmds.HumanSize(int64(n))
		}
		return strconv.FormatUint((n+unit-1)/unit, 10)
	}
	rows := [][]string{{"Filesystem", head, "Used", "Available", "Use%", "Mounted on"}}
	if *human {
		rows[0] = []string{"Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on"}
	}
	for _, m := range show {
		var st unix.Statfs_t
		if err := unix.Statfs(m.Dir, &st); err != nil {
			e.Warn(&fs.PathError{Op: "statfs", Path: m.Dir, Err: err})
			continue
		}
		bs := uint64(st.Frsize)
		if bs == 0 {
			bs = uint64(st.Bsize)
		}
		used := st.Blocks - st.Bfree
		rows = append(rows, []string{m.Source, size(st.Blocks * bs), size(used * bs), size(st.Bavail * bs), dfPercent(used, st.Bavail), m.Dir})
	}
	right := []bool{false, true, true, true, true, false}
	if *showType {
		for i, r := range rows {
			t := "Type"
			if i > 0 {
				t = show[i-1].Type
			}
			rows[i] = append([]string{r[0], t}, r[1:]...)
		}
		right = append([]bool{false, false}, right[1:]...)
	}
	cmds.WriteTable(e.Stdout, rows, right)
	return nil
}

// dfSelect picks what plain df shows: one line per mount point (the
// topmost, which hides the others), without virtual filesystems.
func dfSelect(ms []cmds.MountEntry, all bool) []cmds.MountEntry {
	var out []cmds.MountEntry
	at := map[string]int{}
	for _, m := range ms {
		if !all && dfVirtual(m.Type) {
			continue
		}
		if i, ok := at[m.Dir]; ok && !all {
			out[i] = m
			continue
		}
		at[m.Dir] = len(out)
		out = append(out, m)
	}
	return out
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

// dfPercent is used/(used+avail) rounded up, as coreutils computes it:
// blocks reserved for root count as neither.
func dfPercent(used, avail uint64) string {
	if used+avail == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", uint64(math.Ceil(float64(used)*100/float64(used+avail))))
}
