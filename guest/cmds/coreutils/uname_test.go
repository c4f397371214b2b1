package coreutils

import (
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestUname(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "uname", "-a")
	if st != 0 || !strings.HasPrefix(out, "Linux ") || !strings.HasSuffix(out, " Linux\n") || strings.Contains(out, "unknown") {
		t.Errorf("-a: status %d, stderr %q, out %q", st, errs, out)
	}
	if out, _, _ := cmdtest.Run(t, "", "", "uname"); out != "Linux\n" {
		t.Errorf("plain: %q", out)
	}
	// The order is uname's, not the flags'.
	m, _, _ := cmdtest.Run(t, "", "", "uname", "-m")
	if out, _, _ := cmdtest.Run(t, "", "", "uname", "-om", "-s"); out != "Linux "+strings.TrimSpace(m)+" Linux\n" {
		t.Errorf("-om -s: %q", out)
	}
	if out, _, _ := cmdtest.Run(t, "", "", "uname", "-p"); out != "unknown\n" {
		t.Errorf("-p: %q", out)
	}
	if _, _, st := cmdtest.Run(t, "", "", "uname", "x"); st != 2 {
		t.Errorf("operand: status %d", st)
	}
}
