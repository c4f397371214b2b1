package utillinux

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "chroot", Usage: "DIR [COMMAND [ARG]...]", Summary: "run a command (default: $SHELL -i) with DIR as its root", Run: chroot})

// chroot runs the command as a process whose root is DIR: the shell
// runs commands in-process, and its own root must not change. The
// command is found on PATH inside DIR, as chroot(2) then execvp would.
// Statuses as BusyBox's: 127 when the command is missing, 126 when it
// cannot run, 1 when DIR cannot be the root.
func chroot(e *cmds.Env, args []string) error {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return cmds.Usagef("missing DIR")
	}
	root := e.Path(args[0])
	argv := args[1:]
	if len(argv) == 0 {
		sh := e.Getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		argv = []string{sh, "-i"}
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		if err == nil {
			err = syscall.ENOTDIR
		}
		return fmt.Errorf("can't change root directory to '%s': %s", args[0], cmds.Message(errnoOf(err)))
	}
	// Look the program up under the new root, then name it as the
	// child will see it.
	var pathVar []string
	for _, d := range filepath.SplitList(e.Getenv("PATH")) {
		pathVar = append(pathVar, filepath.Join(root, "/", d))
	}
	name := argv[0]
	if strings.Contains(name, "/") {
		name = filepath.Join(root, "/", name)
	}
	path, err := cmds.LookPath(name, strings.Join(pathVar, ":"), "/")
	if err != nil {
		fmt.Fprintf(e.Stderr, "chroot: can't execute '%s': %s\n", argv[0], cmds.Message(err))
		if errors.Is(err, syscall.ENOENT) {
			return cmds.ExitStatus(127)
		}
		return cmds.ExitStatus(126)
	}
	rel, _ := filepath.Rel(root, path)
	cmd := exec.CommandContext(e.Context(), "/"+rel) // the path after chroot(2)
	cmd.Args, cmd.Env, cmd.Dir = argv, e.Environ, "/"
	cmd.Stdin, cmd.Stdout, cmd.Stderr = e.Stdin, e.Stdout, e.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	code, sig, err := cmds.ExitOf(err)
	switch {
	case err != nil:
		fmt.Fprintf(e.Stderr, "chroot: %s\n", cmds.Message(cmds.RootHint(err)))
		return cmds.ExitStatus(126)
	case sig != 0:
		return cmds.ExitStatus(128 + int(sig))
	case code != 0:
		return cmds.ExitStatus(code)
	}
	return nil
}

// errnoOf strips Go's "stat /full/path:" from err.
func errnoOf(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
