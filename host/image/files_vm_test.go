package image_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"pidone.dev/host/elfdeps"
	"pidone.dev/host/image"
	"pidone.dev/vmtest"
)

// TestHostProgramsRun: the host's own dynamically linked programs, given
// with --file, run in the guest with the libraries they brought, and
// replace pidone's commands of the same names: /usr/sbin/ip is a link to
// /bin/ip on Debian, which in the guest would be pidone's ip.
func TestHostProgramsRun(t *testing.T) {
	vmtest.SkipInGuest(t)
	var files []image.File
	var script, want []string
	for _, c := range []struct{ prog, args string }{
		{"/usr/bin/ls", "--version"},
		{"/usr/sbin/ip", "-V"},
	} {
		if deps, err := elfdeps.Deps(c.prog, c.prog); err != nil || len(deps) == 0 {
			continue // not here, or not dynamically linked
		}
		out, err := exec.Command(c.prog, strings.Fields(c.args)...).Output()
		if err != nil {
			continue
		}
		name := c.prog[strings.LastIndex(c.prog, "/")+1:]
		files = append(files, image.File{Host: c.prog, Guest: c.prog})
		// By name, through PATH, as a user types it.
		script = append(script, "which "+name, name+" "+c.args)
		want = append(want, c.prog+"\n", string(out))
	}
	if files == nil {
		t.Skip("neither /usr/bin/ls nor /usr/sbin/ip is a dynamically linked program on this host")
	}
	if _, err := os.Stat("/usr/sbin/ip"); err != nil {
		t.Log("no /usr/sbin/ip here (iproute2): only ls is tried")
	}
	r := vmtest.Command(t, &vmtest.CommandOptions{Options: vmtest.Options{Files: files}},
		"sh", "-c", strings.Join(script, "; "))
	if r.Status != 0 || r.Stdout != strings.Join(want, "") {
		t.Errorf("status %d, output\n%s%s\nwant\n%s", r.Status, r.Stdout, r.Stderr, strings.Join(want, ""))
	}
}
