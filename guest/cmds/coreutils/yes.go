package coreutils

import (
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "yes", Usage: "[STRING]...", Summary: "print a line (y, or the arguments) until killed", Run: yes})

func yes(e *cmds.Env, args []string) error {
	line := "y\n"
	if len(args) > 0 {
		line = strings.Join(args, " ") + "\n"
	}
	// Write in blocks: one write a line would make yes | head slow.
	block := strings.Repeat(line, max(1, 8192/len(line)))
	ctx := e.Context()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := e.Stdout.Write([]byte(block)); err != nil {
			// The reader went away (yes | head): that is how yes ends.
			return cmds.ExitStatus(1)
		}
	}
}
