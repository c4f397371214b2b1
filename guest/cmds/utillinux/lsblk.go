package utillinux

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "lsblk", Usage: "[-abdfln] [DEVICE]...", Summary: "list block devices", Run: lsblk, Quick: true})

func lsblk(e *cmds.Env, args []string) error {
	var f cmds.Flags
	all := f.Bool('a', "all", "also RAM disks and empty loop devices")
	bytes := f.Bool('b', "bytes", "sizes in bytes")
	nodeps := f.Bool('d', "nodeps", "disks only, no partitions")
	fsInfo := f.Bool('f', "fs", "filesystem type, label and UUID")
	list := f.Bool('l', "list", "a plain list, no tree")
	noHead := f.Bool('n', "noheadings", "no header line")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	devs, err := blkDevices(*all || len(ops) > 0)
	if err != nil {
		return cmds.SysFail("cannot list block devices", err)
	}
	if len(ops) > 0 {
		devs = lsblkSelect(e, devs, ops)
	}
	mounts := blkMounts()
	head := []string{"NAME", "MAJ:MIN", "SIZE", "RO", "TYPE", "MOUNTPOINT"}
	right := []bool{false, false, true, true, false, false}
	if *fsInfo {
		head = []string{"NAME", "FSTYPE", "LABEL", "UUID", "MOUNTPOINT"}
		right = nil
	}
	var rows [][]string
	if !*noHead {
		rows = append(rows, head)
	}
	for i, d := range devs {
		if d.Part && *nodeps {
			continue
		}
		name := d.Name
		if d.Part && !*list {
			// ASCII, as lsblk draws its tree without a UTF-8 locale: a
			// serial line promises nothing more.
			last := i+1 == len(devs) || !devs[i+1].Part
			name = map[bool]string{true: "`-", false: "|-"}[last] + name
		}
		mnt := ""
		if ms := mounts[d.devno()]; len(ms) > 0 {
			mnt = ms[0]
		}
		if *fsInfo {
			// A disk with nothing recognizable, or unreadable, has
			// empty columns, as in lsblk.
			info, _ := blkProbe(d.node())
			rows = append(rows, []string{name, info.Type, info.Label, info.UUID, mnt})
			continue
		}
		size := blkHuman(d.Size)
		if *bytes {
			size = strconv.FormatInt(d.Size, 10)
		}
		rows = append(rows, []string{name, d.devno(), size, map[bool]string{true: "1", false: "0"}[d.RO], d.Type, mnt})
	}
	cmds.WriteTable(e.Stdout, rows, right)
	return nil
}

// lsblkSelect keeps the devices named (as /dev/vda or vda) and the
// partitions of the disks among them; an unknown name is reported.
func lsblkSelect(e *cmds.Env, devs []blkDev, names []string) []blkDev {
	var out []blkDev
	for _, n := range names {
		base := filepath.Base(n)
		if p, err := filepath.EvalSymlinks(e.Path(n)); err == nil && strings.HasPrefix(p, blkDevDir+"/") {
			base = filepath.Base(p)
		}
		found := false
		for i, d := range devs {
			if d.Name != base {
				continue
			}
			found = true
			top := d
			top.Part = false // shown on its own, a partition is no branch
			out = append(out, top)
			for j := i + 1; !d.Part && j < len(devs) && devs[j].Part; j++ {
				out = append(out, devs[j])
			}
		}
		if !found {
			e.Warn(errors.New(n + ": not a block device"))
		}
	}
	return out
}
