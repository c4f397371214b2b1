package cmds

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
)

func init() {
	Register(&Cmd{Name: "rmdir", Usage: "[-pv] DIR...", Summary: "remove empty directories", Run: rmdir, Quick: true})
}

func rmdir(e *Env, args []string) error {
	var f Flags
	parents := f.Bool('p', "parents", "remove DIR and then its named parents")
	verbose := f.Bool('v', "verbose", "report each directory removed")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return Usagef("missing operand")
	}
	for _, op := range ops {
		// rmdir(2), not os.Remove: that would unlink a file named by mistake.
		for dir := strings.TrimRight(op, "/"); ; {
			if err := syscall.Rmdir(e.Path(dir)); err != nil {
				e.Warn(&fs.PathError{Op: "rmdir", Path: dir, Err: err})
				break
			}
			if *verbose {
				fmt.Fprintf(e.Stdout, "rmdir: removing directory, %s\n", squote(dir))
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
