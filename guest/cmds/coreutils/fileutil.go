package coreutils

import (
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

// Helpers shared by the coreutils commands: ls and stat describe files
// alike (env and which search PATH with cmds.LookPath).

// statFileType names the type of a raw st_mode as GNU stat's %F does.
func statFileType(m uint32, size int64) string {
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return "directory"
	case syscall.S_IFLNK:
		return "symbolic link"
	case syscall.S_IFCHR:
		return "character special file"
	case syscall.S_IFBLK:
		return "block special file"
	case syscall.S_IFIFO:
		return "fifo"
	case syscall.S_IFSOCK:
		return "socket"
	}
	if size == 0 {
		return "regular empty file"
	}
	return "regular file"
}

// devMajor and devMinor split a Linux dev_t.
func devMajor(d uint64) uint64 { return uint64(unix.Major(d)) }
func devMinor(d uint64) uint64 { return uint64(unix.Minor(d)) }

// ownerNames maps uids and gids to names from /etc/passwd and /etc/group,
// read once per command run: there is no libc and no NSS here.
type ownerNames struct {
	users, groups map[int]string
}

func (o *ownerNames) user(uid uint32) string {
	if o.users == nil {
		o.users = cmds.AccountNames(false)
	}
	if n, ok := o.users[int(uid)]; ok {
		return n
	}
	return strconv.FormatUint(uint64(uid), 10)
}

func (o *ownerNames) group(gid uint32) string {
	if o.groups == nil {
		o.groups = cmds.AccountNames(true)
	}
	if n, ok := o.groups[int(gid)]; ok {
		return n
	}
	return strconv.FormatUint(uint64(gid), 10)
}
