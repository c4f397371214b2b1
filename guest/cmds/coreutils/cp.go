package coreutils

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "cp", Usage: "[-arPdLHpfinlsTuv] [--parents] SOURCE... DEST | -t DIR SOURCE...", Summary: "copy files and directories", Run: cp, Quick: true})

func cp(e *cmds.Env, args []string) error {
	var f cmds.Flags
	r := f.Bool('r', "recursive", "copy directories and their contents")
	R := f.Bool('R', "", "same as -r")
	archive := f.Bool('a', "archive", "same as -dpR")
	preserve := f.Bool('p', "preserve", "keep mode, owner and times")
	noDerefP := f.Bool('P', "no-dereference", "copy symlinks as symlinks (the default with -R)")
	noDerefD := f.Bool('d', "", "same as -P")
	deref := f.Bool('L', "dereference", "follow every symlink")
	derefTop := f.Bool('H', "", "follow the symlinks given as operands")
	force := f.Bool('f', "force", "replace destinations that cannot be opened")
	interactive := f.Bool('i', "interactive", "ask before overwriting")
	noClobber := f.Bool('n', "no-clobber", "do not overwrite existing files")
	hard := f.Bool('l', "link", "make hard links instead of copies")
	soft := f.Bool('s', "symbolic-link", "make symlinks instead of copies")
	update := f.Bool('u', "update", "copy only onto older files or none")
	verbose := f.Bool('v', "verbose", "report each file copied")
	var t targets
	t.flags(&f, "copy")
	parents := f.Bool(0, "parents", "copy to DIR/SOURCE, making SOURCE's directories")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *hard && *soft {
		return cmds.Usagef("-l and -s do not go together")
	}
	c := &copier{
		e:           e,
		recursive:   *r || *R || *archive,
		preserve:    *preserve || *archive,
		force:       *force,
		interactive: *interactive,
		noClobber:   *noClobber,
		hard:        *hard,
		soft:        *soft,
		update:      *update,
		verbose:     *verbose,
	}
	// As in BusyBox (and coreutils): symlinks are followed unless -d,
	// -P or -R says otherwise, and -L follows them even then; -H
	// follows only the operands.
	c.deref = !(*noDerefP || *noDerefD || c.recursive) || *deref
	c.derefTop = c.deref || *derefTop
	t.parents = *parents
	return t.each(e, ops, func(src, dst, dstShown string) error {
		return c.copy(e.Path(src), src, dst, dstShown, true)
	})
}

// targets is where cp and mv put their SOURCEs: "SOURCE DEST",
// "SOURCE... DIR", or -t DIR (-T: DEST is never a directory to copy
// into).
type targets struct {
	dir, noDir *bool
	dirName    *string
	parents    bool // --parents: DIR/SOURCE
}

func (t *targets) flags(f *cmds.Flags, verb string) {
	t.dirName = f.String('t', "target-directory", "", verb+" every SOURCE into DIR")
	t.noDir = f.Bool('T', "no-target-directory", "treat DEST as a file, never as a directory to "+verb+" into")
}

// each runs do for each SOURCE with its destination path (and how to
// show it).
func (t *targets) each(e *cmds.Env, ops []string, do func(src, dst, dstShown string) error) error {
	target := *t.dirName
	srcs := ops
	if target == "" {
		switch len(ops) {
		case 0:
			return cmds.Usagef("missing file operand")
		case 1:
			return cmds.Usagef("missing destination file operand after %s", cmds.Quote(ops[0]))
		}
		target, srcs = ops[len(ops)-1], ops[:len(ops)-1]
	} else if len(ops) == 0 {
		return cmds.Usagef("missing file operand")
	}
	fi, err := os.Stat(e.Path(target))
	isDir := err == nil && fi.IsDir()
	switch {
	case *t.noDir && len(srcs) > 1:
		return cmds.Usagef("extra operand %s", cmds.Quote(srcs[1]))
	case *t.noDir:
		isDir = false
	case *t.dirName != "" && !isDir, (len(srcs) > 1 || t.parents) && !isDir:
		return fmt.Errorf("target %s is not a directory", cmds.Quote(target))
	}
	for _, src := range srcs {
		if err := e.Context().Err(); err != nil {
			return err
		}
		dst, shown := e.Path(target), target
		switch {
		case t.parents:
			rel := strings.TrimLeft(src, "/")
			dst, shown = filepath.Join(dst, rel), strings.TrimSuffix(target, "/")+"/"+rel
			if err := os.MkdirAll(filepath.Dir(dst), 0o777); err != nil {
				e.Warn(cmds.ShownErr(err, filepath.Dir(dst), filepath.Dir(shown)))
				continue
			}
		case isDir:
			base := filepath.Base(strings.TrimRight(src, "/"))
			dst, shown = filepath.Join(dst, base), strings.TrimSuffix(target, "/")+"/"+base
		}
		if err := do(src, dst, shown); err != nil {
			return err
		}
	}
	return nil
}

