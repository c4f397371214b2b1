package consoletools

import "pidone.dev/guest/cmds"

var _ = cmds.Register(&cmds.Cmd{Name: "clear", Usage: "", Summary: "clear the terminal screen", Run: clearScreen, Quick: true})

// clearScreen homes the cursor, clears the screen and, where the terminal
// supports it, the scrollback (ESC[3J), as ncurses clear does.
func clearScreen(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("too many arguments")
	}
	_, err = e.Stdout.Write([]byte("\x1b[H\x1b[2J\x1b[3J"))
	return err
}
