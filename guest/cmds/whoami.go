package cmds

import (
	"fmt"
	"os"
)

func init() {
	Register(&Cmd{Name: "whoami", Usage: "", Summary: "print the effective user's name", Run: whoami, Quick: true})
}

func whoami(e *Env, args []string) error {
	var f Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return Usagef("unexpected operand %s", ops[0])
	}
	uid := os.Geteuid()
	name, ok := sysNames(false)[uid]
	if !ok {
		return fmt.Errorf("cannot find name for user ID %d (no such user in /etc/passwd)", uid)
	}
	_, err = fmt.Fprintln(e.Stdout, name)
	return err
}
