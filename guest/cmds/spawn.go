package cmds

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// Helpers for the commands that run other programs as processes (find
// -exec, xargs, chroot): finding them on PATH as the shell does, and
// reading how they ended. exec.go has the rest: running them with the
// command's directory, environment and stdio.

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
		return p, Runnable(p)
	}
	err := error(syscall.ENOENT)
	for _, d := range filepath.SplitList(pathVar) {
		if d == "" {
			d = "."
		}
		p := abs(filepath.Join(d, name))
		switch e := Runnable(p); {
		case e == nil:
			return p, nil
		case !errors.Is(e, syscall.ENOENT):
			err = e // a file of that name that cannot run says more than ENOENT
		}
	}
	return "", err
}

// Runnable returns nil or the bare errno (ENOENT, EACCES) that keeps p
// from running.
func Runnable(p string) error {
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
