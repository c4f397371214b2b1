// Command pidone-guest is the whole userland of a pidone system in one
// static binary: /init in the image, and every command in /bin as a link
// to it. What it does depends on how it is called: as PID 1 it is init,
// as sh the shell, as ls the ls command, and so on.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"pidone.dev/guest/cmds"
	_ "pidone.dev/guest/cmds/all"
	"pidone.dev/guest/initd"
	"pidone.dev/guest/shell"
)

func main() {
	// As PID 1 under its own names (the kernel runs "/init") it is init;
	// under another name, such as a user's "#!/bin/sh" init script run by
	// pidone.init=, it is that command.
	if os.Getpid() == 1 {
		switch filepath.Base(os.Args[0]) {
		case "init", "pidone-guest", "pidone":
			initd.Main()
			return
		}
	}
	os.Exit(run(os.Args))
}

func run(args []string) int {
	name := strings.TrimPrefix(filepath.Base(args[0]), "-")
	switch name {
	case "init", "pidone-guest", "pidone":
		if len(args) < 2 {
			fmt.Fprintf(os.Stderr, "%s: not PID 1; run a command as %s COMMAND [ARG]...\n", name, name)
			return 2
		}
		return run(args[1:])
	case "sh":
		return shell.Main(args, "/proc/self/exe")
	}
	c := cmds.Lookup(name)
	if c == nil {
		fmt.Fprintf(os.Stderr, "%s: command not found (help lists the commands)\n", name)
		return 127
	}
	dir, _ := os.Getwd()
	return c.Main(&cmds.Env{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Dir:     dir,
		Environ: os.Environ(),
	}, args[1:])
}
