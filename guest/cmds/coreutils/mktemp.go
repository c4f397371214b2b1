package coreutils

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "mktemp", Usage: "[-dqtu] [-p DIR] [TEMPLATE]", Summary: "make a file or directory with a unique name", Run: mktemp, Quick: true})

// mktemp follows BusyBox's: TEMPLATE ends in six X's, which are replaced
// (default tmp.XXXXXX under $TMPDIR or /tmp), -t and -p put it under
// that directory, and the name made is printed as built.
func mktemp(e *cmds.Env, args []string) error {
	var f cmds.Flags
	dirMode := f.Bool('d', "directory", "make a directory, not a file")
	quiet := f.Bool('q', "quiet", "fail without a message")
	tmpdir := f.Bool('t', "", "put TEMPLATE under $TMPDIR, else /tmp")
	parent := f.String('p', "tmpdir", "", "put TEMPLATE under DIR")
	dryRun := f.Bool('u', "dry-run", "make nothing, only print a name (unsafe)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 1 {
		return cmds.Usagef("too many templates")
	}
	dir := e.Getenv("TMPDIR")
	if dir == "" {
		dir = "/tmp"
	}
	if *parent != "" {
		dir = *parent
	}
	template := "tmp.XXXXXX"
	if len(ops) == 1 {
		template = ops[0]
	} else {
		*tmpdir = true
	}
	if *tmpdir || *parent != "" {
		template = strings.TrimSuffix(dir, "/") + "/" + template
	}
	name, err := mktempMake(e, template, *dirMode, *dryRun)
	if err != nil {
		if *quiet {
			return cmds.ExitStatus(1)
		}
		return err
	}
	fmt.Fprintln(e.Stdout, name)
	return nil
}

// mktempMake fills the X's with random letters and digits and makes the
// file (0600) or directory (0700), trying again on a name taken.
func mktempMake(e *cmds.Env, template string, dir, dryRun bool) (string, error) {
	// The last six X's, as the C library's mkstemp takes them.
	const n = 6
	if !strings.HasSuffix(template, "XXXXXX") {
		return "", cmds.NamedErr(template, syscall.EINVAL)
	}
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte(template)
	for try := 0; try < 100; try++ {
		rand.Read(b[len(b)-n:])
		for i := len(b) - n; i < len(b); i++ {
			b[i] = letters[int(b[i])%len(letters)]
		}
		name := string(b)
		p := e.Path(name)
		var err error
		switch {
		case dryRun:
			if _, err = os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
				return name, nil
			} else if err == nil {
				err = fs.ErrExist
			}
		case dir:
			err = os.Mkdir(p, 0o700)
		default:
			var f *os.File
			if f, err = os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
				f.Close()
			}
		}
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", e.OpErr(err, name)
		}
	}
	return "", cmds.NamedErr(template, syscall.EEXIST)
}
