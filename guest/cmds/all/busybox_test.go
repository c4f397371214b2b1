package all_test

import (
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
// on Debian), or fails the test saying how to get it.
func hostBusybox(t testing.TB) string {
	t.Helper()
	busyboxInstall.once.Do(func() {
		if _, err := os.Stat(busyboxPath); err == nil {
			return
		}
		if _, err := exec.LookPath("apt-get"); err != nil {
			busyboxInstall.err = "no " + busyboxPath + ": install BusyBox 1.35 (apt-get install -y busybox-static) or put a static busybox there"
			return
		}
		cmd := exec.Command("apt-get", "install", "-y", "-qq", "busybox-static")
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			// A fresh machine has no package lists yet.
			upd := exec.Command("apt-get", "update", "-qq")
			upd.Env = cmd.Env
			if o, err := upd.CombinedOutput(); err != nil {
				busyboxInstall.err = "apt-get update: " + err.Error() + "\n" + string(o)
				return
			}
			cmd = exec.Command("apt-get", "install", "-y", "-qq", "busybox-static")
			cmd.Env = upd.Env
			if out, err = cmd.CombinedOutput(); err != nil {
				busyboxInstall.err = "apt-get install -y busybox-static: " + err.Error() + "\n" + string(out)
			}
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
