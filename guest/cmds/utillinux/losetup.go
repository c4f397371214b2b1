package utillinux

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "losetup", Usage: "[-rP] [-o OFFSET] [--show] {-f|LOOPDEV} FILE | -d LOOPDEV... | -a | -f | LOOPDEV", Summary: "attach files to loop devices, detach and list them", Run: losetup, Quick: true})

// losetup follows BusyBox's: "LOOPDEV: OFFSET FILE" lines for a device
// and for -a, -f alone prints the first free device, -f FILE attaches
// to it (printing it with --show, GNU's). Attaching is one
// LOOP_CONFIGURE, or LOOP_SET_FD and LOOP_SET_STATUS64 on kernels
// before 5.8; the free device comes from /dev/loop-control's
// LOOP_CTL_GET_FREE, which also makes it. Opening /dev/loop-control
// loads the loop module when it is one.
func losetup(e *cmds.Env, args []string) error {
	var f cmds.Flags
	detach := f.Bool('d', "detach", "detach the loop devices")
	all := f.Bool('a', "all", "list the attached devices")
	find := f.Bool('f', "find", "use (or print) the first free device")
	readOnly := f.Bool('r', "read-only", "attach read-only")
	partScan := f.Bool('P', "partscan", "scan the device for partitions")
	show := f.Bool(0, "show", "print the device attached with -f")
	offset := f.String('o', "offset", "0", "start OFFSET bytes into FILE")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	switch {
	case *detach:
		if len(ops) == 0 {
			return cmds.Usagef("-d needs a device")
		}
		for _, dev := range ops {
			if err := loopDetach(e.Path(dev)); err != nil {
				e.Warn(cmds.NamedErr(dev, cmds.RootHint(err)))
			}
		}
		return nil
	case *all:
		return loopList(e)
	case *find && len(ops) == 0:
		dev, err := loopFree()
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, dev)
		return nil
	case !*find && len(ops) == 1:
		s, err := loopQuery(e.Path(ops[0]))
		if err != nil {
			return cmds.NamedErr(ops[0], cmds.RootHint(err))
		}
		fmt.Fprintf(e.Stdout, "%s: %s\n", ops[0], s)
		return nil
	}
	if (*find && len(ops) != 1) || (!*find && len(ops) != 2) {
		return cmds.Usagef("wrong number of operands")
	}
	off, err := strconv.ParseUint(*offset, 10, 64)
	if err != nil {
		return fmt.Errorf("invalid number '%s'", *offset)
	}
	var flags uint32
	if *readOnly {
		flags |= unix.LO_FLAGS_READ_ONLY
	}
	if *partScan {
		flags |= unix.LO_FLAGS_PARTSCAN
	}
	file := ops[len(ops)-1]
	dev := ""
	if !*find {
		dev = e.Path(ops[0])
	}
	dev, err = loopAttach(dev, e.Path(file), file, off, flags)
	if err != nil {
		return cmds.NamedErr(file, cmds.RootHint(err))
	}
	if *show {
		fmt.Fprintln(e.Stdout, dev)
	}
	return nil
}

// loopFree returns the first free device, made if need be.
func loopFree() (string, error) {
	ctl, err := os.OpenFile("/dev/loop-control", os.O_RDWR, 0)
	if err == nil {
		n, err := unix.IoctlRetInt(int(ctl.Fd()), unix.LOOP_CTL_GET_FREE)
		ctl.Close()
		if err != nil {
			return "", fmt.Errorf("no free loop devices: %s", cmds.Message(cmds.RootHint(err)))
		}
		dev := fmt.Sprintf("/dev/loop%d", n)
		// devtmpfs makes the node; without it, make it ourselves.
		if _, err := os.Stat(dev); errors.Is(err, fs.ErrNotExist) {
			unix.Mknod(dev, unix.S_IFBLK|0o660, int(unix.Mkdev(7, uint32(n))))
		}
		return dev, nil
	}
	// No loop-control (an old kernel, or no root): the first device
	// that is not attached.
	for n := 0; n < 256; n++ {
		dev := fmt.Sprintf("/dev/loop%d", n)
		if _, err := loopQuery(dev); errors.Is(err, unix.ENXIO) {
			return dev, nil
		}
	}
	return "", errors.New("no free loop devices")
}

