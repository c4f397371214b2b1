package cmds

import (
	"fmt"
	"strings"
)

var _ = Register(&Cmd{Name: "help", Usage: "[COMMAND]...", Summary: "list the commands, or show how to use one", Run: help, Quick: true})

// ShellBuiltins are what pidone's shell does itself; help lists them and
// the shell completes them. They live here because the shell imports this
// package, not the other way round.
var ShellBuiltins = []string{
	"alias", "bg", "cd", "command", "declare", "echo", "eval", "exec", "exit",
	"export", "fg", "getopts", "jobs", "kill", "local", "printf", "pwd", "read",
	"readonly", "return", "set", "shift", "source", "test", "trap", "type",
	"umask", "unalias", "unset", "wait",
}

func help(e *Env, args []string) error {
	var f Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	w := e.BufOut()
	defer w.Flush()
	if len(ops) == 0 {
		all := All()
		width := 0
		for _, c := range all {
			width = max(width, len(c.Name))
		}
		for _, c := range all {
			fmt.Fprintf(w, "  %-*s  %s\n", width, c.Name, c.Summary)
		}
		fmt.Fprintf(w, "\n%s are shell builtins.\n\"help NAME\" shows how to use a command.\n", strings.Join(ShellBuiltins, ", "))
		return w.Flush()
	}
	for _, name := range ops {
		c := Lookup(name)
		switch {
		case c != nil:
			usage := "usage: " + c.Name
			if c.Usage != "" {
				usage += " " + c.Usage
			}
			fmt.Fprintf(w, "%s\n%s\n", usage, c.Summary)
		case isHelpBuiltin(name):
			fmt.Fprintf(w, "%s is a shell builtin\n", name)
		default:
			w.Flush()
			e.Warnf("%s: no such command", name)
		}
	}
	return w.Flush()
}

func isHelpBuiltin(name string) bool {
	for _, b := range ShellBuiltins {
		if b == name {
			return true
		}
	}
	return false
}
