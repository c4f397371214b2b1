package coreutils

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "rm", Usage: "[-frRdv] FILE...", Summary: "remove files or directories", Run: rm, Quick: true})

func rm(e *cmds.Env, args []string) error {
	var f cmds.Flags
	force := f.Bool('f', "force", "ignore missing files, never complain")
	r := f.Bool('r', "recursive", "remove directories and their contents")
	R := f.Bool('R', "", "same as -r")
	emptyDirs := f.Bool('d', "dir", "remove empty directories")
	verbose := f.Bool('v', "verbose", "report each removal")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 && !*force {
		return cmds.Usagef("missing operand")
	}
	rmv := &remover{e: e, verbose: *verbose}
	for _, op := range ops {
		if err := e.Context().Err(); err != nil {
			return err
		}
		p := e.Path(op)
		if why := rmRefusal(p, op); why != "" {
			e.Warnf("%s: %s", op, why)
			continue
		}
		fi, err := os.Lstat(p)
		if err != nil {
			if !*force || !errors.Is(err, fs.ErrNotExist) {
				e.Warn(e.OpErr(err, op))
			}
			continue
		}
		switch {
		case !fi.IsDir():
			rmv.remove(p, op, false)
		case *r || *R:
			if err := rmv.tree(p, op); err != nil {
				return err
			}
		case *emptyDirs:
			rmv.remove(p, op, true)
		default:
			e.Warn(cmds.NamedErr(op, syscall.EISDIR))
		}
	}
	return nil
}

// rmRefusal says why rm will not touch an operand: "/" in any spelling,
// and "." or ".." whose removal would pull the floor from under the shell.
func rmRefusal(path, op string) string {
	last := filepath.Base(strings.TrimRight(op, "/"))
	switch {
	case filepath.Clean(path) == "/":
		return "refusing to remove the root directory"
	case last == "." || last == "..":
		return "refusing to remove '.' or '..'"
	}
	return ""
}

type remover struct {
	e       *cmds.Env
	verbose bool
}

func (r *remover) remove(p, shown string, dir bool) bool {
	var err error
	if dir {
		err = syscall.Rmdir(p)
	} else {
		err = syscall.Unlink(p)
	}
	if err != nil {
		r.e.Warn(cmds.NamedErr(shown, err))
		return false
	}
	if r.verbose {
		what := "removed"
		if dir {
			what = "removed directory"
		}
		fmt.Fprintf(r.e.Stdout, "%s %s\n", what, cmds.Quote(shown))
	}
	return true
}

// tree removes a directory depth first. Unlike os.RemoveAll it names
// each removal for -v and stops on Ctrl-C.
func (r *remover) tree(p, shown string) error {
	if err := r.e.Context().Err(); err != nil {
		return err
	}
	ents, err := os.ReadDir(p)
	if err != nil && len(ents) == 0 {
		r.e.Warn(cmds.ShownErr(err, p, shown))
		return nil
	}
	for _, de := range ents {
		sub, subShown := filepath.Join(p, de.Name()), strings.TrimSuffix(shown, "/")+"/"+de.Name()
		if de.IsDir() {
			if err := r.tree(sub, subShown); err != nil {
				return err
			}
			continue
		}
		r.remove(sub, subShown, false)
	}
	r.remove(p, shown, true)
	return nil
}
