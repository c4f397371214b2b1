package procps

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "free", Usage: "[-bkmgh] [-t]", Summary: "show memory use", Run: free, Quick: true})

// parseMeminfo reads /proc/meminfo's "Key:   123 kB" lines into KiB.
func parseMeminfo(r io.Reader) (map[string]uint64, error) {
	m := map[string]uint64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			continue
		}
		if len(f) < 2 || f[1] != "kB" { // HugePages_Total and the like are counts
			continue
		}
		m[k] = n
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if _, ok := m["MemTotal"]; !ok {
		return nil, fmt.Errorf("no MemTotal in /proc/meminfo")
	}
	return m, nil
}

// memUse is free's table, in KiB.
type memUse struct {
	total, used, free, shared, buffCache, available uint64
	swapTotal, swapUsed, swapFree                   uint64
}

// freeUse computes free's columns as procps-ng 4 does: buff/cache counts
// reclaimable slab, and used is what is neither free nor cache.
func freeUse(m map[string]uint64) memUse {
	u := memUse{
		total:     m["MemTotal"],
		free:      m["MemFree"],
		shared:    m["Shmem"],
		buffCache: m["Buffers"] + m["Cached"] + m["SReclaimable"],
		swapTotal: m["SwapTotal"],
		swapFree:  m["SwapFree"],
	}
	if a, ok := m["MemAvailable"]; ok {
		u.available = a
	} else { // kernels before 3.14
		u.available = u.free
	}
	u.available = min(u.available, u.total)
	if u.total >= u.free+u.buffCache {
		u.used = u.total - u.free - u.buffCache
	} else if u.total >= u.free {
		u.used = u.total - u.free
	}
	if u.swapTotal >= u.swapFree {
		u.swapUsed = u.swapTotal - u.swapFree
	}
	return u
}

func free(e *cmds.Env, args []string) error {
	var f cmds.Flags
	b := f.Bool('b', "bytes", "show bytes")
	f.Bool('k', "kibi", "show KiB (the default)")
	m := f.Bool('m', "mebi", "show MiB")
	g := f.Bool('g', "gibi", "show GiB")
	h := f.Bool('h', "human", "show sizes like 1.5Gi")
	t := f.Bool('t', "total", "add a line with RAM + swap")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	file, err := os.Open("/proc/meminfo")
	if err != nil {
		return err
	}
	defer file.Close()
	info, err := parseMeminfo(file)
	if err != nil {
		return err
	}
	shift := 10 // KiB to bytes
	switch {
	case *b:
		shift = 0
	case *m:
		shift = 20
	case *g:
		shift = 30
	}
	size := func(kib uint64) string {
		if *h {
			return freeHuman(kib << 10)
		}
		return strconv.FormatUint((kib<<10)>>shift, 10)
	}
	_, err = io.WriteString(e.Stdout, freeTable(freeUse(info), size, *t))
	return err
}

// freeTable lays the table out as procps does, whatever the units.
func freeTable(u memUse, size func(uint64) string, total bool) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%-9s%11s %11s %11s %11s %11s %11s\n", "", "total", "used", "free", "shared", "buff/cache", "available")
	fmt.Fprintf(&s, "%-9s%11s %11s %11s %11s %11s %11s\n", "Mem:", size(u.total), size(u.used), size(u.free), size(u.shared), size(u.buffCache), size(u.available))
	fmt.Fprintf(&s, "%-9s%11s %11s %11s\n", "Swap:", size(u.swapTotal), size(u.swapUsed), size(u.swapFree))
	if total {
		fmt.Fprintf(&s, "%-9s%11s %11s %11s\n", "Total:", size(u.total+u.swapTotal), size(u.used+u.swapUsed), size(u.free+u.swapFree))
	}
	return s.String()
}

// freeHuman spells bytes like procps' free -h: the first unit in which
// the number fits in three characters, one decimal if there is room,
// truncated rather than rounded.
func freeHuman(n uint64) string {
	if n < 1000 {
		return strconv.FormatUint(n, 10) + "B"
	}
	v := float64(n)
	for _, u := range []string{"Ki", "Mi", "Gi", "Ti", "Pi"} {
		v /= 1024
		if s := strconv.FormatFloat(v, 'f', 1, 64); len(s) <= 3 {
			return s + u
		}
		if s := strconv.FormatUint(uint64(v), 10); len(s) <= 3 {
			return s + u
		}
	}
	return strconv.FormatUint(uint64(v), 10) + "Pi"
}
