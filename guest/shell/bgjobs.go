package shell

import (
	"context"
	"sync"
	"time"
)

// The interpreter runs a background statement in a goroutine and calls it
// "g1", "g2"... in $! and wait. POSIX scripts need a process ID there:
// they kill $! and wait $!. So the shell keeps its own record of each
// background statement (see rewrite.go for how it learns of them): the
// first process the statement starts, and how the statement ended.
//
// A statement that runs only builtins has no process. Its $! is then a
// number above any Linux PID (they stay below PID_MAX_LIMIT, 2^22), which
// wait takes and kill finds no process for, as for a job that has ended.
const noProcess = 1 << 22

// bgMax bounds the ended statements remembered for wait, as POSIX allows
// (CHILD_MAX): a script that starts jobs in a loop and never waits must
// not grow the shell forever.
const bgMax = 1024

type bgJob struct {
	id      int
	pid     int  // its first process; 0 until it has one
	started bool // it has run a command (a process or one of ours)
	done    bool
	status  int
}

// bgJobs is the shell's record of its background statements. One mutex
// guards it; changed is closed and replaced on every change.
type bgJobs struct {
	mu      sync.Mutex
	changed chan struct{}
	last    int
	list    []*bgJob // by id
}

// add records a background statement that is about to start, and returns
// its id.
func (b *bgJobs) add() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last++
	b.list = append(b.list, &bgJob{id: b.last})
	if len(b.list) > bgMax {
		kept := b.list[:0]
		drop := len(b.list) - bgMax
		for _, j := range b.list {
			if drop > 0 && j.done {
				drop--
				continue
			}
			kept = append(kept, j)
		}
		clear(b.list[len(kept):])
		b.list = kept
	}
	return b.last
}

// update applies f to statement id's record, if it is still kept.
func (b *bgJobs) update(id int, f func(*bgJob)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if j := b.byID(id); j != nil {
		f(j)
		b.broadcast()
	}
}

// byID finds a record. Callers hold b.mu.
func (b *bgJobs) byID(id int) *bgJob {
	for i := len(b.list) - 1; i >= 0; i-- {
		if b.list[i].id == id {
			return b.list[i]
		}
	}
	return nil
}

func (b *bgJobs) broadcast() {
	if b.changed != nil {
		close(b.changed)
	}
	b.changed = make(chan struct{})
}

// await waits until cond holds for statement id's record (or the record
// is gone), until ctx is done or until d has passed, and returns the
// record then.
func (b *bgJobs) await(ctx context.Context, id int, d time.Duration, cond func(*bgJob) bool) (bgJob, bool) {
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	for {
		b.mu.Lock()
		j := b.byID(id)
		if j == nil {
			b.mu.Unlock()
			return bgJob{}, false
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		rec, ch := *j, b.changed
		b.mu.Unlock()
		if cond(&rec) {
			return rec, true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return rec, true
		case <-timeout.C:
			return rec, true
		}
	}
}

// pid is $! for statement id: its first process. A statement usually
// starts it within milliseconds; one that runs only builtins for a while
// gets its stand-in number after a wait bounded like the one at exit.
func (b *bgJobs) pid(ctx context.Context, id int) int {
	j, ok := b.await(ctx, id, 2*time.Second, func(j *bgJob) bool { return j.pid != 0 || j.done })
	switch {
	case !ok:
		return noProcess + id
	case j.pid != 0:
		return j.pid
	}
	return noProcess + j.id
}

// find returns the id of the newest statement whose $! is pid.
func (b *bgJobs) find(pid int) (int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.list) - 1; i >= 0; i-- {
		if j := b.list[i]; j.pid == pid || noProcess+j.id == pid {
			return j.id, true
		}
	}
	return 0, false
}

// wait waits for statement id to end and returns its exit status, or
// false if ctx ended first.
func (b *bgJobs) wait(ctx context.Context, id int) (int, bool) {
	j, _ := b.await(ctx, id, time.Duration(1<<62), func(j *bgJob) bool { return j.done })
	return j.status, j.done
}

// settle waits, at most d, until every background statement has started
// something or ended: "daemon & exit" must start daemon, as a POSIX
// shell's fork would have, and an interactive shell prints "[1] PID"
// before its next prompt.
func (b *bgJobs) settle(d time.Duration) {
	deadline := time.Now().Add(d)
	for {
		b.mu.Lock()
		pending := false
		for _, j := range b.list {
			pending = pending || !j.started && !j.done
		}
		if pending && time.Now().After(deadline) {
			// Never to start (its context was cancelled first, say):
			// later calls should not wait for it again.
			for _, j := range b.list {
				j.started = true
			}
			pending = false
		}
		b.mu.Unlock()
		if !pending {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}
