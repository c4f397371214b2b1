package shell

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// A proc is one child process. A goroutine per proc waits for it with
// WUNTRACED, so that a stop (Ctrl-Z) is seen as well as an exit; the
// shell is never PID 1, so no one else reaps its children.
type proc struct {
	pid   int
	state procState
	ws    unix.WaitStatus
}

type procState int

const (
	running procState = iota
	stopped
	done
)

// A job is what job control acts on: the processes started by one
// foreground statement, or one background command.
type job struct {
	id          int // 0 until it is listed in the job table
	text        string
	pgid        int
	procs       []*proc
	bg          bool
	notified    bool // "Stopped" or "Done" printed for the current state
	modes       *unix.Termios
	cancel      context.CancelFunc // ends the foreground statement
	interrupted bool
}

// jobTable holds the shell's jobs and its terminal. One mutex guards all
// process and job state; changed is closed and replaced on every change,
// so waiters can also watch a context.
type jobTable struct {
	mu      sync.Mutex
	changed chan struct{}
	jobs    []*job // listed jobs, by id
	tty     int    // the terminal's descriptor
	pgid    int    // the shell's own process group
	modes   *unix.Termios
	current context.CancelFunc // the running foreground statement
	stdout  io.Writer
	warned  bool // "There are stopped jobs." was said once
}

type jobKey struct{}

func withJob(ctx context.Context, j *job) context.Context { return context.WithValue(ctx, jobKey{}, j) }

func jobFrom(ctx context.Context) *job {
	j, _ := ctx.Value(jobKey{}).(*job)
	return j
}

// startJobControl makes the shell the leader of its own process group in
// the foreground of its terminal, as interactive shells do, and handles
// the job-control signals so that the shell itself is never stopped. The
// signals are handled rather than ignored: an ignored signal stays
// ignored in every child, and Ctrl-Z would then not stop them.
func startJobControl(tty int, stdout io.Writer) (*jobTable, error) {
	pgid := unix.Getpgrp()
	for {
		fg, err := unix.IoctlGetInt(tty, unix.TIOCGPGRP)
		if err != nil {
			return nil, err
		}
		if fg == pgid {
			break
		}
		// Started in the background: wait to be brought to the front.
		unix.Kill(-pgid, unix.SIGTTIN)
	}
	t := &jobTable{changed: make(chan struct{}), tty: tty, stdout: stdout}
	if pid := unix.Getpid(); pgid != pid {
		if err := unix.Setpgid(0, 0); err != nil {
			return nil, err
		}
		pgid = pid
	}
	t.pgid = pgid
	if err := t.setForeground(pgid); err != nil {
		return nil, err
	}
	if m, err := unix.IoctlGetTermios(tty, unix.TCGETS); err == nil {
		t.modes = m
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, unix.SIGINT, unix.SIGQUIT, unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU)
	go func() {
		for sig := range sigs {
			if sig == unix.SIGINT {
				t.mu.Lock()
				if c := t.current; c != nil {
					c()
				}
				t.mu.Unlock()
			}
		}
	}()
	return t, nil
}

// setForeground gives the terminal to process group pgid. SIGTTOU is
// blocked on this thread meanwhile: a handled SIGTTOU would make the
// ioctl restart forever when the shell is not in the foreground.
func (t *jobTable) setForeground(pgid int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set, old unix.Sigset_t
	sig := uint(unix.SIGTTOU) - 1
	set.Val[sig/64] |= 1 << (sig % 64)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		return err
	}
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	return unix.IoctlSetPointerInt(t.tty, unix.TIOCSPGRP, pgid)
}

// reclaim takes the terminal back after a foreground job and restores the
// shell's terminal modes, whatever the job left behind.
func (t *jobTable) reclaim() {
	t.setForeground(t.pgid)
	if t.modes != nil {
		unix.IoctlSetTermios(t.tty, unix.TCSETSW, t.modes)
	}
}

// broadcast wakes every waiter. Callers hold t.mu.
func (t *jobTable) broadcast() {
	close(t.changed)
	t.changed = make(chan struct{})
}

// watch waits for p's state changes until it has ended.
func (t *jobTable) watch(p *proc) {
	for {
		var ws unix.WaitStatus
		_, err := unix.Wait4(p.pid, &ws, unix.WUNTRACED|unix.WCONTINUED, nil)
		if err == unix.EINTR {
			continue
		}
		t.mu.Lock()
		switch {
		case err != nil:
			p.state, p.ws = done, unix.WaitStatus(1<<8)
		case ws.Stopped():
			p.state = stopped
		case ws.Continued():
			p.state = running
		default:
			p.state, p.ws = done, ws
		}
		st := p.state
		t.broadcast()
		t.mu.Unlock()
		if st == done {
			return
		}
	}
}

// waitProc waits until p has ended, or also until it has stopped when
// until is stopped, and returns its state then.
func (t *jobTable) waitProc(p *proc, until procState) procState {
	for {
		t.mu.Lock()
		st, ch := p.state, t.changed
		t.mu.Unlock()
		if st == done || st == until {
			return st
		}
		<-ch
	}
}

// waitJob waits until every process of j has ended or one has stopped.
func (t *jobTable) waitJob(j *job) procState {
	for {
		t.mu.Lock()
		st, ch := j.state(), t.changed
		t.mu.Unlock()
		if st != running {
			return st
		}
		<-ch
	}
}

// state is the job's state: stopped if any process is, done if all are.
// Callers hold the table's mutex.
func (j *job) state() procState {
	st := done
	for _, p := range j.procs {
		switch p.state {
		case stopped:
			return stopped
		case running:
			st = running
		}
	}
	return st
}

