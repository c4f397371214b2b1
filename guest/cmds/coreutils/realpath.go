package coreutils

import (
	"fmt"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "realpath", Usage: "[-em] FILE...", Summary: "print canonical absolute paths", Run: realpath, Quick: true})

func realpath(e *cmds.Env, args []string) error {
	var f cmds.Flags
	exist := f.Bool('e', "canonicalize-existing", "every element must exist")
	missing := f.Bool('m', "canonicalize-missing", "no element need exist")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	need := canonAllButLast
	if *exist {
		need = canonAll
	} else if *missing {
		need = canonNone
	}
	w := e.BufOut()
	defer w.Flush()
	for _, op := range ops {
		out, err := canonicalize(e, op, need)
		if err != nil {
			w.Flush()
			e.Warn(e.OpErr(err, op))
			continue
		}
		fmt.Fprintln(w, out)
	}
	return nil
}
