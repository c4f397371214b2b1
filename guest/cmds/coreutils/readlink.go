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

var _ = cmds.Register(&cmds.Cmd{Name: "readlink", Usage: "[-fem] [-nvsq] FILE...", Summary: "print a symbolic link's target or a canonical path", Run: readlink, Quick: true})

// How much of a path canonicalize needs to exist.
const (
	canonAllButLast = iota // readlink -f, realpath: all but the last element
	canonAll               // -e: every element
	canonNone              // -m: none
)

func readlink(e *cmds.Env, args []string) error {
	var f cmds.Flags
	follow := f.Bool('f', "canonicalize", "follow every link; all but the last element must exist")
	exist := f.Bool('e', "canonicalize-existing", "follow every link; every element must exist")
	missing := f.Bool('m', "canonicalize-missing", "follow every link; no element need exist")
	noNewline := f.Bool('n', "no-newline", "do not end the output with a newline")
	verbose := f.Bool('v', "verbose", "report errors")
	f.Bool('s', "silent", "report no errors (the default)")
	f.Bool('q', "quiet", "report no errors (the default)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	end := "\n"
	if *noNewline {
		end = ""
	}
	for _, op := range ops {
		var out string
		var err error
		switch {
		case *exist:
			out, err = canonicalize(e, op, canonAll)
		case *missing:
			out, err = canonicalize(e, op, canonNone)
		case *follow:
			out, err = canonicalize(e, op, canonAllButLast)
		default:
			if out, err = os.Readlink(e.Path(op)); errors.Is(err, syscall.EINVAL) {
				err = fmt.Errorf("%s: cannot read link: not a symlink", op)
			}
		}
		if err != nil {
			// Silent unless -v, as coreutils and BusyBox are.
			if *verbose {
				e.Warn(e.OpErr(err, op))
			}
			e.Fail()
			continue
		}
		fmt.Fprint(e.Stdout, out+end)
	}
	return nil
}

// canonicalize makes p absolute, without ".", ".." or symbolic links,
// as GNU's canonicalize_filename_mode does. BusyBox's readlink -f and
// realpath differ on two mistakes kept out here: a missing bare name
// ("readlink -f newfile") fails there, and a dangling relative link is
// resolved from the current directory rather than the link's.
func canonicalize(e *cmds.Env, p string, need int) (string, error) {
	if p == "" {
		return "", &fs.PathError{Op: "stat", Path: p, Err: syscall.ENOENT}
	}
	rest := p
	if !filepath.IsAbs(p) {
		rest = e.Path(".") + "/" + p
		if !filepath.IsAbs(rest) {
			wd, err := os.Getwd()
			if err != nil {
				return "", err
			}
			rest = wd + "/" + rest
		}
	}
	done := ""
	links := 0
	for rest != "" {
		var elem string
		elem, rest, _ = strings.Cut(rest, "/")
		switch elem {
		case "", ".":
			continue
		case "..":
			if i := strings.LastIndexByte(done, '/'); i >= 0 {
				done = done[:i]
			}
			continue
		}
		next := done + "/" + elem
		fi, err := os.Lstat(next)
		last := strings.Trim(rest, "/") == ""
		switch {
		case err != nil:
			if need == canonNone || (need == canonAllButLast && last && errors.Is(err, fs.ErrNotExist)) {
				done = next
				continue
			}
			return "", &fs.PathError{Op: "stat", Path: p, Err: errors.Unwrap(err)}
		case fi.Mode()&fs.ModeSymlink != 0:
			if links++; links > 40 {
				return "", &fs.PathError{Op: "stat", Path: p, Err: syscall.ELOOP}
			}
			target, err := os.Readlink(next)
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(target, "/") {
				done = ""
			}
			rest = target + "/" + rest
			continue
		case !fi.IsDir() && !last && need != canonNone:
			return "", &fs.PathError{Op: "stat", Path: p, Err: syscall.ENOTDIR}
		}
		done = next
	}
	if done == "" {
		return "/", nil
	}
	return done, nil
}
