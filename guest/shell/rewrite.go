package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The interpreter runs "cmd &" in a goroutine and tells handlers nothing
// about it. But a background job must run as its own process (it may
// outlive the shell, and job control needs a process group), "daemon &
// exit" must start daemon before the shell exits, as a POSIX shell's fork
// would have, and $! must be a process ID. So every background statement
// is rewritten, before it runs, to
//
//	{
//		_pidone_bgid=$(_pidone_bgstart)
//		{ _pidone_bg=$_pidone_bgid; ( cmd ) && _pidone_bgend || _pidone_bgend; } &
//	}
//
// _pidone_bgstart records the statement (bgJobs) and gives its number,
// synchronously, to the shell that starts it; the background subshell
// inherits it as _pidone_bg, which marks everything the statement runs:
// the exec handler runs its commands as processes and records the first
// one's PID. _pidone_bgend records how the statement ended, whatever cmd
// does: an exit in cmd ends only its subshell, and set -e does not stop
// at a command followed by && or ||. And $!, in its plain forms ($!,
// ${!}), becomes $(_pidone_bgpid): the last such statement's first
// process. (The interpreter's "g1" remains in ${!:-x} and the like, and
// in strings given to eval.)
const (
	bgVar   = "_pidone_bg"
	bgIDVar = "_pidone_bgid"

	bgStart = "_pidone_bgstart"
	bgEnd   = "_pidone_bgend"
	bgPID   = "_pidone_bgpid"

	bgPlaceholder = "_pidone_bgcmd"
)

const bgTemplate = `{
	` + bgIDVar + `=$(` + bgStart + `)
	{ ` + bgVar + `=$` + bgIDVar + `; ( ` + bgPlaceholder + ` ) && ` + bgEnd + ` || ` + bgEnd + `; } &
}`

func call(name string) *syntax.Stmt {
	return &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{{Parts: []syntax.WordPart{&syntax.Lit{Value: name}}}}}}
}

// markBackground rewrites every background statement in node, and every
// $! in it.
func markBackground(node syntax.Node) {
	var bg []*syntax.Stmt
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if n.Background {
				bg = append(bg, n)
			}
		case *syntax.Word:
			replaceBgPID(n.Parts)
		case *syntax.DblQuoted:
			replaceBgPID(n.Parts)
		}
		return true
	})
	for _, st := range bg {
		inner := &syntax.Stmt{Cmd: st.Cmd, Redirs: st.Redirs, Negated: st.Negated, Position: st.Position}
		block := backgroundBlock()
		syntax.Walk(block, func(n syntax.Node) bool {
			if sub, ok := n.(*syntax.Subshell); ok { // the template's one
				sub.Stmts = []*syntax.Stmt{inner}
				return false
			}
			return true
		})
		st.Cmd = block
		st.Redirs, st.Negated, st.Background = nil, false, false
	}
}

// backgroundBlock parses bgTemplate: a fresh tree for every statement.
func backgroundBlock() syntax.Command {
	f, err := parser().Parse(strings.NewReader(bgTemplate), "")
	if err != nil {
		panic("shell: bgTemplate: " + err.Error())
	}
	return f.Stmts[0].Cmd
}

// replaceBgPID replaces the plain $! among parts.
func replaceBgPID(parts []syntax.WordPart) {
	for i, p := range parts {
		pe, ok := p.(*syntax.ParamExp)
		if !ok || pe.Param == nil || pe.Param.Value != "!" {
			continue
		}
		if pe.Excl || pe.Length || pe.Width || pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Names != 0 || pe.Exp != nil {
			continue
		}
		parts[i] = &syntax.CmdSubst{Stmts: []*syntax.Stmt{call(bgPID)}}
	}
}
