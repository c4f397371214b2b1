package all_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The BusyBox pidone's commands are measured against: Debian's
// busybox-static (1.35 on bookworm), the one people's scripts and habits
// come from.
const busyboxPath = "/bin/busybox"

var busyboxInstall struct {
	once sync.Once
	err  string
}

// hostBusybox returns the host's busybox-static, installing it with
// apt-get when it is missing (the tests run as root, as make test does
// on Debian; make deps installs it too), or fails the test saying what
// is missing and how to get it.
func hostBusybox(t testing.TB) string {
	t.Helper()
	busyboxInstall.once.Do(func() {
		if _, err := os.Stat(busyboxPath); err == nil {
			return
		}
		apt := func(args ...string) error {
			cmd := exec.Command("apt-get", args...)
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			return nil
		}
		var err error
		if _, err = exec.LookPath("apt-get"); err == nil {
			if err = apt("install", "-y", "-qq", "busybox-static"); err != nil {
				// A fresh machine has no package lists yet.
				if err = apt("update", "-qq"); err == nil {
					err = apt("install", "-y", "-qq", "busybox-static")
				}
			}
		}
		if err == nil {
			_, err = os.Stat(busyboxPath)
		}
		if err != nil {
			busyboxInstall.err = "BusyBox is missing: pidone's commands are compared with Debian's busybox-static (1.35) at " +
				busyboxPath + ", which could not be installed (run make deps, or apt-get install -y busybox-static, " +
				"or put a static busybox there): " + err.Error()
		}
	})
	if busyboxInstall.err != "" {
		t.Fatal(busyboxInstall.err)
	}
	return busyboxPath
}

// busyboxLinks makes a directory with a link to bb for each of its
// applets but those in leave, to be a PATH.
func busyboxLinks(t testing.TB, bb string, leave ...string) string {
	t.Helper()
	out, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatalf("%s --list: %v", bb, err)
	}
	dir := t.TempDir()
	skip := map[string]bool{}
	for _, l := range leave {
		skip[l] = true
	}
	for _, name := range strings.Fields(string(out)) {
		if skip[name] {
			continue
		}
		if err := os.Symlink(bb, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// busyboxVersion is the first line BusyBox prints about itself.
func busyboxVersion(bb string) string {
	out, _ := exec.Command(bb).Output()
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSuffix(line, " multi-call binary.")
}
