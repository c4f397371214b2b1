package vmtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/host/kernel"
)

// The guest a test binary builds goes in pidone's cache, not in a
// temporary directory that nothing removes.
func TestGuestLeavesNoTempDir(t *testing.T) {
	SkipInGuest(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	g := Guest(t)
	cache, err := kernel.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(g, cache+string(filepath.Separator)) {
		t.Errorf("the guest was built to %s, outside pidone's cache %s", g, cache)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("Guest left %v in TMPDIR", entries)
	}
	if entries, _ := os.ReadDir(filepath.Dir(g)); len(entries) == 0 {
		t.Errorf("no guest in %s", filepath.Dir(g))
	} else {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("Guest left %s beside the guest", e.Name())
			}
		}
	}
}
