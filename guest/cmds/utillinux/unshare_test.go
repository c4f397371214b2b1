package utillinux

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

// canUnshare skips the test where new namespaces cannot be made.
func canUnshare(t *testing.T, flag string) {
	t.Helper()
	if _, errs, st := cmdtest.Run(t, "", "", "unshare", flag, "true"); st != 0 {
		t.Skipf("cannot make namespaces here: %q", errs)
	}
}

func TestUnshare(t *testing.T) {
	canUnshare(t, "-u")
	self, _ := os.Hostname()
	if out, errs, st := cmdtest.Run(t, "", "", "unshare", "-u", "sh", "-c", "hostname pidone-unshare-test && hostname"); st != 0 || out != "pidone-unshare-test\n" {
		t.Errorf("unshare -u: %d %q %q", st, out, errs)
	}
	if now, _ := os.Hostname(); now != self {
		t.Fatalf("the host name changed outside: %q", now)
	}
	// The program's status is unshare's.
	if _, _, st := cmdtest.Run(t, "", "", "unshare", "-i", "sh", "-c", "exit 7"); st != 7 {
		t.Errorf("unshare's status %d, want 7", st)
	}
	if _, _, st := cmdtest.Run(t, "", "", "unshare", "sh", "-c", "kill -TERM $$"); st != 143 {
		t.Errorf("a program killed by TERM: %d, want 143", st)
	}
	// Namespaces differ from ours, whichever is asked for.
	for _, ns := range []struct{ flag, name string }{{"-m", "mnt"}, {"-n", "net"}, {"-i", "ipc"}, {"-u", "uts"}} {
		ours, _ := os.Readlink("/proc/self/ns/" + ns.name)
		out, errs, st := cmdtest.Run(t, "", "", "unshare", ns.flag, "readlink", "/proc/self/ns/"+ns.name)
		if st != 0 || out == "" || strings.TrimSpace(out) == ours {
			t.Errorf("unshare %s: %d %q %q (ours %s)", ns.flag, st, out, errs, ours)
		}
	}
}

func TestUnsharePID(t *testing.T) {
	canUnshare(t, "-p")
	if out, errs, st := cmdtest.Run(t, "", "", "unshare", "-p", "-f", "sh", "-c", "echo $$"); st != 0 || out != "1\n" {
		t.Errorf("unshare -p -f: %d %q %q", st, out, errs)
	}
}

func TestUnshareUser(t *testing.T) {
	canUnshare(t, "-U")
	out, errs, st := cmdtest.Run(t, "", "", "unshare", "-r", "sh", "-c", "id -u; cat /proc/self/uid_map")
	if st != 0 {
		t.Fatalf("unshare -r: %d %q", st, errs)
	}
	f := strings.Fields(out)
	if len(f) != 4 || f[0] != "0" || f[1] != "0" || f[2] != strconv.Itoa(os.Geteuid()) || f[3] != "1" {
		t.Errorf("unshare -r: %q", out)
	}
}

func TestUnshareErrors(t *testing.T) {
	if _, errs, st := cmdtest.Run(t, "", "", "unshare", "no-such-program-here"); st != 127 || errs != "unshare: can't execute 'no-such-program-here': No such file or directory\n" {
		t.Errorf("unshare of nothing: %d %q", st, errs)
	}
	if _, _, st := cmdtest.Run(t, "", "", "unshare", "-x"); st != 2 {
		t.Errorf("unshare -x: %d, want 2", st)
	}
}
