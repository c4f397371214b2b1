package vmtest_test

import (
	"strings"
	"testing"

	"pidone.dev/vmtest"
)

func TestCommand(t *testing.T) {
	t.Parallel()
	r := vmtest.Command(t, &vmtest.CommandOptions{Stdin: "in\n", Collect: []string{"/tmp/made"}},
		"sh", "-c", "cat; echo err >&2; echo made > /tmp/made; exit 4")
	if r.Status != 4 || r.Stdout != "in\n" || r.Stderr != "err\n" || string(r.Files["/tmp/made"]) != "made\n" {
		t.Errorf("result %+v", r)
	}
}

func TestGoCommand(t *testing.T) {
	t.Parallel()
	r := vmtest.GoCommand(t, nil, "./testdata/pid", "x")
	if r.Status != 0 || !strings.HasPrefix(r.Stdout, "args [x] ppid 1 ") {
		t.Errorf("result %+v", r)
	}
}
