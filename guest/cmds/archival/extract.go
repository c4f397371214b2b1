package archival

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

// entry is a file read from an archive, tar's or cpio's.
type entry struct {
	name     string // relative to the extraction directory
	typ      uint32 // unix.S_IFREG, S_IFDIR, ...
	perm     uint32 // 07777
	uid, gid int
	mtime    int64
	link     string // a symlink's target, or the name a hard link links to
	hardlink bool
	rdev     uint64
}

// extractor makes files from entries the way BusyBox's
// data_extract_all does, for tar -x and cpio -i.
type extractor struct {
	e         *cmds.Env
	dir       string // where names are resolved; "" for e.Dir
	makeDirs  bool   // make missing leading directories
	unlinkOld bool   // replace what is there (tar's default, cpio -u)
	newerOnly bool   // keep what is there when it is as new (cpio's default)
	owners    bool   // restore owners, numerically (root's default)
	perms     bool   // restore permission bits
	times     bool   // restore modification times
	keepOld   bool   // tar -k: never replace
	deferred  []entry
}

func (x *extractor) path(name string) string {
	if x.dir != "" {
		return filepath.Join(x.dir, name)
	}
	return x.e.Path(name)
}

// extract makes en, with data for a regular file. Failures that BusyBox
// dies of are returned; lesser ones are reported and remembered.
func (x *extractor) extract(en *entry, data io.Reader) error {
	p := x.path(en.name)
	if x.makeDirs {
		if dir := filepath.Dir(en.name); dir != "." && dir != "/" {
			os.MkdirAll(x.path(dir), 0o777)
		}
	}
	if en.typ != unix.S_IFDIR {
		switch {
		case x.newerOnly && !x.unlinkOld:
			var st unix.Stat_t
			if unix.Lstat(p, &st) == nil {
				if int64(st.Mtim.Sec) >= en.mtime {
					fmt.Fprintf(x.e.Stderr, "%s: %s not created: newer or same age file exists\n", x.e.Name(), en.name)
					return nil
				}
				os.Remove(p)
			}
		case x.unlinkOld && !x.keepOld:
			if en.hardlink && en.link == en.name {
				return nil // "tar cf t.tar f f" stores f twice, the second a link to itself
			}
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				var pe *fs.PathError
				if errors.As(err, &pe) && errors.Is(pe.Err, unix.ENOTEMPTY) || errors.Is(err, unix.EEXIST) {
					break // a directory where a file goes: the create below says so
				}
				return fmt.Errorf("can't remove old file %s: %s", en.name, cmds.Message(errnoOf(err)))
			}
		}
	}
	// Hard links, and symlinks that point up or out, are made last, as
	// BusyBox does: a link made early could lead later entries out of
	// the directory.
	if en.hardlink || (en.typ == unix.S_IFLNK && (strings.HasPrefix(en.link, "/") || strings.Contains(en.link, ".."))) {
		x.deferred = append(x.deferred, *en)
		return nil
	}
	switch en.typ {
	case unix.S_IFREG:
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, os.FileMode(en.perm&0o777))
		if err != nil {
			return fmt.Errorf("can't open '%s': %s", en.name, cmds.Message(errnoOf(err)))
		}
		_, err = io.Copy(f, data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %s", en.name, cmds.Message(errnoOf(err)))
		}
	case unix.S_IFDIR:
		if err := unix.Mkdir(p, en.perm&0o7777); err != nil && err != unix.EEXIST {
			x.e.Warnf("can't make dir %s: %s", en.name, cmds.Message(err))
		}
	case unix.S_IFLNK:
		if err := os.Symlink(en.link, p); err != nil {
			return fmt.Errorf("can't create symlink '%s' to '%s': %s", en.name, en.link, cmds.Message(errnoOf(err)))
		}
		return nil // owners, modes and times are the target's
	case unix.S_IFCHR, unix.S_IFBLK, unix.S_IFIFO, unix.S_IFSOCK:
		if err := unix.Mknod(p, en.typ|en.perm&0o7777, int(en.rdev)); err != nil {
			x.e.Warnf("can't create node %s: %s", en.name, cmds.Message(err))
			return nil
		}
	default:
		return errors.New("unrecognized file type")
	}
	x.restore(en, p)
	return nil
}

// restore sets what the entry keeps besides its data.
func (x *extractor) restore(en *entry, p string) {
	if x.owners {
		os.Chown(p, en.uid, en.gid)
	}
	if x.perms {
		unix.Chmod(p, en.perm&0o7777) // past the umask, and after chown cleared set-id bits
	}
	if x.times {
		tv := []unix.Timeval{unix.NsecToTimeval(en.mtime * 1e9), unix.NsecToTimeval(en.mtime * 1e9)}
		unix.Utimes(p, tv)
	}
}

// finish makes the links put off until the end.
func (x *extractor) finish() error {
	for _, en := range x.deferred {
		p := x.path(en.name)
		if en.hardlink {
			if err := os.Link(x.path(en.link), p); err != nil {
				return fmt.Errorf("can't create hardlink '%s' to '%s': %s", en.name, en.link, cmds.Message(linkErrno(err)))
			}
			continue
		}
		if err := os.Symlink(en.link, p); err != nil {
			return fmt.Errorf("can't create symlink '%s' to '%s': %s", en.name, en.link, cmds.Message(linkErrno(err)))
		}
	}
	x.deferred = nil
	return nil
}

func linkErrno(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// stripUnsafe drops what would take a name out of the extraction
// directory: leading slashes and everything up to the last "../", as
// BusyBox's strip_unsafe_prefix does. It returns what it dropped.
func stripUnsafe(name string) (rest, dropped string) {
	cp := name
	for {
		if strings.HasPrefix(cp, "/") {
			cp = cp[1:]
			continue
		}
		if strings.HasPrefix(cp, "../") {
			cp = cp[3:]
			continue
		}
		i := strings.Index(cp, "/../")
		if i < 0 {
			break
		}
		cp = cp[i+4:]
	}
	if cp == ".." || strings.HasSuffix(cp, "/..") {
		cp = "" // not in BusyBox's, which lets "a/.." reach the parent
	}
	return cp, name[:len(name)-len(cp)]
}
