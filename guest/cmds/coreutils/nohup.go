package coreutils

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "nohup", Usage: "PROG [ARG]...", Summary: "run a program immune to hangups, its output to nohup.out", Run: nohup})

// isTTY reports whether a command's stdio stream is a terminal.
func isTTY(s any) bool {
	f, ok := s.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// nohup does what BusyBox's does: input from a terminal becomes
// /dev/null, output to a terminal goes to nohup.out (in the working
// directory, else in $HOME), errors to a terminal follow the output, and
// SIGHUP is ignored, which the program inherits.
func nohup(e *cmds.Env, args []string) error {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintf(e.Stderr, "nohup: missing PROG\nusage: nohup PROG [ARG]...\n")
		return cmds.ExitStatus(127) // POSIX's status for nohup's own errors
	}
	cmd, err := e.Program(args)
	if err != nil {
		return e.CannotRun(args[0], err)
	}
	if isTTY(e.Stdin) {
		devNull, err := os.Open(os.DevNull)
		if err != nil {
			return cmds.ExitStatus(127)
		}
		defer devNull.Close()
		cmd.Stdin = devNull
	}
	if isTTY(e.Stdout) {
		name := "nohup.out"
		out, err := os.OpenFile(e.Path(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil && e.Getenv("HOME") != "" {
			name = filepath.Join(e.Getenv("HOME"), name)
			out, err = os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		}
		if err != nil {
			e.Warn(err)
			return cmds.ExitStatus(127)
		}
		defer out.Close()
		fmt.Fprintf(e.Stderr, "nohup: appending output to %s\n", name)
		cmd.Stdout = out
	}
	if isTTY(e.Stderr) {
		cmd.Stderr = cmd.Stdout
	}
	// The program inherits an ignored SIGHUP through exec; a handled
	// one would be reset. We ignore it ourselves until the program ends:
	// a hangup must not take away the one who reports its status.
	wasIgnored := signal.Ignored(syscall.SIGHUP)
	signal.Ignore(syscall.SIGHUP)
	if !wasIgnored {
		defer signal.Reset(syscall.SIGHUP)
	}
	if err := cmd.Start(); err != nil {
		return e.CannotRun(args[0], err)
	}
	return cmds.ExitedWith(cmd, cmd.Wait())
}
