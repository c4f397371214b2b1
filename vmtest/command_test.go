package vmtest_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestRestoredGuestsDiffer runs two commands at once from one snapshot:
// each guest has the host's time, not the snapshot's, and random bytes
// of its own (the kernel's generator is reseeded from the host on every
// restore; two guests sharing a snapshot's state would draw the same).
func TestRestoredGuestsDiffer(t *testing.T) {
	t.Parallel()
	vmtest.Command(t, nil, "true") // the snapshot, if it is not there yet
	time.Sleep(2 * time.Second)    // so that a clock left at the snapshot's time shows
	start := time.Now().Unix()
	var wg sync.WaitGroup
	outs := make([]string, 2)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := vmtest.Command(t, nil, "sh", "-c", "date +%s; head -c 32 /dev/urandom | sha256sum")
			outs[i] = r.Stdout
		}()
	}
	wg.Wait()
	now := time.Now().Unix()
	var sums []string
	for _, out := range outs {
		f := strings.Fields(out)
		if len(f) < 2 {
			t.Fatalf("output %q", out)
		}
		secs, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || secs < start-1 || secs > now+1 {
			t.Errorf("the guest's clock says %s, the host's %d", f[0], now)
		}
		sums = append(sums, f[1])
	}
	if sums[0] == sums[1] {
		t.Errorf("two restored guests drew the same random bytes (%s)", sums[0])
	}
}
