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
	"unsafe"

	"golang.org/x/sys/unix"

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
	defaultSignals()
	os.Exit(run(os.Args))
}

// defaultSignals gives back to the kernel the signals whose default is to
// end the process but which Go's runtime catches and then ignores
// (SIGUSR1, SIGALRM, ...): kill -USR1 must end a script, a sleep or a
// pidone command as it ends any other program. It sets SIG_DFL with
// rt_sigaction itself, since os/signal cannot (Reset keeps the runtime's
// handler); no command may signal.Notify these signals after it. A
// zeroed struct sigaction is SIG_DFL with no flags on every
// architecture's layout.
func defaultSignals() {
	var act [64]byte
	for _, sig := range []unix.Signal{unix.SIGUSR1, unix.SIGUSR2, unix.SIGALRM, unix.SIGVTALRM, unix.SIGIO, unix.SIGPWR, unix.SIGXCPU, unix.SIGXFSZ} {
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	}
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
