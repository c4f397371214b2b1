package utillinux

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/switchroot"
)

var _ = cmds.Register(&cmds.Cmd{Name: "switch_root", Usage: "NEWROOT INIT [ARG]...", Summary: "move from the initramfs into a mounted root and exec its init (as PID 1)", Run: switchRoot})

func switchRoot(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) < 2 {
		return cmds.Usagef("need NEWROOT and INIT, e.g. exec switch_root /newroot /sbin/init")
	}
	if os.Getpid() != 1 {
		return fmt.Errorf("must run as PID 1: an initramfs's init execs it (pidone's init switches by itself for root= on the kernel command line)")
	}
	root, init := e.Path(ops[0]), ops[1]
	// INIT is checked in the new root before anything is deleted: once
	// the switch is made there is no going back.
	if st, err := os.Stat(filepath.Join(root, init)); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("%s: no executable %s in it", ops[0], init)
	}
	if err := switchroot.Switch(root); err != nil {
		return err
	}
	err = syscall.Exec(init, ops[1:], e.Environ)
	return fmt.Errorf("exec %s: %w", init, err)
}
