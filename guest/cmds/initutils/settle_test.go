package initutils

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestSettle(t *testing.T) {
	defer func(f string) { settledFile = f }(settledFile)
	settledFile = filepath.Join(t.TempDir(), "settled")
	if _, errOut, st := cmdtest.Run(t, "/", "", "settle", "-t", "0"); st != 1 || !strings.Contains(errOut, "settle: drivers still loading after 0s") {
		t.Errorf("not settled: %d %q", st, errOut)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		os.WriteFile(settledFile, nil, 0o644)
	}()
	if _, errOut, st := cmdtest.Run(t, "/", "", "settle"); st != 0 {
		t.Errorf("settled: %d %q", st, errOut)
	}
}
