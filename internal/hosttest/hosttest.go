// Package hosttest marks tests that need the host pidone runs on (QEMU,
// kernels, go, e2fsprogs, GNU cpio, room in /tmp), so that they skip
// when pidone test runs the project's own tests inside a VM, as vmtest's
// VM tests do, and say why.
package hosttest

import (
	"os"
	"testing"
)

// Only skips t inside a pidone test VM: what it needs is the host's.
func Only(t testing.TB, needs string) {
	t.Helper()
	if os.Getenv("PIDONE_IN_TEST_VM") == "1" {
		t.Skip("inside a pidone test VM; this test needs the host's " + needs)
	}
}
