package coreutils

import (
	"fmt"
	"path/filepath"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "which", Usage: "[-a] NAME...", Summary: "show which program a name runs", Run: which, Quick: true})

func which(e *cmds.Env, args []string) error {
	var f cmds.Flags
	all := f.Bool('a', "all", "print every match, not just the first")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing name")
	}
	path := e.Getenv("PATH")
	found := true
	for _, name := range ops {
		if strings.Contains(name, "/") {
			if cmds.Runnable(e.Path(name)) == nil {
				fmt.Fprintln(e.Stdout, name)
			} else {
				found = false
			}
			continue
		}
		any := false
		for _, dir := range filepath.SplitList(path) {
			if dir == "" {
				dir = "."
			}
			p := filepath.Join(dir, name)
			if cmds.Runnable(e.Path(p)) != nil {
				continue
			}
			fmt.Fprintln(e.Stdout, p)
			any = true
			if !*all {
				break
			}
		}
		found = found && any
	}
	if !found {
		return cmds.ExitStatus(1)
	}
	return nil
}