// ask asks "cmd: overwrite 'x'? " and reads the answer from standard
// input, a byte at a time so as to leave the rest of it there.
func ask(e *cmds.Env, shown string) bool {
	fmt.Fprintf(e.Stderr, "%s: overwrite %s? ", e.Name(), cmds.Quote(shown))
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := e.Stdin.Read(b)
		if n == 1 && b[0] != '\n' {
			line = append(line, b[0])
			continue
		}
		if n == 1 || err != nil {
			break
		}
	}
	return len(line) > 0 && (line[0] == 'y' || line[0] == 'Y')
}

// copier copies one tree; mv uses it too when a rename crosses filesystems.
type copier struct {
	e                             *cmds.Env
	recursive, preserve           bool
	deref, derefTop               bool // follow symlinks; those given as operands
	force, interactive, noClobber bool
	hard, soft, update            bool // -l, -s, -u
	verbose                       bool
	failed                        bool                 // something could not be copied
	links                         map[[2]uint64]string // copies of files with several names
}

// warn reports what could not be copied and goes on.
func (c *copier) warn(err error) {
	c.e.Warn(err)
	c.failed = true
}

func (c *copier) warnf(format string, args ...any) { c.warn(fmt.Errorf(format, args...)) }

// copy copies src to dst, warning about what cannot be copied. It
// returns only errors that end the command (Ctrl-C).
func (c *copier) copy(src, srcShown, dst, dstShown string, top bool) error {
	if err := c.e.Context().Err(); err != nil {
		return err
	}
	stat := os.Lstat
	if c.deref || top && c.derefTop {
		stat = os.Stat
	}
	fi, err := stat(src)
	if err != nil {
		c.warn(cmds.ShownErr(err, src, srcShown))
		return nil
	}
	dfi, dstErr := os.Lstat(dst)
	exists := dstErr == nil
	if exists && cpSameFile(fi, dst, dfi) {
		c.warnf("%s and %s are the same file", cmds.Quote(srcShown), cmds.Quote(dstShown))
		return nil
	}
	if exists && !(fi.IsDir() && dfi.IsDir()) {
		switch {
		case c.noClobber:
			return nil
		case c.update && !fi.ModTime().After(dfi.ModTime()):
			return nil
		case c.interactive && !ask(c.e, dstShown):
			return nil
		}
	}
	m := fi.Mode()
	switch {
	case (c.hard || c.soft) && !m.IsDir():
		if exists {
			if err := os.Remove(dst); err != nil {
				c.warn(cmds.ShownErr(err, dst, dstShown))
				return nil
			}
		}
		if c.hard {
			err = os.Link(src, dst)
		} else {
			err = os.Symlink(srcShown, dst)
		}
		if err != nil {
			c.warn(cmds.ShownErr(cmds.ShownErr(err, dst, dstShown), src, srcShown))
		}
		return nil
	case m.IsDir():
		return c.dir(src, srcShown, dst, dstShown, fi, dfi, top)
	case exists && dfi.IsDir():
		c.warnf("cannot overwrite directory %s with non-directory", cmds.Quote(dstShown))
		return nil
	case m&fs.ModeSymlink != 0:
		err = c.symlink(src, dst, exists)
	case m.IsRegular() && !c.deref && c.linkAgain(fi, dst, exists):
		// Another name of a file copied already: linked to that copy.
	case m.IsRegular() || !c.recursive:
		// Without -r a device or fifo is read like a file ("cp /dev/null x").
		err = c.file(src, dst, fi, exists)
	case m&fs.ModeSocket != 0:
		c.warnf("%s: cannot copy a socket", srcShown)
		return nil
	default:
		err = c.special(dst, fi, exists)
	}
	if err != nil {
		c.warn(cmds.ShownErr(cmds.ShownErr(err, dst, dstShown), src, srcShown))
		return nil
	}
	c.done(dst, dstShown, fi)
	c.report(srcShown, dstShown)
	return nil
}

// linkAgain links dst to the copy of fi made already when fi is a
// file of several names, as BusyBox's cp does when it does not follow
// symlinks (-d, -P, -R, -a), and reports whether it did; else it notes
// dst as fi's copy.
func (c *copier) linkAgain(fi fs.FileInfo, dst string, exists bool) bool {
	st := cmds.RawStat(fi)
	if st.Nlink < 2 {
		return false
	}
	id := [2]uint64{st.Dev, st.Ino}
	if first, ok := c.links[id]; ok {
		if exists {
			os.Remove(dst)
		}
		if os.Link(first, dst) == nil {
			return true
		}
	}
	if c.links == nil {
		c.links = map[[2]uint64]string{}
	}
	c.links[id] = dst
	return false
}

