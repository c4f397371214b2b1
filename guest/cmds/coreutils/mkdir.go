package coreutils

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "mkdir", Usage: "[-pv] [-m MODE] DIR...", Summary: "make directories", Run: mkdir, Quick: true})

func mkdir(e *cmds.Env, args []string) error {
	var f cmds.Flags
	parents := f.Bool('p', "parents", "make parents as needed; no error if existing")
	verbose := f.Bool('v', "verbose", "report each directory made")
	modeArg := f.String('m', "mode", "", "permissions, as for chmod, from a=rwx")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	var mode uint32
	if *modeArg != "" {
		spec, err := parseChmod(*modeArg)
		if err != nil {
			return err
		}
		mode = spec.apply(0777, true, processUmask())
	}
	made := func(shown string) {
		if *verbose {
			fmt.Fprintf(e.Stdout, "mkdir: created directory %s\n", cmds.Quote(shown))
		}
	}
	for _, op := range ops {
		p := e.Path(op)
		var err error
		if *parents {
			err = mkdirParents(p, func(dir string) {
				if r, err := filepath.Rel(e.Dir, dir); err == nil && !filepath.IsAbs(op) {
					dir = r
				}
				made(dir)
			})
		} else if err = os.Mkdir(p, 0777); err == nil {
			made(op)
		}
		if err == nil && *modeArg != "" {
			// Mkdir's mode passes through the umask; -m means exactly MODE.
			err = syscall.Chmod(p, mode)
			if err != nil {
				err = &fs.PathError{Op: "chmod", Path: p, Err: err}
			}
		}
		if err != nil {
			e.Warn(e.OpErr(err, op))
		}
	}
	return nil
}

// mkdirParents is os.MkdirAll that reports each directory it makes.
func mkdirParents(p string, made func(string)) error {
	var missing []string
	for dir := filepath.Clean(p); ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, dir)
		if dir == filepath.Dir(dir) {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0777); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		} else if err == nil {
			made(missing[i])
		}
	}
	return nil
}
