package utillinux

// Block devices as lsblk and blkid see them: the kernel's list in
// /sys/block, nodes in /dev (devtmpfs names them after the kernel), and
// what is mounted from /proc/self/mountinfo. There is no udev and no
// blkid cache in a pidone guest; everything is read fresh.

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
	"pidone.dev/pkg/fsprobe"
)

// Where block devices are described; tests point these at a made tree.
var (
	blkSysBlock  = "/sys/block"
	blkDevDir    = "/dev"
	blkMountinfo = "/proc/self/mountinfo"
)

// blkDev is a disk or a partition.
type blkDev struct {
	Name         string // vda, vda1
	Major, Minor int
	Size         int64 // bytes
	RO           bool
	Removable    bool
	Type         string // disk, part, loop, rom
	Part         bool   // a partition of the disk before it in the list
}

func (d blkDev) devno() string { return strconv.Itoa(d.Major) + ":" + strconv.Itoa(d.Minor) }

// node is the device's file: devtmpfs names it after the kernel.
func (d blkDev) node() string { return filepath.Join(blkDevDir, d.Name) }

// blkDevices lists the block devices, each disk followed by its
// partitions in order. all keeps what lsblk hides by default: RAM disks
// and loop devices with nothing attached.
func blkDevices(all bool) ([]blkDev, error) {
	entries, err := os.ReadDir(blkSysBlock)
	if err != nil {
		return nil, err
	}
	var out []blkDev
	for _, e := range entries {
		dir := filepath.Join(blkSysBlock, e.Name())
		d, ok := blkRead(dir, e.Name())
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(d.Name, "loop"):
			d.Type = "loop"
		case d.Major == 11 || strings.HasPrefix(d.Name, "sr"):
			d.Type = "rom"
		default:
			d.Type = "disk"
		}
		if !all && (d.Major == 1 || (d.Type == "loop" && d.Size == 0)) {
			continue
		}
		out = append(out, d)
		var parts []blkDev
		subs, _ := os.ReadDir(dir)
		for _, s := range subs {
			if _, err := os.Stat(filepath.Join(dir, s.Name(), "partition")); err != nil {
				continue
			}
			if p, ok := blkRead(filepath.Join(dir, s.Name()), s.Name()); ok {
				p.Type, p.Part = "part", true
				parts = append(parts, p)
			}
		}
		sort.Slice(parts, func(i, j int) bool { return blkLess(parts[i].Name, parts[j].Name) })
		out = append(out, parts...)
	}
	return out, nil
}

// blkRead reads one device's dev, size, ro and removable files.
func blkRead(dir, name string) (blkDev, bool) {
	d := blkDev{Name: name}
	maj, min, ok := strings.Cut(blkAttr(dir, "dev"), ":")
	var err1, err2 error
	d.Major, err1 = strconv.Atoi(maj)
	d.Minor, err2 = strconv.Atoi(min)
	if !ok || err1 != nil || err2 != nil {
		return d, false
	}
	// size is in 512-byte sectors whatever the device's own block size.
	sectors, _ := strconv.ParseInt(blkAttr(dir, "size"), 10, 64)
	d.Size = sectors * 512
	d.RO = blkAttr(dir, "ro") == "1"
	d.Removable = blkAttr(dir, "removable") == "1"
	return d, true
}

func blkAttr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// blkLess orders names with their numbers as numbers: vda2 before vda10.
func blkLess(a, b string) bool {
	ta, na := blkSplitNum(a)
	tb, nb := blkSplitNum(b)
	if ta != tb {
		return ta < tb
	}
	return na < nb
}

func blkSplitNum(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(s[i:])
	return s[:i], n
}

// blkMounts maps "major:minor" to where that device is mounted, in mount
// order. A device mounted twice (a bind) has several.
func blkMounts() map[string][]string {
	m := map[string][]string{}
	f, err := os.Open(blkMountinfo)
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		// 36 25 254:0 / /data rw,relatime shared:1 - ext4 /dev/vda rw
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		m[fields[2]] = append(m[fields[2]], cmds.UnescapeMount(fields[4]))
	}
	return m
}

// blkProbe identifies the filesystem on a device or image file.
func blkProbe(path string) (fsprobe.Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return fsprobe.Info{}, err
	}
	defer f.Close()
	return fsprobe.Probe(f)
}

// blkHuman is a size the way lsblk prints it: powers of 1024 with one
// letter, one decimal when there is a fraction (util-linux's
// size_to_human_string), and B for bytes.
func blkHuman(n int64) string {
	if n < 0 {
		n = 0
	}
	u := uint64(n)
	exp := 0
	for exp < 60 && u >= 1<<(exp+10) {
		exp += 10
	}
	if exp == 0 {
		return strconv.FormatUint(u, 10) + "B"
	}
	dec, frac := u>>exp, u&(1<<exp-1)
	letter := string("KMGTPE"[exp/10-1])
	if frac != 0 {
		// The fraction in 1/1024ths, rounded to tenths as util-linux does.
		frac = (frac/(1<<(exp-10)) + 50) / 100
		if frac == 10 {
			dec, frac = dec+1, 0
		}
	}
	if frac != 0 {
		return strconv.FormatUint(dec, 10) + "." + strconv.FormatUint(frac, 10) + letter
	}
	return strconv.FormatUint(dec, 10) + letter
}