// cpSameFile reports whether dst, or what it links to, is the source:
// writing it would truncate the source.
func cpSameFile(src fs.FileInfo, dst string, dfi fs.FileInfo) bool {
	if os.SameFile(src, dfi) {
		return true
	}
	tfi, err := os.Stat(dst)
	return err == nil && os.SameFile(src, tfi)
}

func (c *copier) report(srcShown, dstShown string) {
	if !c.verbose {
		return
	}
	fmt.Fprintf(c.e.Stdout, "%s -> %s\n", cmds.Quote(srcShown), cmds.Quote(dstShown))
}

func (c *copier) dir(src, srcShown, dst, dstShown string, fi, dfi fs.FileInfo, top bool) error {
	if !c.recursive {
		c.warnf("omitting directory %s", cmds.Quote(srcShown))
		return nil
	}
	if top {
		abs, absDst := filepath.Clean(src), filepath.Clean(dst)
		if absDst == abs || strings.HasPrefix(absDst, abs+"/") {
			c.warnf("cannot copy a directory, %s, into itself, %s", cmds.Quote(srcShown), cmds.Quote(dstShown))
			return nil
		}
	}
	switch {
	case dfi == nil:
		// Owner-only until filled: a read-only source would otherwise
		// produce a directory we cannot write into.
		if err := os.Mkdir(dst, 0o700); err != nil {
			c.warn(cmds.ShownErr(err, dst, dstShown))
			return nil
		}
		c.report(srcShown, dstShown)
	case !dfi.IsDir():
		c.warnf("cannot overwrite non-directory %s with directory %s", cmds.Quote(dstShown), cmds.Quote(srcShown))
		return nil
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		c.warn(cmds.ShownErr(err, src, srcShown))
	}
	for _, de := range ents {
		n := de.Name()
		subSrc, subDst := strings.TrimSuffix(srcShown, "/")+"/"+n, strings.TrimSuffix(dstShown, "/")+"/"+n
		if err := c.copy(filepath.Join(src, n), subSrc, filepath.Join(dst, n), subDst, false); err != nil {
			return err
		}
	}
	if dfi == nil || c.preserve {
		c.done(dst, dstShown, fi)
	}
	return nil
}

func (c *copier) file(src, dst string, fi fs.FileInfo, exists bool) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil && exists && c.force {
		if os.Remove(dst) == nil {
			exists = false
			out, err = os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		}
	}
	if err != nil {
		return err
	}
	// io.Copy between files uses copy_file_range: no bytes through us.
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if !exists && !c.preserve {
		// A new file gets the source's permissions, as with cp; an
		// existing one keeps its own.
		return os.Chmod(dst, fi.Mode().Perm())
	}
	return nil
}

func (c *copier) symlink(src, dst string, exists bool) error {
	target, err := os.Readlink(src)
	if err != nil {
		return err
	}
	if exists {
		if err := os.Remove(dst); err != nil {
			return err
		}
	}
	return os.Symlink(target, dst)
}

func (c *copier) special(dst string, fi fs.FileInfo, exists bool) error {
	if exists {
		if err := os.Remove(dst); err != nil {
			return err
		}
	}
	st := cmds.RawStat(fi)
	if err := unix.Mknod(dst, st.Mode, int(st.Rdev)); err != nil {
		return &fs.PathError{Op: "mknod", Path: dst, Err: err}
	}
	return nil
}

// done gives a copy its source's mode, and with -p its owner and times.
// Directories get theirs after their contents, so that copying into them
// was possible and their times stay.
func (c *copier) done(dst, dstShown string, fi fs.FileInfo) {
	st := cmds.RawStat(fi)
	isLink := fi.Mode()&fs.ModeSymlink != 0
	if c.preserve {
		// Owners first: chown clears the set-id bits chmod then restores.
		if err := os.Lchown(dst, int(st.Uid), int(st.Gid)); err != nil && !errors.Is(err, fs.ErrPermission) {
			c.warn(cmds.ShownErr(err, dst, dstShown))
		}
	}
	if !isLink && (fi.IsDir() || c.preserve) {
		mode := st.Mode & 0o777
		if c.preserve {
			mode = st.Mode & 0o7777
		}
		if err := syscall.Chmod(dst, mode); err != nil {
			c.warn(cmds.NamedErr(dstShown, err))
		}
	}
	if c.preserve {
		ts := []unix.Timespec{unix.NsecToTimespec(syscall.TimespecToNsec(st.Atim)), unix.NsecToTimespec(syscall.TimespecToNsec(st.Mtim))}
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, dst, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			c.warn(cmds.NamedErr(dstShown, err))
		}
	}
}
