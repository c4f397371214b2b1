package coreutils

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "tty", Usage: "[-s]", Summary: "print the name of the terminal on standard input", Run: tty, Quick: true})

func tty(e *cmds.Env, args []string) error {
	var f cmds.Flags
	silent := f.Bool('s', "silent", "print nothing, only set the exit status")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	// A command run in-process may get the shell's reader rather than a
	// file; then its input is not a terminal of its own.
	name := ""
	if in, ok := e.Stdin.(*os.File); ok {
		if _, err := unix.IoctlGetTermios(int(in.Fd()), unix.TCGETS); err == nil {
			name, _ = os.Readlink("/proc/self/fd/" + strconv.Itoa(int(in.Fd())))
		}
	}
	if name == "" {
		if !*silent {
			fmt.Fprintln(e.Stdout, "not a tty")
		}
		return cmds.ExitStatus(1)
	}
	if !*silent {
		fmt.Fprintln(e.Stdout, name)
	}
	return nil
}
