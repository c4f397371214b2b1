package cmds

// Running another program, for the commands that exist to run one
// (timeout, time, nice, nohup in coreutils; watch in procps; unshare in
// utillinux). They run it as a process of its own, never in-process: a
// signal, a niceness or a namespace must apply to it and not to the
// shell that runs them. pidone's own commands are found like any other,
// through PATH and the /bin links to the guest binary.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// defaultPath is where execvp looks when PATH is unset (glibc's
// confstr(_CS_PATH)), so that "env -i timeout 1 sleep 5" finds sleep.
const defaultPath = "/bin:/usr/bin"

// LookPath finds the program name as execvp does: a name with a slash is
// taken as it is (relative to the working directory), others are
// searched in $PATH (defaultPath when it is unset).
func (e *Env) LookPath(name string) (string, error) {
	pathVar := defaultPath
	for _, kv := range e.Environ {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathVar = v
		}
	}
	return LookPath(name, pathVar, e.Dir)
}

// Program prepares argv to run as a child process with the command's
// directory, environment and stdio. The error, if the program cannot be
// found, is for CannotRun.
func (e *Env) Program(argv []string) (*exec.Cmd, error) {
	path, err := e.LookPath(argv[0])
	if err != nil {
		return nil, err
	}
	return e.command(path, argv, e.Stdin), nil
}

// Command prepares argv to run as a process: the program found with
// LookPath on the command's PATH, in its directory, with its
// environment and its standard output and error. Standard input is the
// null device unless the caller sets cmd.Stdin: a command that reads
// its own input (xargs) must not hand it to its children. The error,
// when the program cannot be found, is LookPath's errno.
func (e *Env) Command(argv []string) (*exec.Cmd, error) {
	path, err := LookPath(argv[0], e.Getenv("PATH"), e.Dir)
	if err != nil {
		return nil, err
	}
	return e.command(path, argv, nil), nil
}

// command is path run as argv, ended with the command's context (the
// shell's Ctrl-C of an in-process command).
func (e *Env) command(path string, argv []string, stdin io.Reader) *exec.Cmd {
	cmd := exec.CommandContext(e.Context(), path, argv[1:]...)
	cmd.Args = argv
	cmd.Env, cmd.Dir = e.Environ, e.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, e.Stdout, e.Stderr
	// A child that leaves a daemon holding our pipes, or a stdin that
	// never ends, must not keep us waiting once it exits.
	cmd.WaitDelay = time.Second
	return cmd
}

// CannotRun reports a program that could not be found or started the
// way BusyBox does ("can't execute 'NAME': No such file or directory")
// and returns the exit status shells give for it: 127 when it does not
// exist, 126 otherwise.
func (e *Env) CannotRun(name string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		err = errno // without exec's "fork/exec PATH: "
	}
	fmt.Fprintf(e.Stderr, "%s: can't execute '%s': %s\n", e.name, name, Message(err))
	if errors.Is(err, fs.ErrNotExist) {
		return ExitStatus(127)
	}
	return ExitStatus(126)
}

// WaitStatus is the status a shell sees for a child that has ended: its
// exit code, or 128+N when signal N killed it. err is what Run or Wait
// returned; it is returned when the child never ran.
func WaitStatus(cmd *exec.Cmd, err error) (int, error) {
	ps := cmd.ProcessState
	if ps == nil {
		return 0, err
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ps.ExitCode(), nil
}

// ExitedWith is WaitStatus as a command's error: nil for status 0, an
// ExitStatus otherwise, for commands whose status is their child's.
func ExitedWith(cmd *exec.Cmd, err error) error {
	st, err := WaitStatus(cmd, err)
	if err != nil || st == 0 {
		return err
	}
	return ExitStatus(st)
}
