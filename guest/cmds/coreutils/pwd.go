package coreutils

import (
	"errors"
	"fmt"
	"path/filepath"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "pwd", Usage: "[-LP]", Summary: "print the working directory", Run: pwd, Quick: true})

func pwd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	f.Bool('L', "logical", "print the directory as reached (default)")
	physical := f.Bool('P', "physical", "resolve symbolic links")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("too many arguments")
	}
	dir := e.Dir
	if dir == "" {
		return errors.New("working directory unknown")
	}
	if *physical {
		if dir, err = filepath.EvalSymlinks(dir); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintln(e.Stdout, dir)
	return err
}