// cont sends j SIGCONT, in the background or not. Its stopped processes
// are marked running first, as shells do, so that jobs right after bg
// does not race the watcher's WCONTINUED report.
func (t *jobTable) cont(j *job, bg bool) {
	t.mu.Lock()
	j.bg, j.notified = bg, false
	for _, p := range j.procs {
		if p.state == stopped {
			p.state = running
		}
	}
	t.mu.Unlock()
	unix.Kill(-j.pgid, unix.SIGCONT)
}

// exitStatus is the shell status of the job's last process.
func (j *job) exitStatus() int {
	if len(j.procs) == 0 {
		return 0
	}
	return waitStatus(j.procs[len(j.procs)-1].ws)
}

func waitStatus(ws unix.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// list puts j in the job table with the lowest free number. Callers hold
// t.mu.
func (t *jobTable) list(j *job) {
	if j.id != 0 {
		return
	}
	used := map[int]bool{}
	for _, o := range t.jobs {
		used[o.id] = true
	}
	for j.id = 1; used[j.id]; j.id++ {
	}
	t.jobs = append(t.jobs, j)
	sort.Slice(t.jobs, func(a, b int) bool { return t.jobs[a].id < t.jobs[b].id })
}

func (t *jobTable) remove(j *job) {
	for i, o := range t.jobs {
		if o == j {
			t.jobs = append(t.jobs[:i], t.jobs[i+1:]...)
			return
		}
	}
}

// stoppedInForeground records that a foreground job was stopped (Ctrl-Z):
// it joins the job table and the shell takes the terminal back.
func (t *jobTable) stoppedInForeground(j *job) {
	t.mu.Lock()
	t.list(j)
	say := !j.notified
	j.notified = true
	t.mu.Unlock()
	if m, err := unix.IoctlGetTermios(t.tty, unix.TCGETS); err == nil {
		j.modes = m
	}
	t.reclaim()
	if say {
		fmt.Fprintf(t.stdout, "\n[%d]+  Stopped                 %s\n", j.id, j.text)
	}
}

// reportDone prints the background jobs that have ended since the last
// prompt and forgets them, as shells do before each prompt.
func (t *jobTable) reportDone() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, j := range append([]*job(nil), t.jobs...) {
		if j.state() == done {
			word := "Done"
			if st := j.exitStatus(); st != 0 {
				word = "Exit " + strconv.Itoa(st)
				if st > 128 {
					word = unix.SignalName(syscall.Signal(st - 128))
				}
			}
			fmt.Fprintf(t.stdout, "[%d]+  %-22s  %s\n", j.id, word, j.text)
			t.remove(j)
		}
	}
}

// find resolves a job spec: "", "%", "%+" and "%%" mean the newest job,
// "%N" job N, and "%word" the job whose command starts with word.
func (t *jobTable) find(spec string) (*job, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.jobs) == 0 {
		return nil, fmt.Errorf("no current job")
	}
	switch spec {
	case "", "%", "%+", "%%":
		return t.jobs[len(t.jobs)-1], nil
	case "%-":
		if len(t.jobs) > 1 {
			return t.jobs[len(t.jobs)-2], nil
		}
		return t.jobs[0], nil
	}
	s := strings.TrimPrefix(spec, "%")
	if n, err := strconv.Atoi(s); err == nil {
		for _, j := range t.jobs {
			if j.id == n {
				return j, nil
			}
		}
		return nil, fmt.Errorf("%s: no such job", spec)
	}
	for i := len(t.jobs) - 1; i >= 0; i-- {
		if strings.HasPrefix(t.jobs[i].text, s) {
			return t.jobs[i], nil
		}
	}
	return nil, fmt.Errorf("%s: no such job", spec)
}

// fg continues j in the foreground and waits for it.
func (t *jobTable) fg(j *job) int {
	fmt.Fprintln(t.stdout, j.text)
	if j.modes != nil {
		unix.IoctlSetTermios(t.tty, unix.TCSETSW, j.modes)
	}
	t.setForeground(j.pgid)
	t.cont(j, false)
	if t.waitJob(j) == stopped {
		t.stoppedInForeground(j)
		return 128 + int(unix.SIGTSTP)
	}
	t.reclaim()
	t.mu.Lock()
	t.remove(j)
	t.mu.Unlock()
	return j.exitStatus()
}

// bg continues j in the background.
func (t *jobTable) bgJob(j *job) {
	t.cont(j, true)
	fmt.Fprintf(t.stdout, "[%d]+ %s &\n", j.id, j.text)
}

// print lists the jobs as the jobs builtin does.
func (t *jobTable) print(w io.Writer, pids bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, j := range t.jobs {
		mark := " "
		switch i {
		case len(t.jobs) - 1:
			mark = "+"
		case len(t.jobs) - 2:
			mark = "-"
		}
		word := "Running"
		switch j.state() {
		case stopped:
			word = "Stopped"
		case done:
			word = "Done"
		}
		if pids {
			fmt.Fprintf(w, "[%d]%s %d %-22s  %s\n", j.id, mark, j.pgid, word, j.text)
		} else {
			fmt.Fprintf(w, "[%d]%s  %-22s  %s\n", j.id, mark, word, j.text)
		}
	}
}

// hasStopped reports whether any job is stopped.
func (t *jobTable) hasStopped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, j := range t.jobs {
		if j.state() == stopped {
			return true
		}
	}
	return false
}

// hangup sends SIGHUP and SIGCONT to every job, as a shell does on exit.
func (t *jobTable) hangup() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, j := range t.jobs {
		unix.Kill(-j.pgid, unix.SIGHUP)
		unix.Kill(-j.pgid, unix.SIGCONT)
	}
}
