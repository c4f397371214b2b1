package coreutils

import (
	"fmt"
	"os"
	"strings"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "du", Usage: "[-aclsxHLhkmb] [-d N] [FILE]...", Summary: "estimate the disk space files use", Run: du})

// du is BusyBox's: sizes come from the blocks a file occupies
// (st_blocks, 512 bytes each), in KiB by default; -m rounds up, -h
// rounds to the nearest with one decimal below 10 as BusyBox's
// make_human_readable_str does ("1.0M", not GNU's "1.1M"); a hard-linked
// file counts once; directories are read in their on-disk order.
type duRun struct {
	e           *cmds.Env
	w           interface{ WriteString(string) (int, error) }
	all, oneFS  bool
	hardlinks   bool
	apparent    bool
	unit        int64 // display unit in bytes; 0: human
	maxDepth    int
	followDepth int // symlinks followed at depths below this
	depth       int
	dev         uint64
	seen        map[[2]uint64]bool
}

func du(e *cmds.Env, args []string) error {
	var f cmds.Flags
	all := f.Bool('a', "all", "show files too, not only directories")
	followCmd := f.Bool('H', "", "follow symlinks named on the command line")
	kib := f.Bool('k', "", "sizes in KiB (the default)")
	follow := f.Bool('L', "dereference", "follow all symlinks")
	summary := f.Bool('s', "summarize", "only a total for each operand")
	oneFS := f.Bool('x', "one-file-system", "skip directories on other filesystems")
	depth := f.Int('d', "max-depth", -1, "show directories only N levels deep")
	hardlinks := f.Bool('l', "count-links", "count hard-linked files every time")
	total := f.Bool('c', "total", "print a grand total")
	apparent := f.Bool('b', "bytes", "apparent sizes, in bytes")
	human := f.Bool('h', "human-readable", "sizes as 1.5K 234M 2.0G")
	mib := f.Bool('m', "", "sizes in MiB")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *summary && *depth >= 0 {
		return cmds.Usagef("-s and -d exclude each other")
	}
	d := &duRun{e: e, all: *all, oneFS: *oneFS, hardlinks: *hardlinks, apparent: *apparent,
		unit: 1024, maxDepth: int(^uint(0) >> 1), seen: map[[2]uint64]bool{}}
	// The last of -b -h -m -k wins, as the order BusyBox checks them in.
	if *apparent {
		d.unit = 1
	}
	if *human {
		d.unit = 0
	}
	if *mib {
		d.unit = 1 << 20
	}
	if *kib {
		d.unit = 1024
	}
	if e.Getenv("POSIXLY_CORRECT") != "" && !*apparent && !*human && !*mib && !*kib {
		d.unit = 512
	}
	if *depth >= 0 {
		d.maxDepth = *depth
	}
	if *summary {
		d.maxDepth = 0
	}
	if *followCmd {
		d.followDepth = 1
	}
	if *follow {
		d.followDepth = int(^uint(0) >> 1)
	}
	if len(ops) == 0 {
		ops = []string{"."}
		if d.followDepth == 1 {
			d.followDepth = 0
		}
	}
	w := e.BufOut()
	defer w.Flush()
	d.w = w
	var sum uint64
	save := d.followDepth
	for _, op := range ops {
		sum += d.walk(op)
		d.followDepth = save
	}
	if *total {
		d.print(sum, "total")
	}
	return w.Flush()
}

// size spells a count of 512-byte blocks (or, with -b, bytes).
func (d *duRun) size(n uint64) string {
	block := uint64(512)
	if d.apparent {
		block = 1
	}
	if d.unit > 1 {
		// BusyBox rounds fixed units up (1025 KiB is 2 with -m).
		n += uint64(d.unit-1) / 1024
	}
	if n == 0 {
		return "0"
	}
	v := n * block
	if d.unit != 0 {
		return fmt.Sprint((v + uint64(d.unit)/2) / uint64(d.unit))
	}
	units := " KMGTPEZY"
	u, frac := 0, uint64(0)
	for v >= 1024 {
		u++
		frac = ((v%1024)*10 + 512) / 1024
		v /= 1024
	}
	if frac >= 10 {
		v++
		frac = 0
	}
	if u == 0 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%d.%d%c", v, frac, units[u])
}

func (d *duRun) print(n uint64, name string) {
	d.w.WriteString(d.size(n) + "\t" + name + "\n")
}

func (d *duRun) walk(name string) uint64 {
	path := d.e.Path(name)
	fi, err := os.Lstat(path)
	if err != nil {
		d.e.Warn(d.e.OpErr(err, name))
		return 0
	}
	st := cmds.RawStat(fi)
	if d.oneFS {
		if d.depth == 0 {
			d.dev = uint64(st.Dev)
		} else if uint64(st.Dev) != d.dev {
			return 0
		}
	}
	if fi.Mode()&os.ModeSymlink != 0 && d.followDepth > d.depth {
		if fi, err = os.Stat(path); err != nil {
			d.e.Warn(d.e.OpErr(err, name))
			return 0
		}
		st = cmds.RawStat(fi)
		if d.followDepth == 1 {
			d.followDepth = int(^uint(0) >> 1) // BusyBox turns -H into -L
		}
	}
	sum := uint64(st.Blocks)
	if d.apparent {
		sum = uint64(st.Size)
	}
	if !d.hardlinks && st.Nlink > 1 {
		key := [2]uint64{uint64(st.Dev), uint64(st.Ino)}
		if d.seen[key] {
			return 0
		}
		d.seen[key] = true
	}
	if st.Mode&syscall.S_IFMT == syscall.S_IFDIR {
		dir, err := os.Open(path)
		if err != nil {
			d.e.Warn(d.e.OpErr(err, name))
			return sum
		}
		names, err := dir.Readdirnames(-1)
		dir.Close()
		if err != nil {
			d.e.Warn(d.e.OpErr(err, name))
		}
		for _, n := range names {
			d.depth++
			sum += d.walk(strings.TrimSuffix(name, "/") + "/" + n)
			d.depth--
		}
	} else if !d.all && d.depth != 0 {
		return sum
	}
	if d.depth <= d.maxDepth {
		d.print(sum, name)
	}
	return sum
}
