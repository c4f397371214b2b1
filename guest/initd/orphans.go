package initd

import (
	"bytes"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A program that is PID 1 through Setup inherits every orphan of the
// system, and nobody but it can reap them. But it may also start children
// of its own with os/exec, which waits for each one itself: a reaper that
// took any child that ends (wait4(-1)) would now and then take one first,
// and os/exec's Wait would fail with "waitid: no child processes".
//
// So the reaper takes only the children nobody waits for. os/exec (through
// os.StartProcess) holds a pidfd for every child it starts, made with the
// child by CLONE_PIDFD and closed only once Wait has reaped it, and a
// pidfd's /proc/self/fdinfo entry names its process ("Pid:"). A zombie
// child that no pidfd of this process names is an orphan, or a child whose
// os.Process was released: the reaper's to take. Children started with
// syscall.ForkExec hold no pidfd and are reaped too: a program that waits
// for those itself should use os/exec.

// reapOrphans waits for every child that nobody waits for until SIGCHLD
// stops coming; a slow tick catches a zombie whose pidfd was closed
// without a wait (os.Process.Release), which sends no new SIGCHLD.
func reapOrphans() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGCHLD)
	tick := time.NewTicker(5 * time.Second)
	for {
		select {
		case <-sigs:
		case <-tick.C:
		}
		reapUnwaited()
	}
}

// reapUnwaited reaps the zombie children that no pidfd names. The zombies
// are listed before the pidfds: a zombie's pidfd, if it has one, was made
// at its birth and outlives it until its owner has reaped it, so a zombie
// found first and then named by no pidfd has no owner.
func reapUnwaited() {
	// Most SIGCHLDs are for children os/exec has reaped by now: one
	// look, without reaping, saves reading /proc then.
	var info unix.Siginfo
	err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	if err != nil || info.Signo == 0 {
		return // no children, or none has ended
	}
	zombies := zombieChildren()
	if len(zombies) == 0 {
		return
	}
	waited := pidfdProcesses()
	for _, pid := range zombies {
		if !waited[pid] {
			// WNOHANG: its owner may have reaped it since, and the
			// PID gone to a new process that is still running.
			unix.Wait4(pid, nil, unix.WNOHANG, nil)
		}
	}
}

// zombieChildren lists this process's children that have ended and not
// been reaped. The kernel keeps each thread's children in
// /proc/self/task/TID/children (when built with CONFIG_PROC_CHILDREN, as
// distribution kernels are); without it, every process's stat is read.
func zombieChildren() []int {
	var zombies []int
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	if len(tasks) == 0 {
		self := os.Getpid()
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			if pid, err := strconv.Atoi(e.Name()); err == nil {
				if ppid, state := procStat(pid); ppid == self && state == 'Z' {
					zombies = append(zombies, pid)
				}
			}
		}
		return zombies
	}
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, f := range bytes.Fields(b) {
			pid, err := strconv.Atoi(string(f))
			if err != nil {
				continue
			}
			if _, state := procStat(pid); state == 'Z' {
				zombies = append(zombies, pid)
			}
		}
	}
	return zombies
}

// procStat returns a process's parent and state from /proc/PID/stat,
// "PID (COMM) STATE PPID ...", where COMM may hold spaces and parentheses.
func procStat(pid int) (ppid int, state byte) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 2 || len(f[0]) != 1 {
		return 0, 0
	}
	ppid, _ = strconv.Atoi(string(f[1]))
	return ppid, f[0][0]
}

// pidfdProcesses returns the processes named by this process's pidfds.
func pidfdProcesses() map[int]bool {
	pids := map[int]bool{}
	ents, _ := os.ReadDir("/proc/self/fdinfo")
	for _, e := range ents {
		b, err := os.ReadFile("/proc/self/fdinfo/" + e.Name())
		if err != nil {
			continue
		}
		_, rest, ok := bytes.Cut(b, []byte("\nPid:"))
		if !ok {
			continue
		}
		line, _, _ := bytes.Cut(rest, []byte("\n"))
		if pid, err := strconv.Atoi(string(bytes.TrimSpace(line))); err == nil && pid > 0 {
			pids[pid] = true
		}
	}
	return pids
}
