package modprobe

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

// TestStaticNodes: the nodes of modules.devname are made, with their
// directories, before any module is loaded; existing ones are kept.
func TestStaticNodes(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("making device nodes needs root")
	}
	root := t.TempDir()
	if made, err := StaticNodes(root, "6.1.0-1-amd64"); err != nil || made != nil {
		t.Errorf("StaticNodes without modules.devname = %q, %v", made, err)
	}
	write(t, root, map[string]string{
		"lib/modules/6.1.0-1-amd64/modules.devname": "# Device nodes to trigger on-demand module loading.\n" +
			"fuse fuse c10:229\nloop loop-control c10:237\ntun net/tun c10:200\nblk blk0 b250:3\n",
		"dev/fuse": "a file that is there already",
	})
	made, err := StaticNodes(root, "6.1.0-1-amd64")
	if err != nil || !reflect.DeepEqual(made, []string{"/dev/loop-control", "/dev/net/tun", "/dev/blk0"}) {
		t.Fatalf("StaticNodes = %q, %v", made, err)
	}
	for _, c := range []struct {
		path         string
		mode         uint32
		major, minor uint32
	}{
		{"dev/net/tun", unix.S_IFCHR, 10, 200},
		{"dev/loop-control", unix.S_IFCHR, 10, 237},
		{"dev/blk0", unix.S_IFBLK, 250, 3},
	} {
		var st unix.Stat_t
		if err := unix.Stat(filepath.Join(root, c.path), &st); err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if st.Mode != c.mode|0o600 || unix.Major(st.Rdev) != c.major || unix.Minor(st.Rdev) != c.minor {
			t.Errorf("%s: mode %o, device %d:%d; want %o, %d:%d", c.path, st.Mode, unix.Major(st.Rdev), unix.Minor(st.Rdev), c.mode|0o600, c.major, c.minor)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(root, "dev/fuse")); string(b) != "a file that is there already" {
		t.Errorf("an existing /dev/fuse was replaced")
	}
	if made, err := StaticNodes(root, "6.1.0-1-amd64"); err != nil || len(made) != 0 {
		t.Errorf("StaticNodes again = %q, %v; want nothing new", made, err)
	}
}
