package coreutils

import (
	"fmt"
	"os"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "whoami", Usage: "", Summary: "print the effective user's name", Run: whoami, Quick: true})

func whoami(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	uid := os.Geteuid()
	name, ok := cmds.AccountNames(false)[uid]
	if !ok {
		return fmt.Errorf("cannot find name for user ID %d (no such user in /etc/passwd)", uid)
	}
	_, err = fmt.Fprintln(e.Stdout, name)
	return err
}
