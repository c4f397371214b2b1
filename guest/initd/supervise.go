package initd

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/power"
)

// service is a program init starts on the console and watches.
type service struct {
	name    string
	argv    []string // argv[0] selects the guest command, e.g. "-sh" for a login shell
	tty     string
	respawn bool // start again when it exits (the shell)
	once    bool // power off when it exits (pidone.run)

	// stdio, if set, replaces the terminal: the command runs in a session
	// of its own without a controlling terminal (run mode's ports).
	stdio  []*os.File
	env    []string // added to init's environment
	dir    string
	path   string                // program to run; "" means this binary (argv[0] picks the command)
	onExit func(unix.WaitStatus) // called when it has ended, before anything else

	pid     int
	started time.Time
	quick   int // exits in a row that came soon after a start
}

// Respawning is rate-limited: a program that keeps dying at once is started
// again after a growing delay, so a broken shell cannot flood the console.
const (
	quickExit   = 2 * time.Second
	maxBackoff  = 30 * time.Second
	firstBackof = 250 * time.Millisecond
)

func (in *initd) start(s *service) {
	if s.stdio != nil {
		in.startWith(s)
		return
	}
	tty, err := os.OpenFile(s.tty, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		in.logf("%s: open %s: %v", s.name, s.tty, err)
		tty, err = os.OpenFile("/dev/console", os.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			in.logf("%s: open /dev/console: %v", s.name, err)
			return
		}
	}
	defer tty.Close()
	fd := tty.Fd()
	dir, path := s.dir, s.path
	if dir == "" {
		dir = "/"
	}
	if path == "" {
		path = "/proc/self/exe" // this binary: argv[0] picks the command
	}
	attr := &syscall.ProcAttr{
		Dir:   dir,
		Env:   append(os.Environ(), s.env...),
		Files: []uintptr{fd, fd, fd},
		// A new session with the console as its controlling terminal:
		// the shell can then run jobs in process groups and hand the
		// terminal to them, so Ctrl-C and Ctrl-Z reach the job.
		Sys: &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0},
	}
	pid, err := syscall.ForkExec(path, s.argv, attr)
	if err != nil {
		in.logf("%s: start %s: %v", s.name, path, err)
		if s.once {
			in.shutdown(power.Poweroff)
		}
		return
	}
	s.pid, s.started = pid, time.Now()
	in.debugf("%s started as pid %d", s.name, pid)
}

// startWith starts a service on its own stdio files.
func (in *initd) startWith(s *service) {
	path := s.path
	if path == "" {
		path = "/proc/self/exe"
	}
	dir := s.dir
	if dir == "" {
		dir = "/"
	}
	attr := &syscall.ProcAttr{
		Dir:   dir,
		Env:   append(os.Environ(), s.env...),
		Files: []uintptr{s.stdio[0].Fd(), s.stdio[1].Fd(), s.stdio[2].Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	}
	pid, err := syscall.ForkExec(path, s.argv, attr)
	if err != nil {
		in.logf("%s: start %s: %v", s.name, path, err)
		if s.onExit != nil {
			s.onExit(unix.WaitStatus(127 << 8))
		}
		if s.once {
			in.shutdown(power.Poweroff)
		}
		return
	}
	s.pid, s.started = pid, time.Now()
	in.debugf("%s started as pid %d", s.name, pid)
}

// exited is called by the reaper for each child that ended; it returns how
// long to wait before starting s again, or -1 not to.
func (in *initd) exited(s *service, status unix.WaitStatus) time.Duration {
	s.pid = 0
	if in.shutting {
		return -1
	}
	if s.once {
		code := status.ExitStatus()
		if status.Signaled() {
			code = 128 + int(status.Signal())
		}
		if code != 0 || in.opts.Debug {
			in.logf("%s exited with status %d", s.name, code)
		}
		return -1
	}
	if !s.respawn {
		return -1
	}
	if time.Since(s.started) < quickExit {
		s.quick++
	} else {
		s.quick = 0
	}
	delay := time.Duration(0)
	if s.quick > 1 {
		delay = firstBackof << (s.quick - 2)
		if delay > maxBackoff || delay <= 0 {
			delay = maxBackoff
		}
	}
	why := "exited"
	if status.Signaled() {
		why = "was killed by " + status.Signal().String()
	}
	switch {
	case delay > 0:
		in.logf("%s %s (%d times in a row right after starting); starting a new one in %v", s.name, why, s.quick, delay)
	case status.Signaled() || !in.opts.Quiet:
		in.logf("%s %s; starting a new one", s.name, why)
	}
	return delay
}
