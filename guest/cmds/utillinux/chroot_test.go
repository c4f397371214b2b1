package utillinux

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestChrootErrors(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"root/bin/notexec": "x", "file": ""})
	t.Setenv("PATH", "/bin")
	tests := []struct {
		args   []string
		errOut string
		status int
	}{
		{[]string{"nodir"}, "chroot: can't change root directory to 'nodir': No such file or directory\n", 1},
		{[]string{"file", "x"}, "chroot: can't change root directory to 'file': Not a directory\n", 1},
		{[]string{"root", "/bin/nope"}, "chroot: can't execute '/bin/nope': No such file or directory\n", 127},
		{[]string{"root", "nope"}, "chroot: can't execute 'nope': No such file or directory\n", 127},
		{[]string{"root", "/bin/notexec"}, "chroot: can't execute '/bin/notexec': Permission denied\n", 126},
		{[]string{"root", "notexec"}, "chroot: can't execute 'notexec': Permission denied\n", 126},
		{nil, "chroot: missing DIR\nusage: chroot DIR [COMMAND [ARG]...]\n", 2},
	}
	for _, tt := range tests {
		_, errOut, st := cmdtest.Run(t, dir, "", "chroot", tt.args...)
		if errOut != tt.errOut || st != tt.status {
			t.Errorf("chroot %q = %q, %d; want %q, %d", tt.args, errOut, st, tt.errOut, tt.status)
		}
	}
}

// TestChroot runs BusyBox's static binary inside a root of its own,
// when there is one and we are root.
func TestChroot(t *testing.T) {
	bb, err := exec.LookPath("busybox")
	if os.Geteuid() != 0 || err != nil {
		t.Skip("needs root and a static busybox")
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "root/bin"), 0o755)
	src, _ := os.Open(bb)
	dst, _ := os.OpenFile(filepath.Join(dir, "root/bin/sh"), os.O_WRONLY|os.O_CREATE, 0o755)
	io.Copy(dst, src)
	src.Close()
	dst.Close()
	os.WriteFile(filepath.Join(dir, "root/marker"), nil, 0o644)
	t.Setenv("PATH", "/bin")
	out, errOut, st := cmdtest.Run(t, dir, "in\n", "chroot", "root", "sh", "-c", `read x; echo $x /*; pwd; exit 3`)
	if out != "in /bin /marker\n/\n" || st != 3 {
		t.Errorf("chroot root sh -c ... = %q, %q, %d", out, errOut, st)
	}
	t.Setenv("SHELL", "/bin/sh")
	out, _, st = cmdtest.Run(t, dir, "echo default shell\n", "chroot", "root")
	if !strings.Contains(out, "default shell\n") || st != 0 { // -i: BusyBox's banner and prompts too
		t.Errorf("chroot root (the default shell) = %q, %d", out, st)
	}
}
