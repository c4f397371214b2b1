package cmds

import (
	"strings"
	"testing"
)

func TestUname(t *testing.T) {
	out, errs, st := run(t, "", "", "uname", "-a")
	if st != 0 || !strings.HasPrefix(out, "Linux ") || !strings.HasSuffix(out, " Linux\n") || strings.Contains(out, "unknown") {
		t.Errorf("-a: status %d, stderr %q, out %q", st, errs, out)
	}
	if out, _, _ := run(t, "", "", "uname"); out != "Linux\n" {
		t.Errorf("plain: %q", out)
	}
	// The order is uname's, not the flags'.
	m, _, _ := run(t, "", "", "uname", "-m")
	if out, _, _ := run(t, "", "", "uname", "-om", "-s"); out != "Linux "+strings.TrimSpace(m)+" Linux\n" {
		t.Errorf("-om -s: %q", out)
	}
	if out, _, _ := run(t, "", "", "uname", "-p"); out != "unknown\n" {
		t.Errorf("-p: %q", out)
	}
	if _, _, st := run(t, "", "", "uname", "x"); st != 2 {
		t.Errorf("operand: status %d", st)
	}
}
