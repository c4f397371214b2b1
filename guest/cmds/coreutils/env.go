package coreutils

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "env", Usage: "[-i0] [-u NAME]... [-C DIR] [NAME=VALUE]... [COMMAND [ARG]...]", Summary: "print the environment or run a command in a changed one", Run: env})

func env(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ignore := f.Bool('i', "ignore-environment", "start with an empty environment")
	unset := f.Strings('u', "unset", "remove NAME from the environment")
	null := f.Bool('0', "null", "end each printed variable with NUL, not newline")
	chdir := f.String('C', "chdir", "", "run COMMAND in DIR")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 && ops[0] == "-" { // the old spelling of -i
		*ignore, ops = true, ops[1:]
	}
	var vars []string
	if !*ignore {
		vars = append(vars, e.Environ...)
	}
	for _, name := range *unset {
		vars = envSet(vars, name, "", false)
	}
	for len(ops) > 0 && strings.Contains(ops[0], "=") {
		name, value, _ := strings.Cut(ops[0], "=")
		if name == "" {
			return fmt.Errorf("cannot set %s: Invalid argument", cmds.Quote(ops[0]))
		}
		vars, ops = envSet(vars, name, value, true), ops[1:]
	}
	if len(ops) == 0 {
		end := "\n"
		if *null {
			end = "\x00"
		}
		w := e.BufOut()
		for _, v := range vars {
			w.WriteString(v + end)
		}
		return w.Flush()
	}
	dir := e.Dir
	if *chdir != "" {
		dir = e.Path(*chdir)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			if err == nil {
				err = cmds.NamedErr(*chdir, syscall.ENOTDIR)
			}
			fmt.Fprintf(e.Stderr, "env: cannot change directory to %s\n", cmds.Message(e.OpErr(err, *chdir)))
			return cmds.ExitStatus(125)
		}
	}
	sub := &cmds.Env{Ctx: e.Ctx, Stdin: e.Stdin, Stdout: e.Stdout, Stderr: e.Stderr, Dir: dir, Environ: vars}
	if c := cmds.Lookup(ops[0]); c != nil {
		if st := c.Main(sub, ops[1:]); st != 0 {
			return cmds.ExitStatus(st)
		}
		return nil
	}
	return envExec(e, sub, ops)
}

// envSet sets (or with set false, removes) name in vars.
func envSet(vars []string, name, value string, set bool) []string {
	out := vars[:0:0]
	for _, v := range vars {
		if k, _, _ := strings.Cut(v, "="); k != name {
			out = append(out, v)
		}
	}
	if set {
		out = append(out, name+"="+value)
	}
	return out
}

// envExec runs a program that is not one of ours, with the new
// environment's PATH, as env(1) does.
func envExec(e, sub *cmds.Env, argv []string) error {
	// Without PATH, the C library's execvp searches /bin and /usr/bin.
	pathVar := "/bin:/usr/bin"
	for _, kv := range sub.Environ {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathVar = v
		}
	}
	path, err := cmds.LookPath(argv[0], pathVar, sub.Dir)
	if err != nil {
		fmt.Fprintf(e.Stderr, "env: %s: %s\n", cmds.Quote(argv[0]), cmds.Message(err))
		if errors.Is(err, fs.ErrNotExist) {
			return cmds.ExitStatus(127)
		}
		return cmds.ExitStatus(126)
	}
	cmd := exec.CommandContext(e.Context(), path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env, cmd.Dir = sub.Environ, sub.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = sub.Stdin, sub.Stdout, sub.Stderr
	// Without this a child that leaves a daemon holding our pipes, or a
	// stdin that never ends, would keep env waiting after the child exits.
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	var xe *exec.ExitError
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay):
		return nil
	case errors.As(err, &xe):
		if ws, ok := xe.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return cmds.ExitStatus(128 + int(ws.Signal()))
		}
		return cmds.ExitStatus(xe.ExitCode())
	}
	fmt.Fprintf(e.Stderr, "env: %s: %s\n", cmds.Quote(argv[0]), cmds.Message(err))
	return cmds.ExitStatus(126)
}
