package cmds

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Helpers for the commands that run other programs as processes (find
// -exec, xargs, chroot): finding them on PATH as the shell does, and
// reading how they ended.

// LookPath finds name the way a shell does: a name with a slash is
// taken as it is (relative to dir), others are searched in the
// colon-separated list pathVar, where an empty entry means dir. The
// error is the bare errno that explains the failure (ENOENT, EACCES,
// EISDIR), for messages like "xargs: nope: No such file or directory".
func LookPath(name, pathVar, dir string) (string, error) {
	abs := func(p string) string {
		if filepath.IsAbs(p) || dir == "" {
			return p
		}
		return filepath.Join(dir, p)
	}
	if strings.Contains(name, "/") {
		p := abs(name)
		return p, runnable(p)
	}
	err := error(syscall.ENOENT)
	for _, d := range filepath.SplitList(pathVar) {
		if d == "" {
			d = "."
		}
		p := abs(filepath.Join(d, name))
		switch e := runnable(p); {
		case e == nil:
			return p, nil
		case !errors.Is(e, syscall.ENOENT):
			err = e // a file of that name that cannot run says more than ENOENT
		}
	}
	return "", err
}

// runnable returns nil or the errno that keeps p from running.
func runnable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	if fi.IsDir() {
		return syscall.EACCES // what execve says, and the shells
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return syscall.EACCES
	}
	return nil
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
	cmd := exec.CommandContext(e.Context(), path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env, cmd.Dir = e.Environ, e.Dir
	cmd.Stdout, cmd.Stderr = e.Stdout, e.Stderr
	// A child that leaves a daemon holding our pipes would otherwise
	// keep the command waiting after the child exits.
	cmd.WaitDelay = time.Second
	return cmd, nil
}

// ExitOf reads what exec.Cmd's Run or Wait returned: the program's exit
// code, or the signal that killed it (code -1), or err itself when it
// says something else (the program did not start).
func ExitOf(err error) (code int, sig syscall.Signal, other error) {
	var xe *exec.ExitError
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay):
		return 0, 0, nil
	case errors.As(err, &xe):
		if ws, ok := xe.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, ws.Signal(), nil
		}
		return xe.ExitCode(), 0, nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // exec's "fork/exec /bin/x: " says nothing the caller does not
	}
	return -1, 0, err
}
