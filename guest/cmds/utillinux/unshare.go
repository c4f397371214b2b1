package utillinux

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "unshare", Usage: "[-muinpUfr] [--mount-proc[=DIR]] [PROG [ARG]...]", Summary: "run a program in new namespaces (mount, UTS, IPC, network, PID, user)", Run: unshare})

// mountProcEnv carries --mount-proc's directory to the helper that
// mounts it inside the new namespaces (see unshare); the helper takes
// it out of the environment before it runs the program.
const mountProcEnv = "PIDONE_UNSHARE_MOUNT_PROC"

// unshare runs PROG (the shell by default) in new namespaces, with
// BusyBox's options. In pidone commands run inside the shell's process,
// which must keep its own namespaces, so PROG is always a child created
// in them (clone with the namespace flags): it is as BusyBox's with -f,
// and with -p the program itself is PID 1 of the new PID namespace, with
// or without -f (BusyBox without -f leaves the program outside it and
// puts only its children in). -m makes every mount private first, as
// BusyBox's default --propagation private does. --mount-proc mounts a
// new proc at DIR (/proc) in the new mount namespace before the program
// starts: a copy of this binary, started as unshare in the namespaces,
// mounts it and then becomes the program.
func unshare(e *cmds.Env, args []string) error {
	if dir, ok := lookupEnv(e.Environ, mountProcEnv); ok {
		return unshareInner(e, dir, args)
	}
	var f cmds.Flags
	mnt := f.Bool('m', "mount", "new mount namespace")
	uts := f.Bool('u', "uts", "new UTS namespace (host name)")
	ipc := f.Bool('i', "ipc", "new System V IPC namespace")
	net := f.Bool('n', "net", "new network namespace")
	pid := f.Bool('p', "pid", "new PID namespace")
	user := f.Bool('U', "user", "new user namespace")
	f.Bool('f', "fork", "fork first (always done here)")
	root := f.Bool('r', "map-root-user", "map the current user to root (implies -U)")
	mountProc := f.Bool(0, "mount-proc", "mount a new /proc first (implies -m)")
	// --mount-proc=DIR, which Flags cannot take along with the plain form.
	procDir := ""
	for i, a := range args {
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
		if d, ok := strings.CutPrefix(a, "--mount-proc="); ok {
			procDir, args = d, append(append(args[:i:i], "--mount-proc"), args[i+1:]...)
			break
		}
	}
	argv, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *mountProc && procDir == "" {
		procDir = "/proc"
	}
	if procDir != "" {
		*mnt = true
	}
	if *root {
		*user = true
	}
	if len(argv) == 0 {
		sh := e.Getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		argv = []string{sh}
	}

	var clone, unshare uintptr
	for _, ns := range []struct {
		on   bool
		flag uintptr
	}{{*mnt, unix.CLONE_NEWNS}, {*uts, unix.CLONE_NEWUTS}, {*ipc, unix.CLONE_NEWIPC}, {*net, unix.CLONE_NEWNET}} {
		if ns.on {
			// As unshare(2) in the child, after which Go makes
			// every mount private when it is CLONE_NEWNS.
			unshare |= ns.flag
		}
	}
	if *pid {
		clone |= unix.CLONE_NEWPID
	}
	if *user {
		clone |= unix.CLONE_NEWUSER
	}
	cmd, err := e.Program(argv)
	if procDir != "" {
		self, serr := os.Executable()
		if serr != nil {
			return serr
		}
		if err != nil {
			return e.CannotRun(argv[0], err)
		}
		cmd.Path, cmd.Args = self, append([]string{"unshare"}, argv...)
		cmd.Env = append(append([]string(nil), e.Environ...), mountProcEnv+"="+procDir)
	} else if err != nil {
		return e.CannotRun(argv[0], err)
	}
	sys := &syscall.SysProcAttr{Cloneflags: clone, Unshareflags: unshare}
	if *root {
		sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		sys.GidMappingsEnableSetgroups = false // --setgroups deny, as -r implies
	}
	cmd.SysProcAttr = sys
	err = cmd.Run()
	if cmd.ProcessState == nil {
		return fmt.Errorf("can't start '%s': %s", argv[0], cmds.Message(unwrapExec(err)))
	}
	return cmds.ExitedWith(cmd, err)
}

// unshareInner is the helper --mount-proc starts inside the new
// namespaces: it mounts proc and becomes the program.
func unshareInner(e *cmds.Env, dir string, argv []string) error {
	env := make([]string, 0, len(e.Environ))
	for _, kv := range e.Environ {
		if !strings.HasPrefix(kv, mountProcEnv+"=") {
			env = append(env, kv)
		}
	}
	if err := unix.Mount("proc", dir, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount(%s, proc): %w", dir, err)
	}
	path, err := e.LookPath(argv[0])
	if err != nil {
		return e.CannotRun(argv[0], err)
	}
	return e.CannotRun(argv[0], syscall.Exec(path, argv, env))
}

func lookupEnv(environ []string, key string) (string, bool) {
	for i := len(environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(environ[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// unwrapExec is err without exec's "fork/exec PATH: ".
func unwrapExec(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return err
}
