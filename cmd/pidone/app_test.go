package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Two --app packages with the same name would both be /bin/NAME in the
// guest: refused, naming both. One package twice (two instances with
// their own arguments) is fine.
func TestAppNames(t *testing.T) {
	env := []string{"PIDONE_CACHE=" + t.TempDir(), "PIDONE_KERNEL="}
	guest := filepath.Join(t.TempDir(), "guest")
	os.WriteFile(guest, []byte("\x7fELF a guest"), 0o755)
	out := filepath.Join(t.TempDir(), "x.cpio")
	_, stderr, code := pidone(t, env, "build", "--guest", guest, "-o", out,
		"--app", "./testdata/app/p1/server -a", "--app", "./testdata/app/p2/server")
	oneLine(t, stderr, code, 2, "--app ./testdata/app/p1/server", "--app ./testdata/app/p2/server", "/bin/server")
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s written", out)
	}
	_, stderr, code = pidone(t, env, "build", "--guest", guest, "-o", out,
		"--app", "./testdata/app/p1/server -a", "--app", "./testdata/app/p1/server -b")
	if code != 0 {
		t.Errorf("one package twice: status %d: %s", code, stderr)
	}
}
