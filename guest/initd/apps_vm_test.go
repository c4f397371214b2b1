package initd_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/vmtest"
)

// TestAppLongLine boots an appliance that prints a 200 KB line: init must
// log the lines after it and keep draining its output, or the appliance
// blocks on its next write.
func TestAppLongLine(t *testing.T) {
	t.Parallel()
	vmtest.SkipInGuest(t)
	bin := filepath.Join(t.TempDir(), "longline")
	if err := gobuild.Build(context.Background(), ".", "./testdata/longline", "", bin); err != nil {
		t.Fatal(err)
	}
	v := vmtest.Boot(t, &vmtest.Options{
		Cmdline: "pidone.app=/bin/longline",
		Files:   []image.File{{Host: bin, Guest: "/bin/longline"}},
	})
	m := regexp.MustCompile(`longline: marker-after-long-line pid (\d+)`).FindStringSubmatch(v.Run("logs longline"))
	if m == nil {
		t.Fatalf("the marker after the long line is not in the log:\n%.3000s", v.Output())
	}
	if !strings.Contains(v.Output(), "longline: marker-after-long-line") {
		t.Errorf("the marker did not reach the console")
	}
	if out := v.Run("cat /proc/" + m[1] + "/cmdline; echo"); !strings.Contains(out, "/bin/longline") {
		t.Errorf("the appliance (pid %s) is gone: %q", m[1], out)
	}
	if out := v.Run("logs longline | grep -c 'more bytes of this line not logged'"); strings.TrimSpace(out) != "1" {
		t.Errorf("the long line is not logged shortened: %q", out)
	}
}
