package coreutils

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

// Helpers shared by the coreutils commands: ls and stat describe files
// alike, env and which search PATH alike.

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

// findInPath looks name up the way a shell does: names with a slash are
// taken as they are (relative to dir), others searched in the
// colon-separated list pathVar, where an empty entry means dir.
func findInPath(name, pathVar, dir string) (string, error) {
	abs := func(p string) string {
		if filepath.IsAbs(p) || dir == "" {
			return p
		}
		return filepath.Join(dir, p)
	}
	if strings.Contains(name, "/") {
		p := abs(name)
		return p, isExecutable(p)
	}
	for _, d := range filepath.SplitList(pathVar) {
		if d == "" {
			d = "."
		}
		p := abs(filepath.Join(d, name))
		if isExecutable(p) == nil {
			return p, nil
		}
	}
	return "", syscall.ENOENT
}

// isExecutable returns nil or the bare errno (ENOENT, EACCES, ...) that
// explains why p cannot be run.
func isExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	if fi.IsDir() {
		return syscall.EISDIR
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return syscall.EACCES
	}
	return nil
}
