package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"

	"pidone.dev/guest/cmds"
)

// builtinPrefix marks the shell's own builtins (jobs, fg, bg): the call
// handler renames them so that the interpreter, which knows the names but
// does not implement them, passes them to the exec handler instead.
const builtinPrefix = "\x00"

// call runs before every simple command, builtins included.
func (s *Shell) call(ctx context.Context, args []string) ([]string, error) {
	switch args[0] {
	case bgStart:
		return []string{"echo", strconv.Itoa(s.bg.add())}, nil
	case bgEnd:
		hc := interp.HandlerCtx(ctx)
		st := hc.LastExitStatus
		s.bg.update(bgID(hc.Env), func(j *bgJob) { j.done, j.status = true, st })
		// The statement's status stays cmd's, for the interpreter's
		// own "wait g1".
		return []string{builtinPrefix + "status", strconv.Itoa(st)}, nil
	case bgPID:
		id, err := strconv.Atoi(interp.HandlerCtx(ctx).Env.Get(bgIDVar).String())
		if err != nil {
			return []string{"true"}, nil // no background job yet: $! is empty
		}
		return []string{"echo", strconv.Itoa(s.bg.pid(ctx, id))}, nil
	case "wait":
		if ownsWait(args[1:]) {
			return append([]string{builtinPrefix + "wait"}, args[1:]...), nil
		}
	case "jobs", "fg", "bg":
		return append([]string{builtinPrefix + args[0]}, args[1:]...), nil
	case "help":
		// The interpreter's help knows only builtins; pidone's knows all.
		if len(args) == 1 || !interp.IsBuiltin(args[1]) {
			return append([]string{builtinPrefix + "help"}, args[1:]...), nil
		}
	case "kill":
		// The interpreter knows kill but does not implement it; pidone's
		// kill does, once job specs (%1) are turned into process groups.
		if s.jobs != nil {
			args = s.killJobSpecs(args)
		}
		return append([]string{builtinPrefix + "kill"}, args[1:]...), nil
	case "umask":
		return append([]string{builtinPrefix + "umask"}, args[1:]...), nil
	case "echo":
		// pidone's echo is BusyBox's (-ne together, \c, \0NNN and \NNN);
		// the interpreter's takes its options one a word.
		if cmds.Lookup("echo") != nil {
			return append([]string{builtinPrefix + "echo"}, args[1:]...), nil
		}
	}
	return args, nil
}

// killJobSpecs turns "kill %1" into "kill -- -PGID".
func (s *Shell) killJobSpecs(args []string) []string {
	out := []string{args[0]}
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "%") {
			if j, err := s.jobs.find(a); err == nil {
				a = fmt.Sprintf("-%d", j.pgid)
				if len(out) == 1 || out[len(out)-1] != "--" {
					out = append(out, "--")
				}
			}
		}
		out = append(out, a)
	}
	return out
}

var self = sync.OnceValue(func() os.FileInfo {
	fi, _ := os.Stat("/proc/self/exe")
	return fi
})

// exec runs every simple command that is not a shell builtin or function.
func (s *Shell) exec(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	name := args[0]
	if b, ok := strings.CutPrefix(name, builtinPrefix); ok {
		return s.builtin(ctx, hc, b, args[1:])
	}
	bg := bgID(hc.Env)
	if bg != 0 {
		// Whatever happens next, this background statement has started.
		defer s.bg.update(bg, func(j *bgJob) { j.started = true })
	}

	// A program on PATH wins over a command of the same name, unless it
	// is this very binary (the /bin links): users may replace commands.
	path, lookErr := interp.LookPathDir(hc.Dir, hc.Env, name)
	if lookErr == nil {
		if fi, err := os.Stat(path); err == nil && self() != nil && os.SameFile(fi, self()) {
			path = ""
		}
	}
	c := cmds.Lookup(filepath.Base(name))
	isSh := filepath.Base(name) == "sh"
	if ours := lookErr != nil || path == ""; ours {
		if c == nil && !isSh {
			fmt.Fprintf(hc.Stderr, "sh: %s: not found\n", name)
			return interp.ExitStatus(127)
		}
		// One of ours. In-process is fastest; a process is needed for
		// job control (so Ctrl-Z can stop it) and for background jobs
		// (which may outlive this shell).
		quick := c != nil && c.Quick
		if s.Exe == "" || quick || (s.jobs == nil && bg == 0) {
			return s.inProcess(ctx, hc, c, args)
		}
		return s.spawn(ctx, hc, s.Exe, args, bg)
	}
	return s.spawn(ctx, hc, path, args, bg)
}

