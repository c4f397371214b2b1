package initd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/fsprobe"
)

// deviceWait bounds the wait for a disk or share to show up: with
// distribution kernels its driver is a module loaded just before, and the
// device node or 9p channel may come a moment after. Devices that are
// there appear within milliseconds; this only delays a boot whose
// command line names a device the VM does not have.
const deviceWait = 2 * time.Second

// shareOptions are the 9p mount options. cache=mmap keeps no page cache
// for read and write, so what either side writes is seen by the other at
// once, yet still lets programs mmap files (and run binaries) from the
// share. msize is the largest a virtio ring carries in one request (128
// 4-KiB pages) with room for the header; QEMU's default 8 KiB is slow.
const shareOptions = "trans=virtio,version=9p2000.L,msize=512000,cache=mmap"

// mountStorage mounts the data disk (pidone.data) and 9p shares
// (pidone.share). Each failure is one line on the console; boot goes on
// without that mount.
func (in *initd) mountStorage() {
	if in.opts.Data != "" {
		if err := in.mountData(in.opts.Data); err != nil {
			in.logf("pidone.data=%s: %v", in.opts.Data, err)
		}
	}
	for _, s := range in.opts.Shares {
		if err := in.mountShare(s); err != nil {
			in.logf("pidone.share=%s: %v", s, err)
		}
	}
}

// mountData mounts spec (a device such as /dev/vda, or LABEL=x or UUID=x)
// on bootopts.DataDir, read-write with relatime, or read-only when the disk is.
func (in *initd) mountData(spec string) error {
	dev, info, err := findDevice(spec, deviceWait)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(bootopts.DataDir, 0o755); err != nil {
		return err
	}
	fstype := info.Type
	flags := uintptr(unix.MS_RELATIME)
	err = mountFS(dev, bootopts.DataDir, fstype, flags, "")
	if errors.Is(err, unix.ENODEV) && (fstype == "ext2" || fstype == "ext3") {
		fstype = "ext4" // whose driver mounts both
		err = mountFS(dev, bootopts.DataDir, fstype, flags, "")
	}
	if errors.Is(err, unix.EROFS) || errors.Is(err, unix.EACCES) {
		// A disk attached read-only (--disk FILE:ro).
		flags |= unix.MS_RDONLY
		if err = mountFS(dev, bootopts.DataDir, fstype, flags, ""); err == nil {
			in.logf("pidone.data=%s: the disk is read-only; %s is mounted read-only", spec, bootopts.DataDir)
		}
	}
	if err != nil {
		return mountError(err, dev, fstype)
	}
	in.debugf("mounted %s (%s, label %q) on %s", dev, fstype, info.Label, bootopts.DataDir)
	return nil
}

