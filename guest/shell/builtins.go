package shell

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"mvdan.cc/sh/v3/interp"

	"pidone.dev/guest/cmds"
)

// builtin runs the shell's own builtins: the job-control ones that the
// interpreter leaves unimplemented, and help.
func (s *Shell) builtin(ctx context.Context, hc interp.HandlerContext, name string, args []string) error {
	fail := func(format string, a ...any) error {
		fmt.Fprintf(hc.Stderr, "sh: "+name+": "+format+"\n", a...)
		return interp.ExitStatus(1)
	}
	switch name {
	case "help", "kill", "echo":
		// The commands of the same names do the work; kill is procps',
		// linked wherever the whole set is (guest/cmds/all).
		c := cmds.Lookup(name)
		if c == nil {
			return fail("no %s command in this binary", name)
		}
		return s.inProcess(ctx, hc, c, append([]string{name}, args...))
	case "umask":
		return umask(hc, args)
	case "wait":
		return s.wait(ctx, hc, args)
	case "status":
		st, _ := strconv.Atoi(args[0])
		return exitStatus(st)
	}
	t := s.jobs
	if t == nil {
		return fail("no job control in this shell")
	}
	switch name {
	case "jobs":
		pids := len(args) > 0 && args[0] == "-l"
		t.print(hc.Stdout, pids)
		return nil
	case "fg", "bg":
		spec := ""
		if len(args) > 0 {
			spec = args[0]
		}
		j, err := t.find(spec)
		if err != nil {
			return fail("%v", err)
		}
		if name == "bg" {
			t.bgJob(j)
			return nil
		}
		st := t.fg(j)
		if st == 128+int(unix.SIGINT) {
			// The terminal echoed ^C; start the prompt on a new line.
			fmt.Fprintln(hc.Stderr)
		}
		if st != 0 {
			return interp.ExitStatus(uint8(st))
		}
		return nil
	}
	return fail("unknown builtin")
}

// umask prints or sets the shell's file mode creation mask, which every
// command it starts inherits.
func umask(hc interp.HandlerContext, args []string) error {
	if len(args) == 0 {
		m := unix.Umask(0)
		unix.Umask(m)
		fmt.Fprintf(hc.Stdout, "%04o\n", m)
		return nil
	}
	m, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil || m > 0o777 || len(args) > 1 {
		fmt.Fprintf(hc.Stderr, "sh: umask: %s: want an octal mask such as 022\n", strings.Join(args, " "))
		return interp.ExitStatus(1)
	}
	unix.Umask(int(m))
	return nil
}

// wait waits for the background statements whose $! is each of pids and
// returns the last one's exit status, as POSIX's wait does; 127 for a PID
// that is not one of them.
func (s *Shell) wait(ctx context.Context, hc interp.HandlerContext, pids []string) error {
	st := 0
	for _, arg := range pids {
		pid, _ := strconv.Atoi(arg)
		id, ok := s.bg.find(pid)
		if !ok {
			fmt.Fprintf(hc.Stderr, "sh: wait: pid %s is not a child of this shell\n", arg)
			st = 127
			continue
		}
		var done bool
		if st, done = s.bg.wait(ctx, id); !done {
			return ctx.Err()
		}
	}
	return exitStatus(st)
}

func exitStatus(st int) error {
	if st != 0 {
		return interp.ExitStatus(uint8(st))
	}
	return nil
}
