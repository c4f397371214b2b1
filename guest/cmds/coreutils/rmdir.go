package coreutils

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "rmdir", Usage: "[-pv] [--ignore-fail-on-non-empty] DIR...", Summary: "remove empty directories", Run: rmdir, Quick: true})

func rmdir(e *cmds.Env, args []string) error {
	var f cmds.Flags
	parents := f.Bool('p', "parents", "remove DIR and then its named parents")
	verbose := f.Bool('v', "verbose", "report each directory removed")
	ignore := f.Bool(0, "ignore-fail-on-non-empty", "say nothing of directories that are not empty")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	for _, op := range ops {
		// rmdir(2), not os.Remove: that would unlink a file named by mistake.
		for dir := strings.TrimRight(op, "/"); ; {
			if err := syscall.Rmdir(e.Path(dir)); err != nil {
				if *ignore && (err == syscall.ENOTEMPTY || err == syscall.EEXIST) {
					break
				}
				e.Warn(&fs.PathError{Op: "rmdir", Path: dir, Err: err})
				break
			}
			if *verbose {
				fmt.Fprintf(e.Stdout, "rmdir: removing directory, %s\n", cmds.Quote(dir))
			}
			parent := filepath.Dir(dir)
			if !*parents || parent == dir || parent == "." || parent == "/" {
				break
			}
			dir = parent
		}
	}
	return nil
}
