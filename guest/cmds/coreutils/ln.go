package coreutils

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "ln", Usage: "[-sfnv] TARGET [LINK] | TARGET... DIR", Summary: "make links", Run: ln, Quick: true})

func ln(e *cmds.Env, args []string) error {
	var f cmds.Flags
	symbolic := f.Bool('s', "symbolic", "make symbolic links")
	force := f.Bool('f', "force", "replace existing files")
	noDeref := f.Bool('n', "no-dereference", "treat a LINK that is a symlink to a directory as a file")
	verbose := f.Bool('v', "verbose", "report each link")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	switch len(ops) {
	case 0:
		return cmds.Usagef("missing file operand")
	case 1:
		ops = append(ops, ".")
	}
	last := ops[len(ops)-1]
	stat := os.Stat
	if *noDeref {
		stat = os.Lstat
	}
	fi, err := stat(e.Path(last))
	intoDir := err == nil && fi.IsDir()
	if len(ops) > 2 && !intoDir {
		return fmt.Errorf("target %s is not a directory", cmds.Quote(last))
	}
	for _, target := range ops[:len(ops)-1] {
		link := last
		if intoDir {
			link = strings.TrimSuffix(last, "/") + "/" + filepath.Base(strings.TrimRight(target, "/"))
		}
		p := e.Path(link)
		if *force {
			if fi, err := os.Lstat(p); err == nil && !fi.IsDir() {
				if err := os.Remove(p); err != nil {
					e.Warn(e.OpErr(err, link))
					continue
				}
			}
		}
		if *symbolic {
			// The target is stored as typed: it is resolved from the
			// link's directory when used, not from ours.
			err = os.Symlink(target, p)
		} else {
			err = os.Link(e.Path(target), p)
		}
		if err != nil {
			var le *os.LinkError
			if errors.As(err, &le) {
				// "ln: b: File exists" names the one that is at fault.
				name := link
				if errors.Is(le.Err, fs.ErrNotExist) && !*symbolic {
					name = target
				}
				err = cmds.NamedErr(name, le.Err)
			}
			e.Warn(err)
			continue
		}
		if *verbose {
			fmt.Fprintf(e.Stdout, "%s -> %s\n", cmds.Quote(link), cmds.Quote(target))
		}
	}
	return nil
}
