package consoletools

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestClear(t *testing.T) {
	if out, _, st := cmdtest.Run(t, "", "", "clear"); out != "\x1b[H\x1b[2J\x1b[3J" || st != 0 {
		t.Errorf("clear = %q, %d", out, st)
	}
	if _, _, st := cmdtest.Run(t, "", "", "clear", "x"); st != 2 {
		t.Errorf("clear x: %d", st)
	}
}