func (s *Shell) inProcess(ctx context.Context, hc interp.HandlerContext, c *cmds.Cmd, args []string) error {
	var st int
	if c == nil { // sh
		st = Command(ctx, hc.Stdin, hc.Stdout, hc.Stderr, environ(hc.Env), hc.Dir, s.Exe, args)
	} else {
		env := &cmds.Env{
			Ctx:     ctx,
			Stdin:   hc.Stdin,
			Stdout:  hc.Stdout,
			Stderr:  hc.Stderr,
			Dir:     hc.Dir,
			Environ: environ(hc.Env),
		}
		st = c.Main(env, args[1:])
	}
	if st != 0 {
		return interp.ExitStatus(uint8(st))
	}
	return nil
}

// environ lists the exported variables, as a child process gets them.
func environ(env expand.Environ) []string {
	var list []string
	env.Each(func(name string, vr expand.Variable) bool {
		if vr.Exported && vr.IsSet() {
			list = append(list, name+"="+vr.String())
		}
		return true
	})
	return list
}

// spawn runs path as a child process and waits for it to end, or, under
// job control, to stop. bgStmt names the background statement it is
// part of, if any (see rewrite.go).
func (s *Shell) spawn(ctx context.Context, hc interp.HandlerContext, path string, args []string, bgStmt int) error {
	bg := bgStmt != 0
	files, started, drained, err := stdioFiles(hc)
	if err != nil {
		fmt.Fprintf(hc.Stderr, "sh: %s: %v\n", args[0], err)
		return interp.ExitStatus(126)
	}
	sys := &syscall.SysProcAttr{}
	t := s.jobs
	var j *job
	if t != nil {
		j = jobFrom(ctx)
		if bg || j == nil {
			j = &job{text: strings.Join(args, " "), bg: bg}
		}
		t.mu.Lock()
		if j.state() == done {
			// The statement's earlier processes are gone; their group
			// with them. Start a new one.
			j.pgid, j.procs = 0, nil
		}
		sys.Setpgid, sys.Pgid = true, j.pgid
		if !bg {
			// The child gives itself the terminal before exec, so it can
			// read it at once.
			sys.Foreground, sys.Ctty = true, t.tty
		}
	}
	attr := &syscall.ProcAttr{Dir: hc.Dir, Env: environ(hc.Env), Files: files, Sys: sys}
	argv := args
	pid, err := forkExec(path, argv, attr)
	if errors.Is(err, unix.ENOEXEC) && s.Exe != "" {
		// A script without #!: run it with this shell, as POSIX says.
		argv = append([]string{"sh", path}, args[1:]...)
		pid, err = forkExec(s.Exe, argv, attr)
	}
	var p *proc
	if err == nil {
		if bg {
			s.bg.update(bgStmt, func(j *bgJob) {
				if j.pid == 0 {
					j.pid = pid // $!
				}
			})
		}
		p = &proc{pid: pid}
		if j != nil {
			if j.pgid == 0 {
				j.pgid = pid
			}
			j.procs = append(j.procs, p)
		}
	}
	if t != nil {
		if err == nil && bg {
			t.list(j)
		}
		t.mu.Unlock()
	}
	started()
	if err != nil {
		drained()
		code := uint8(126)
		if errors.Is(err, unix.ENOENT) {
			code = 127
		}
		fmt.Fprintf(hc.Stderr, "sh: %s: %s\n", args[0], reason(err))
		return interp.ExitStatus(code)
	}
	if t == nil {
		if bg {
			s.bg.update(bgStmt, func(j *bgJob) { j.started = true }) // the shell may exit now
		}
		ws := waitPlain(ctx, pid)
		drained()
		if !bg {
			reportSignal(hc.Stderr, ws)
		}
		return exitErr(ws)
	}
	go t.watch(p)
	if bg {
		if s.interactive {
			fmt.Fprintf(hc.Stderr, "[%d] %d\n", j.id, pid)
		}
		// Started, and said so before the next prompt.
		s.bg.update(bgStmt, func(j *bgJob) { j.started = true })
		// A background job is not interrupted by Ctrl-C, and may stop
		// and go on many times: wait for its end.
		t.waitProc(p, done)
		drained()
		return exitErr(p.ws)
	}
	if t.waitProc(p, stopped) == stopped {
		// Its output pipes, if any, stay with it until it goes on.
		t.stoppedInForeground(j)
		return interp.ExitStatus(128 + uint8(unix.SIGTSTP))
	}
	drained()
	t.mu.Lock()
	st := p.ws
	t.mu.Unlock()
	if st.Signaled() && st.Signal() == unix.SIGINT && j.cancel != nil {
		// Like other shells, Ctrl-C of a foreground program ends the
		// whole command line, not just the program.
		j.interrupted = true
		j.cancel()
	}
	reportSignal(hc.Stderr, st)
	return exitErr(st)
}

