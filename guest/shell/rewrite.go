package shell

import (
	"sync"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

// bgVar marks the interpreter's background subshells. The interpreter runs
// "cmd &" in a goroutine and tells handlers nothing about it, but a
// background job must run as its own process (it may outlive the shell,
// and job control needs a process group), so every background statement
// is rewritten to set this variable first. The assignment stays in the
// subshell, and the interpreter's own $! and wait keep working.
const bgVar = "_pidone_bg"

// Because the interpreter starts a background statement in a goroutine,
// "daemon & exit" could end the shell before the goroutine has started
// daemon, which a POSIX shell never does. So the rewrite is
//
//	{ _pidone_bgstart; { _pidone_bg=1; cmd; _pidone_bgsettled; } & }
//
// The first marker runs synchronously and counts a start; the subshell
// settles it when it spawns its first process or ends. Before the shell
// exits it waits, briefly, for every start to settle.
const (
	bgStart   = "_pidone_bgstart"
	bgSettled = "_pidone_bgsettled"
)

// bgPending counts background statements that have not yet started a
// process. It is approximate by design (a subshell that spawns several
// processes settles more than once; the count never goes below zero):
// a miscount can only shorten the wait at exit, never hang it.
type bgPending struct {
	mu sync.Mutex
	n  int
}

func (p *bgPending) start() {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
}

func (p *bgPending) settle() {
	p.mu.Lock()
	if p.n > 0 {
		p.n--
	}
	p.mu.Unlock()
}

// wait waits until nothing is pending, or at most d.
func (p *bgPending) wait(d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		n := p.n
		p.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func call(name string) *syntax.Stmt {
	return &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{{Parts: []syntax.WordPart{&syntax.Lit{Value: name}}}}}}
}

// markBackground rewrites every background statement in node.
func markBackground(node syntax.Node) {
	var bg []*syntax.Stmt
	syntax.Walk(node, func(n syntax.Node) bool {
		if st, ok := n.(*syntax.Stmt); ok && st.Background {
			bg = append(bg, st)
		}
		return true
	})
	for _, st := range bg {
		inner := &syntax.Stmt{Cmd: st.Cmd, Redirs: st.Redirs, Negated: st.Negated, Position: st.Position}
		mark := &syntax.Stmt{Cmd: &syntax.CallExpr{Assigns: []*syntax.Assign{{
			Name:  &syntax.Lit{Value: bgVar},
			Value: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: "1"}}},
		}}}}
		sub := &syntax.Stmt{
			Cmd:        &syntax.Block{Stmts: []*syntax.Stmt{mark, inner, call(bgSettled)}},
			Background: true,
			Position:   st.Position,
		}
		st.Cmd = &syntax.Block{Stmts: []*syntax.Stmt{call(bgStart), sub}}
		st.Redirs, st.Negated, st.Background = nil, false, false
	}
}
