package initutils

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestLogs(t *testing.T) {
	defer func(d string) { logDir = d }(logDir)
	logDir = t.TempDir()
	if out, _, st := cmdtest.Run(t, "/", "", "logs"); st != 0 || !strings.Contains(out, "no logs") {
		t.Errorf("no logs: %q %d", out, st)
	}
	os.WriteFile(filepath.Join(logDir, "httpd"), []byte("[ 1.0s] httpd: a\n[ 2.0s] httpd: b\n[ 3.0s] httpd: c\n"), 0o644)
	if out, _, _ := cmdtest.Run(t, "/", "", "logs"); !strings.Contains(out, "httpd") {
		t.Errorf("list: %q", out)
	}
	if out, _, _ := cmdtest.Run(t, "/", "", "logs", "-n", "2", "httpd"); out != "[ 2.0s] httpd: b\n[ 3.0s] httpd: c\n" {
		t.Errorf("-n 2: %q", out)
	}
	if _, errOut, st := cmdtest.Run(t, "/", "", "logs", "nope"); st != 1 || !strings.Contains(errOut, "logs: nope: no such log") {
		t.Errorf("missing: %q %d", errOut, st)
	}
}
