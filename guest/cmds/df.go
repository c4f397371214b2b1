package cmds

import (
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

func init() {
	Register(&Cmd{Name: "df", Usage: "[-hkmTa] [FILE]...", Summary: "show free disk space", Run: df, Quick: true})
}

// dfVirtual are filesystems that hold no files of the user's: df leaves
// them out unless -a. tmpfs and devtmpfs stay, since they use memory.
var dfVirtual = map[string]bool{
	"proc": true, "sysfs": true, "devpts": true, "cgroup": true, "cgroup2": true,
	"securityfs": true, "debugfs": true, "tracefs": true, "pstore": true, "bpf": true,
	"configfs": true, "fusectl": true, "mqueue": true, "hugetlbfs": true, "autofs": true,
	"binfmt_misc": true, "efivarfs": true, "selinuxfs": true, "rpc_pipefs": true,
	"nsfs": true, "ramfs": true,
}

func df(e *Env, args []string) error {
	var f Flags
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
	ms, err := sysMounts()
	if err != nil {
		return err
	}
	var show []sysMount
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
			return dfHuman(n)
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
	sysTable(e.Stdout, rows, right)
	return nil
}

// dfSelect picks what plain df shows: one line per mount point (the
// topmost, which hides the others), without virtual filesystems.
func dfSelect(ms []sysMount, all bool) []sysMount {
	var out []sysMount
	at := map[string]int{}
	for _, m := range ms {
		if !all && dfVirtual[m.Type] {
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
func dfFind(ms []sysMount, path string) (sysMount, bool) {
	best, found := sysMount{}, false
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

// dfHuman spells a byte count like coreutils' df -h: powers of 1024,
// rounded up, one decimal below 10.
func dfHuman(n uint64) string {
	if n < 1024 {
		return strconv.FormatUint(n, 10)
	}
	v := float64(n)
	for _, u := range "KMGTPE" {
		v /= 1024
		if v < 10 {
			if c := math.Ceil(v*10) / 10; c < 10 {
				return fmt.Sprintf("%.1f%c", c, u)
			}
			return fmt.Sprintf("10%c", u)
		}
		if c := math.Ceil(v); c < 1024 {
			return fmt.Sprintf("%d%c", int64(c), u)
		}
	}
	return fmt.Sprintf("%.0fE", v)
}