// loopAttach attaches file to dev, or to a free device when dev is "".
// The device's name for it is shown, as typed: BusyBox's way.
func loopAttach(dev, file, shown string, offset uint64, flags uint32) (string, error) {
	mode := os.O_RDWR
	if flags&unix.LO_FLAGS_READ_ONLY != 0 {
		mode = os.O_RDONLY
	}
	f, err := os.OpenFile(file, mode, 0)
	if err != nil && mode == os.O_RDWR && (errors.Is(err, unix.EROFS) || errors.Is(err, unix.EACCES)) {
		flags |= unix.LO_FLAGS_READ_ONLY
		f, err = os.OpenFile(file, os.O_RDONLY, 0)
	}
	if err != nil {
		return "", errnoOf(err)
	}
	defer f.Close()
	for try := 0; ; try++ {
		name := dev
		if name == "" {
			if name, err = loopFree(); err != nil {
				return "", err
			}
		}
		err = loopSet(name, f, shown, offset, flags)
		// Another program may take the free device first: ask again.
		if err == nil || dev != "" || !errors.Is(err, unix.EBUSY) || try == 10 {
			return name, err
		}
	}
}

func loopSet(dev string, f *os.File, file string, offset uint64, flags uint32) error {
	mode := os.O_RDWR
	if flags&unix.LO_FLAGS_READ_ONLY != 0 {
		mode = os.O_RDONLY
	}
	d, err := os.OpenFile(dev, mode, 0)
	if err != nil {
		return errnoOf(err)
	}
	defer d.Close()
	info := unix.LoopInfo64{Offset: offset, Flags: flags}
	copy(info.File_name[:len(info.File_name)-1], file)
	cfg := unix.LoopConfig{Fd: uint32(f.Fd()), Info: info}
	err = unix.IoctlLoopConfigure(int(d.Fd()), &cfg)
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTTY) {
		return err
	}
	// Before Linux 5.8: two steps.
	if err := unix.IoctlSetInt(int(d.Fd()), unix.LOOP_SET_FD, int(f.Fd())); err != nil {
		return err
	}
	if err := unix.IoctlLoopSetStatus64(int(d.Fd()), &info); err != nil {
		unix.IoctlSetInt(int(d.Fd()), unix.LOOP_CLR_FD, 0)
		return err
	}
	return nil
}

func loopDetach(dev string) error {
	d, err := os.Open(dev)
	if err != nil {
		return errnoOf(err)
	}
	defer d.Close()
	return unix.IoctlSetInt(int(d.Fd()), unix.LOOP_CLR_FD, 0)
}

// loopQuery describes an attached device as BusyBox's query_loop:
// "OFFSET FILE".
func loopQuery(dev string) (string, error) {
	d, err := os.Open(dev)
	if err != nil {
		return "", errnoOf(err)
	}
	defer d.Close()
	info, err := unix.IoctlLoopGetStatus64(int(d.Fd()))
	if err != nil {
		return "", err
	}
	name := string(info.File_name[:])
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return fmt.Sprintf("%d %s", info.Offset, name), nil
}

// loopList prints every attached device, in number order.
func loopList(e *cmds.Env) error {
	entries, err := os.ReadDir("/dev")
	if err != nil {
		return err
	}
	var nums []int
	for _, en := range entries {
		if n, err := strconv.Atoi(strings.TrimPrefix(en.Name(), "loop")); err == nil && strings.HasPrefix(en.Name(), "loop") {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	w := e.BufOut()
	for _, n := range nums {
		dev := fmt.Sprintf("/dev/loop%d", n)
		if s, err := loopQuery(dev); err == nil {
			fmt.Fprintf(w, "%s: %s\n", dev, s)
		}
	}
	return w.Flush()
}
