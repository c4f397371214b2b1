package utillinux

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
	"pidone.dev/host/disk"
	"pidone.dev/host/image"
	"pidone.dev/vmtest"
)

// TestLosetup attaches, lists and detaches on the host when it can (as
// root, with loop devices); TestLosetupMountInGuest does it in a guest.
func TestLosetup(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("loop devices need root")
	}
	if _, err := os.Stat("/dev/loop-control"); err != nil {
		t.Skip("no /dev/loop-control")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "img"), make([]byte, 64<<10), 0o644)
	dev, errOut, st := cmdtest.Run(t, dir, "", "losetup", "-f", "--show", "-o", "512", "img")
	dev = strings.TrimSpace(dev)
	if st != 0 || !regexp.MustCompile(`^/dev/loop\d+$`).MatchString(dev) {
		t.Fatalf("losetup -f --show img = %q, %q, %d", dev, errOut, st)
	}
	defer cmdtest.Run(t, dir, "", "losetup", "-d", dev)
	out, _, _ := cmdtest.Run(t, dir, "", "losetup", dev)
	if out != dev+": 512 img\n" {
		t.Errorf("losetup %s = %q", dev, out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "losetup", "-a")
	if !strings.Contains(out, dev+": 512 img\n") {
		t.Errorf("losetup -a = %q", out)
	}
	free, _, _ := cmdtest.Run(t, dir, "", "losetup", "-f")
	if strings.TrimSpace(free) == dev {
		t.Errorf("losetup -f gave the attached %s", dev)
	}
	if _, errOut, st := cmdtest.Run(t, dir, "", "losetup", "-d", dev); st != 0 {
		t.Errorf("losetup -d: %q", errOut)
	}
	_, errOut, st = cmdtest.Run(t, dir, "", "losetup", dev)
	if st != 1 || errOut != "losetup: "+dev+": No such device or address\n" {
		t.Errorf("a detached device: %q, %d", errOut, st)
	}
	_, errOut, st = cmdtest.Run(t, dir, "", "losetup", "-f", "nofile")
	if st != 1 || errOut != "losetup: nofile: No such file or directory\n" {
		t.Errorf("a missing file: %q, %d", errOut, st)
	}
}

func TestLosetupUsage(t *testing.T) {
	for _, args := range [][]string{{"-d"}, {"a", "b", "c"}, {"-f", "a", "b"}} {
		if _, _, st := cmdtest.Run(t, t.TempDir(), "", "losetup", args...); st != 2 {
			t.Errorf("losetup %q: status %d, want 2", args, st)
		}
	}
	if _, errOut, st := cmdtest.Run(t, t.TempDir(), "", "losetup", "-o", "x", "-f", "img"); st != 1 || errOut != "losetup: invalid number 'x'\n" {
		t.Errorf("-o x: %q %d", errOut, st)
	}
}

// TestLosetupMountInGuest attaches an ext4 image in a guest whose loop
// driver is a module (Debian's kernels): the image's static
// /dev/loop-control loads it when losetup opens it.
func TestLosetupMountInGuest(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a VM")
	}
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src/hello"), []byte("hello from ext4\n"), 0o644)
	img := filepath.Join(dir, "fs.img")
	if err := disk.Create(context.Background(), img, disk.Options{Size: 4 << 20, From: filepath.Join(dir, "src")}); err != nil {
		t.Skipf("no ext4 image: %v", err)
	}
	v := vmtest.Boot(t, &vmtest.Options{Modules: "loop", Files: []image.File{{Host: img, Guest: "/fs.img"}}})
	out := v.Run(`dev=$(losetup -f --show /fs.img) && losetup $dev && mkdir -p /mnt/l && mount -t ext4 $dev /mnt/l && cat /mnt/l/hello && umount /mnt/l && losetup -d $dev && losetup -a | wc -l`)
	if !regexp.MustCompile(`(?m)^/dev/loop\d+: 0 /fs.img\nhello from ext4\n0\s*$`).MatchString(out) {
		t.Errorf("losetup and mount in the guest:\n%s", out)
	}
}
