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

// TestCollectTooLarge asks for a file larger than the protocol carries:
// the others come back, and the command's stderr says which was left
// out, rather than the VM seeming to end before the command did.
func TestCollectTooLarge(t *testing.T) {
	t.Parallel()
	r := vmtest.Command(t, &vmtest.CommandOptions{Collect: []string{"/tmp/big", "/tmp/small"}},
		"sh", "-c", "head -c 17000000 /dev/zero > /tmp/big; echo small > /tmp/small")
	if r.Status != 0 || string(r.Files["/tmp/small"]) != "small\n" || r.Files["/tmp/big"] != nil {
		t.Errorf("status %d, files %d", r.Status, len(r.Files))
	}
	if !strings.Contains(r.Stderr, "/tmp/big: file too large to collect") {
		t.Errorf("stderr %q", r.Stderr)
	}
}

// TestOutOfMemoryExplained: a command the kernel's OOM killer ends gets
// status 137 and a line saying why, from init (not read off the console).
func TestOutOfMemoryExplained(t *testing.T) {
	t.Parallel()
	r := vmtest.GoCommand(t, &vmtest.CommandOptions{Options: vmtest.Options{Mem: 128}}, "./testdata/hog")
	if r.Status != 137 || !strings.Contains(r.Stderr, "killed by the kernel's out-of-memory killer") {
		t.Errorf("status %d, stderr %q", r.Status, r.Stderr)
	}
}
