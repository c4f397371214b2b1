package shell

import "mvdan.cc/sh/v3/syntax"

// bgVar marks the interpreter's background subshells. The interpreter runs
// "cmd &" in a goroutine and tells handlers nothing about it, but a
// background job must run as its own process (it may outlive the shell,
// and job control needs a process group), so every background statement
// is rewritten to set this variable first: "{ _pidone_bg=1; cmd; } &".
// The assignment stays in the subshell, and the interpreter's own $! and
// wait keep working.
const bgVar = "_pidone_bg"

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
		st.Cmd = &syntax.Block{Stmts: []*syntax.Stmt{mark, inner}}
		st.Redirs, st.Negated = nil, false
	}
}