// findDevice waits up to wait for spec's device and identifies its
// filesystem.
func findDevice(spec string, wait time.Duration) (string, fsprobe.Info, error) {
	key, want, byTag := strings.Cut(spec, "=")
	byTag = byTag && (key == "LABEL" || key == "UUID")
	deadline := time.Now().Add(wait)
	for {
		if byTag {
			if dev, info, ok := findByTag(key, want); ok {
				return dev, info, nil
			}
		} else if _, err := os.Stat(spec); err == nil {
			info, err := probeDevice(spec)
			if errors.Is(err, fsprobe.ErrUnknown) {
				return "", info, fmt.Errorf("no filesystem found on %s (make one on the host with: pidone disk create FILE)", spec)
			}
			if err != nil {
				return "", info, err
			}
			return spec, info, nil
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if byTag {
		return "", fsprobe.Info{}, fmt.Errorf("no disk with %s (is the VM started with --disk or --root?)", spec)
	}
	return "", fsprobe.Info{}, errors.New("no such device (is the VM started with --disk or --root?)")
}

// findByTag looks through every block device and partition for a
// filesystem whose LABEL or UUID is want.
func findByTag(key, want string) (string, fsprobe.Info, bool) {
	var names []string
	disks, _ := os.ReadDir("/sys/block")
	for _, d := range disks {
		names = append(names, d.Name())
		parts, _ := filepath.Glob(filepath.Join("/sys/block", d.Name(), d.Name()+"*", "partition"))
		for _, p := range parts {
			names = append(names, filepath.Base(filepath.Dir(p)))
		}
	}
	for _, n := range names {
		dev := "/dev/" + n
		info, err := probeDevice(dev)
		if err != nil {
			continue
		}
		if (key == "LABEL" && info.Label == want) || (key == "UUID" && strings.EqualFold(info.UUID, want)) {
			return dev, info, true
		}
	}
	return "", fsprobe.Info{}, false
}

func probeDevice(dev string) (fsprobe.Info, error) {
	f, err := os.Open(dev)
	if err != nil {
		return fsprobe.Info{}, err
	}
	defer f.Close()
	return fsprobe.Probe(f)
}

// mountShare mounts a 9p share from the host.
func (in *initd) mountShare(s bootopts.Share) error {
	tag, dir := s.Tag, s.Dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	deadline := time.Now().Add(deviceWait)
	for {
		err := mountFS(tag, dir, "9p", 0, shareOptions)
		switch {
		case errors.Is(err, unix.ENODEV):
			var u unix.Utsname
			_ = unix.Uname(&u)
			if m, _ := filepath.Glob("/lib/modules/" + unix.ByteSliceToString(u.Release[:]) + "/kernel/fs/9p/9p.ko*"); len(m) > 0 {
				return errors.New("the kernel's 9p module is in the image but could not be loaded (see pidone.modules)")
			}
			return errors.New("this kernel has no 9p filesystem (Debian's cloud kernel lacks it); use the generic kernel: pidone kernel fetch --flavour generic, then pidone run --kernel PATH")
		case err == nil:
			in.debugf("mounted 9p share %s on %s", tag, dir)
			return nil
		case errors.Is(err, unix.ENOENT) && time.Now().Before(deadline):
			// The virtio channel is not there yet.
			time.Sleep(20 * time.Millisecond)
			continue
		case errors.Is(err, unix.ENOENT):
			return fmt.Errorf("no 9p share tagged %s (is the VM started with --share?)", tag)
		case errors.Is(err, unix.EINVAL):
			return fmt.Errorf("cannot mount 9p share %s on %s: the kernel refused it (is its 9pnet_virtio module loaded?)", tag, dir)
		}
		return mountError(err, tag, "9p")
	}
}

// mountFS is mount(2) that loads the filesystem's module when the kernel
// lacks it (ext4 and 9p are modules in Debian's generic kernel). The
// kernel asks /sbin/modprobe by itself once init has linked it; this does
// not depend on it.
func mountFS(src, dir, fstype string, flags uintptr, data string) error {
	err := unix.Mount(src, dir, fstype, flags, data)
	if errors.Is(err, unix.ENODEV) {
		loaded, lerr := loadFilesystem(fstype)
		switch {
		case lerr != nil:
			return lerr // not "no such filesystem": its module failed
		case loaded:
			err = unix.Mount(src, dir, fstype, flags, data)
		}
	}
	return err
}

// mountError says what mount(2)'s errno means for this mount.
func mountError(err error, src, fstype string) error {
	var fe *fsModuleError
	switch {
	case errors.As(err, &fe):
		return err
	case errors.Is(err, unix.ENODEV):
		return fmt.Errorf("the kernel has no %s filesystem, built in or among the image's modules (pidone run or build --modules auto,%s adds its module)", fstype, fstype)
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.EUCLEAN):
		return fmt.Errorf("cannot mount %s as %s: bad superblock or options (dmesg may say which)", src, fstype)
	case errors.Is(err, unix.EBUSY):
		return fmt.Errorf("%s is already mounted or busy", src)
	}
	return fmt.Errorf("mount %s (%s): %v", src, fstype, err)
}