// reportSignal says, as ash, dash and bash do, that a foreground program
// was ended by a signal other than SIGINT (the user pressed Ctrl-C) and
// SIGPIPE (its reader went away): "Killed", "Terminated",
// "Segmentation fault (core dumped)".
func reportSignal(w io.Writer, ws unix.WaitStatus) {
	if !ws.Signaled() || ws.Signal() == unix.SIGINT || ws.Signal() == unix.SIGPIPE {
		return
	}
	msg := ws.Signal().String() // strsignal's words, in lower case
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	if ws.CoreDump() {
		msg += " (core dumped)"
	}
	fmt.Fprintln(w, msg)
}

func exitErr(ws unix.WaitStatus) error {
	if st := waitStatus(ws); st != 0 {
		return interp.ExitStatus(uint8(st))
	}
	return nil
}

// forkExec starts a process, retrying on ETXTBSY: a file just written by
// a concurrently forked child may briefly still be open for writing.
func forkExec(path string, argv []string, attr *syscall.ProcAttr) (int, error) {
	pid, err := syscall.ForkExec(path, argv, attr)
	for d := time.Millisecond; errors.Is(err, unix.ETXTBSY) && d < 300*time.Millisecond; d *= 2 {
		time.Sleep(d)
		pid, err = syscall.ForkExec(path, argv, attr)
	}
	return pid, err
}

// waitPlain waits for a child without job control. A cancelled context
// (Ctrl-C in a script run in-process) interrupts the child, then kills it.
func waitPlain(ctx context.Context, pid int) unix.WaitStatus {
	done := make(chan unix.WaitStatus, 1)
	go func() {
		var ws unix.WaitStatus
		for {
			_, err := unix.Wait4(pid, &ws, 0, nil)
			if err != unix.EINTR {
				if err != nil {
					ws = unix.WaitStatus(1 << 8)
				}
				break
			}
		}
		done <- ws
	}()
	select {
	case ws := <-done:
		return ws
	case <-ctx.Done():
		unix.Kill(pid, unix.SIGINT)
		select {
		case ws := <-done:
			return ws
		case <-time.After(2 * time.Second):
			unix.Kill(pid, unix.SIGKILL)
			return <-done
		}
	}
}

// stdioFiles returns the child's stdin, stdout and stderr as descriptors.
// Readers and writers that are not files (command substitution, say) get
// a pipe and a goroutine that copies. started closes the parent's ends of
// those pipes after the fork; drained waits until the copying has ended,
// which is when the child has closed its ends.
func stdioFiles(hc interp.HandlerContext) (fds []uintptr, started, drained func(), err error) {
	var closeAfterStart []*os.File
	var copies sync.WaitGroup
	in := hc.Stdin
	fd := func(f *os.File) uintptr { return f.Fd() }
	var files [3]*os.File
	switch r := in.(type) {
	case *os.File:
		files[0] = r
	default:
		devnull, err := os.Open(os.DevNull)
		if err != nil {
			return nil, nil, nil, err
		}
		if r != nil {
			pr, pw, err := os.Pipe()
			if err != nil {
				return nil, nil, nil, err
			}
			devnull.Close()
			devnull = pr
			go func() { io.Copy(pw, r); pw.Close() }()
		}
		files[0] = devnull
		closeAfterStart = append(closeAfterStart, devnull)
	}
	for i, w := range []io.Writer{hc.Stdout, hc.Stderr} {
		if f, ok := w.(*os.File); ok {
			files[i+1] = f
			continue
		}
		pr, pw, err := os.Pipe()
		if err != nil {
			return nil, nil, nil, err
		}
		files[i+1] = pw
		closeAfterStart = append(closeAfterStart, pw)
		copies.Add(1)
		go func(w io.Writer) {
			defer copies.Done()
			if w == nil {
				w = io.Discard
			}
			io.Copy(w, pr)
			pr.Close()
		}(w)
	}
	fds = []uintptr{fd(files[0]), fd(files[1]), fd(files[2])}
	return fds, func() {
		for _, f := range closeAfterStart {
			f.Close()
		}
	}, copies.Wait, nil
}

// bgID is the background statement that env runs in, 0 for none.
func bgID(env expand.Environ) int {
	id, _ := strconv.Atoi(env.Get(bgVar).String())
	return id
}

// ownsWait reports whether the shell's wait should take args rather than
// the interpreter's: when they are process IDs, which the interpreter
// does not know. Job handles (g1) and "wait" alone stay the
// interpreter's, which waits for every background statement.
func ownsWait(args []string) bool {
	for _, a := range args {
		if _, err := strconv.Atoi(a); err != nil {
			return false
		}
	}
	return len(args) > 0
}
