package cmds

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

func init() {
	Register(&Cmd{Name: "mv", Usage: "[-fnv] SOURCE... DEST", Summary: "move or rename files", Run: mv, Quick: true})
}

func mv(e *Env, args []string) error {
	var f Flags
	f.Bool('f', "force", "overwrite without asking (the default)")
	noClobber := f.Bool('n', "no-clobber", "do not overwrite existing files")
	verbose := f.Bool('v', "verbose", "report each move")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	return eachTarget(e, ops, func(src, dst, dstShown string) error {
		p := e.Path(src)
		fi, err := os.Lstat(p)
		if err != nil {
			e.Warn(opErr(e, err, src))
			return nil
		}
		if dfi, err := os.Lstat(dst); err == nil {
			switch {
			case os.SameFile(fi, dfi):
				e.Warnf("%s and %s are the same file", squote(src), squote(dstShown))
				return nil
			case *noClobber:
				return nil
			case dfi.IsDir() && !fi.IsDir():
				e.Warnf("cannot overwrite directory %s with non-directory", squote(dstShown))
				return nil
			case !dfi.IsDir() && fi.IsDir():
				e.Warnf("cannot overwrite non-directory %s with directory %s", squote(dstShown), squote(src))
				return nil
			}
		}
		if fi.IsDir() && strings.HasPrefix(filepath.Clean(dst), filepath.Clean(p)+"/") {
			e.Warnf("cannot move %s to a subdirectory of itself, %s", squote(src), squote(dstShown))
			return nil
		}
		err = os.Rename(p, dst)
		if errors.Is(err, syscall.EXDEV) {
			return mvAcross(e, p, src, dst, dstShown, *verbose)
		}
		if err != nil {
			e.Warn(shownErr(shownErr(err, dst, dstShown), p, src))
			return nil
		}
		if *verbose {
			fmt.Fprintf(e.Stdout, "renamed %s -> %s\n", squote(src), squote(dstShown))
		}
		return nil
	})
}

// mvAcross moves between filesystems, where rename cannot: a full copy
// keeping everything, then removal of the source only if all was copied.
func mvAcross(e *Env, p, src, dst, dstShown string, verbose bool) error {
	if fi, err := os.Lstat(dst); err == nil && fi.IsDir() {
		// rename(2) would replace an empty directory; so does mv.
		if err := syscall.Rmdir(dst); err != nil {
			e.Warn(namedErr(dstShown, err))
			return nil
		}
	}
	failedBefore := e.failed
	e.failed = false
	c := &copier{e: e, recursive: true, preserve: true, noDeref: true, force: true}
	if err := c.copy(p, src, dst, dstShown, true); err != nil {
		return err
	}
	copied := !e.failed
	e.failed = e.failed || failedBefore
	if !copied {
		return nil
	}
	if err := os.RemoveAll(p); err != nil {
		e.Warn(shownErr(err, p, src))
		return nil
	}
	if verbose {
		fmt.Fprintf(e.Stdout, "copied %s -> %s\nremoved %s\n", squote(src), squote(dstShown), squote(src))
	}
	return nil
}
