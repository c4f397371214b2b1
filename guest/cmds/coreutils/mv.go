package coreutils

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "mv", Usage: "[-finTv] SOURCE... DEST | -t DIR SOURCE...", Summary: "move or rename files", Run: mv, Quick: true})

func mv(e *cmds.Env, args []string) error {
	var f cmds.Flags
	f.Bool('f', "force", "overwrite without asking (the default)")
	interactive := f.Bool('i', "interactive", "ask before overwriting")
	noClobber := f.Bool('n', "no-clobber", "do not overwrite existing files")
	verbose := f.Bool('v', "verbose", "report each move")
	var t targets
	t.flags(&f, "move")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	// The last of -f, -i and -n wins, as in BusyBox.
	switch lastLetter(args, "fin") {
	case 'f':
		*interactive, *noClobber = false, false
	case 'i':
		*noClobber = false
	}
	return t.each(e, ops, func(src, dst, dstShown string) error {
		p := e.Path(src)
		fi, err := os.Lstat(p)
		if err != nil {
			e.Warn(e.OpErr(err, src))
			return nil
		}
		if dfi, err := os.Lstat(dst); err == nil {
			switch {
			case os.SameFile(fi, dfi):
				e.Warnf("%s and %s are the same file", cmds.Quote(src), cmds.Quote(dstShown))
				return nil
			case *noClobber:
				return nil
			case *interactive && !ask(e, dstShown):
				return nil
			case dfi.IsDir() && !fi.IsDir():
				e.Warnf("cannot overwrite directory %s with non-directory", cmds.Quote(dstShown))
				return nil
			case !dfi.IsDir() && fi.IsDir():
				e.Warnf("cannot overwrite non-directory %s with directory %s", cmds.Quote(dstShown), cmds.Quote(src))
				return nil
			}
		}
		if fi.IsDir() && strings.HasPrefix(filepath.Clean(dst), filepath.Clean(p)+"/") {
			e.Warnf("cannot move %s to a subdirectory of itself, %s", cmds.Quote(src), cmds.Quote(dstShown))
			return nil
		}
		err = os.Rename(p, dst)
		if errors.Is(err, syscall.EXDEV) {
			return mvAcross(e, p, src, dst, dstShown, *verbose)
		}
		if err != nil {
			e.Warn(cmds.ShownErr(cmds.ShownErr(err, dst, dstShown), p, src))
			return nil
		}
		if *verbose {
			fmt.Fprintf(e.Stdout, "renamed %s -> %s\n", cmds.Quote(src), cmds.Quote(dstShown))
		}
		return nil
	})
}

// mvAcross moves between filesystems, where rename cannot: a full copy
// keeping everything, then removal of the source only if all was copied.
func mvAcross(e *cmds.Env, p, src, dst, dstShown string, verbose bool) error {
	if fi, err := os.Lstat(dst); err == nil && fi.IsDir() {
		// rename(2) would replace an empty directory; so does mv.
		if err := syscall.Rmdir(dst); err != nil {
			e.Warn(cmds.NamedErr(dstShown, err))
			return nil
		}
	}
	c := &copier{e: e, recursive: true, preserve: true, force: true}
	if err := c.copy(p, src, dst, dstShown, true); err != nil {
		return err
	}
	if c.failed {
		return nil
	}
	if err := os.RemoveAll(p); err != nil {
		e.Warn(cmds.ShownErr(err, p, src))
		return nil
	}
	if verbose {
		fmt.Fprintf(e.Stdout, "copied %s -> %s\nremoved %s\n", cmds.Quote(src), cmds.Quote(dstShown), cmds.Quote(src))
	}
	return nil
}

// lastLetter is the last of letters given as an option in args (options
// that take a value, -t and -S, are not looked into).
func lastLetter(args []string, letters string) byte {
	var last byte
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || len(a) < 2 || a[0] != '-' {
			break
		}
		if a[1] == '-' {
			if long := a[2:]; long != "" && strings.Contains(letters, long[:1]) && (long == "force" || long == "interactive" || long == "no-clobber") {
				last = long[0]
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			if c := a[j]; strings.IndexByte(letters, c) >= 0 {
				last = c
			} else if c == 't' || c == 'S' {
				if j == len(a)-1 {
					i++
				}
				break
			}
		}
	}
	return last
}
