package coreutils

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestIDLine(t *testing.T) {
	users := map[int]string{0: "root", 1000: "ann"}
	groups := map[int]string{0: "root", 5: "tty"}
	if got := idLine(idInfo{groups: []int{0}}, users, groups); got != "uid=0(root) gid=0(root) groups=0(root)" {
		t.Errorf("root: %q", got)
	}
	got := idLine(idInfo{uid: 1000, gid: 100, euid: 0, egid: 100, groups: []int{100, 5}}, users, groups)
	if got != "uid=1000(ann) gid=100 euid=0(root) groups=100,5(tty)" {
		t.Errorf("ann: %q", got)
	}
	// A process without supplementary groups, as init's: no groups=, as
	// in BusyBox.
	if got := idLine(idInfo{}, users, groups); got != "uid=0(root) gid=0(root)" {
		t.Errorf("no groups: %q", got)
	}
}

func TestID(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "id")
	uid := strconv.Itoa(os.Geteuid())
	extra, _ := os.Getgroups()
	if st != 0 || !strings.HasPrefix(out, "uid="+strconv.Itoa(os.Getuid())) || strings.Contains(out, " groups=") != (len(extra) > 0) {
		t.Errorf("id: %d %q %q", st, out, errs)
	}
	if out, _, _ := cmdtest.Run(t, "", "", "id", "-u"); out != uid+"\n" {
		t.Errorf("id -u: %q", out)
	}
	if os.Geteuid() == 0 && cmds.AccountNames(false)[0] == "root" {
		if out, _, _ := cmdtest.Run(t, "", "", "id", "-un"); out != "root\n" {
			t.Errorf("id -un: %q", out)
		}
		if out, _, _ := cmdtest.Run(t, "", "", "whoami"); out != "root\n" {
			t.Errorf("whoami: %q", out)
		}
		if out, _, st := cmdtest.Run(t, "", "", "id", "root"); st != 0 || !strings.HasPrefix(out, "uid=0(root) gid=0(root) groups=0(root)") {
			t.Errorf("id root: %d %q", st, out)
		}
	}
	if _, errs, st := cmdtest.Run(t, "", "", "id", "no-such-user-here"); st != 1 || errs != "id: 'no-such-user-here': no such user\n" {
		t.Errorf("id unknown: %d %q", st, errs)
	}
	for _, args := range [][]string{{"-n"}, {"-u", "-g"}, {"a", "b"}} {
		if _, _, st := cmdtest.Run(t, "", "", "id", args...); st != 2 {
			t.Errorf("id %q: status %d, want 2", args, st)
		}
	}
}
