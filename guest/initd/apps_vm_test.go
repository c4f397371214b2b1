package initd_test

import (
	"regexp"
	"strings"
	"testing"

	"pidone.dev/host/system"
	"pidone.dev/vmtest"
)

// TestAppLongLine boots an appliance that prints a 200 KB line: init must
// log the lines after it and keep draining its output, or the appliance
// blocks on its next write.
func TestAppLongLine(t *testing.T) {
	t.Parallel()
	vmtest.SkipInGuest(t)
	v := vmtest.Start(t, &vmtest.Options{Apps: []system.App{{Pkg: "./testdata/longline"}}})
	m, err := v.ExpectRegexp(regexp.MustCompile(`longline: marker-after-long-line pid (\d+)\r?\n`), vmtest.Timeout)
	if err != nil {
		t.Fatalf("the marker after the long line did not reach the console: %v\n%.3000s", err, v.Output())
	}
	pid := m[1]
	// The appliance says nothing more, so the console is the shell's
	// from the next prompt on (the first may have come before the
	// marker, or not yet).
	v.Send("echo sync-$((1+1))\n")
	v.MustExpect("sync-2")
	v.WaitPrompt()
	if out := v.Run("logs longline | grep -c 'marker-after-long-line pid " + pid + "'"); strings.TrimSpace(out) != "1" {
		t.Errorf("the marker after the long line is not in the log: %q", out)
	}
	if out := v.Run("logs longline | grep -c 'more bytes of this line not logged'"); strings.TrimSpace(out) != "1" {
		t.Errorf("the long line is not logged shortened: %q", out)
	}
	if out := v.Run("cat /proc/" + pid + "/cmdline; echo"); !strings.Contains(out, "/bin/longline") {
		t.Errorf("the appliance (pid %s) is gone: %q", pid, out)
	}
}
