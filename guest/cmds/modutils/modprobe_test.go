package modutils

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds/cmdtest"
)

// modTree makes a root with the running kernel's /lib/modules (as pidone
// build writes it) and a /proc/modules, and points the module commands
// at it. Nothing is loaded: the tests stop short of the kernel.
func modTree(t *testing.T, withModules bool) (root, release string) {
	t.Helper()
	var u unix.Utsname
	unix.Uname(&u)
	release = unix.ByteSliceToString(u.Release[:])
	root = t.TempDir()
	dir := filepath.Join(root, "lib/modules", release)
	files := map[string]string{
		"proc/modules": "virtio_net 69632 0 - Live 0xffffffffc0000000\n" +
			"net_failover 24576 1 virtio_net, Live 0xffffffffc0010000\n" +
			"failover 16384 1 net_failover, Live 0xffffffffc0020000\n" +
			"virtio_ring 45056 2 virtio_net,virtio_rng, Live 0xffffffffc0030000\n" +
			"virtio 16384 2 virtio_net,virtio_rng, Live 0xffffffffc0040000\n" +
			"virtio_rng 16384 0 - Live 0xffffffffc0050000\n",
	}
	if withModules {
		files["lib/modules/"+release+"/modules.dep"] = "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko\n" +
			"kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko\n" +
			"kernel/net/core/failover.ko:\n" +
			"kernel/drivers/virtio/virtio_ring.ko:\n" +
			"kernel/drivers/virtio/virtio.ko:\n" +
			"kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko\n" +
			"kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko\n" +
			"kernel/fs/9p/9p.ko:\n"
		files["lib/modules/"+release+"/modules.alias"] = "alias virtio:d00000002v* virtio_blk\nalias fs-9p 9p\n"
		files["lib/modules/"+release+"/modules.builtin"] = "kernel/fs/ext4/ext4.ko\n"
	}
	for p, body := range files {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !withModules {
		os.MkdirAll(dir, 0o755)
		os.Remove(dir)
	}
	old := modRoot
	modRoot = root
	t.Cleanup(func() { modRoot = old })
	return root, release
}

func TestModprobe(t *testing.T) {
	_, rel := modTree(t, true)
	dir := "/lib/modules/" + rel
	for _, c := range []struct {
		args           []string
		stdout, stderr string
		status         int
	}{
		{[]string{"nosuchmod"}, "", "modprobe: nosuchmod: no such module in " + dir + " (pidone build --modules adds modules)\n", 1},
		{[]string{"-q", "nosuchmod"}, "", "", 1},
		{[]string{"-q", "--", "fs-nosuch"}, "", "", 1},
		{[]string{"ext4"}, "modprobe: ext4 is built into the kernel\n", "", 0},
		{[]string{"-q", "ext4"}, "", "", 0},
		// Loaded already: nothing to do.
		{[]string{"virtio-net"}, "", "", 0},
		// What is loaded is skipped; parameters go to the module named.
		{[]string{"-n", "virtio_blk", "queue_depth=4", "x=y"}, "insmod " + dir + "/kernel/drivers/block/virtio_blk.ko queue_depth=4 x=y\n", "", 0},
		{[]string{"-n", "virtio:d00000002v00001AF4"}, "insmod " + dir + "/kernel/drivers/block/virtio_blk.ko\n", "", 0},
		{[]string{"-vn", "fs-9p"}, "insmod " + dir + "/kernel/fs/9p/9p.ko\n", "", 0},
		{[]string{"-na", "9p", "virtio_blk", "nosuch"}, "insmod " + dir + "/kernel/fs/9p/9p.ko\ninsmod " + dir + "/kernel/drivers/block/virtio_blk.ko\n",
			"modprobe: nosuch: no such module in " + dir + " (pidone build --modules adds modules)\n", 1},
		// Removal: the module, then what it needed and nothing else uses.
		{[]string{"-rn", "virtio_net"}, "rmmod virtio_net\nrmmod net_failover\nrmmod failover\n", "", 0},
		{[]string{"-r", "virtio_ring"}, "", "modprobe: virtio_ring: in use by virtio_net, virtio_rng\n", 1},
		{[]string{"-r", "virtio_blk"}, "", "modprobe: virtio_blk: not loaded\n", 1},
		{[]string{}, "", "modprobe: no module named\nusage: modprobe [-qvn] [-r] NAME [PARAM=VALUE]... | -a NAME...\n", 2},
	} {
		stdout, stderr, status := cmdtest.Run(t, "", "", "modprobe", c.args...)
		if stdout != c.stdout || stderr != c.stderr || status != c.status {
			t.Errorf("modprobe %q:\nstdout %q\nstderr %q\nstatus %d\nwant %q, %q, %d", c.args, stdout, stderr, status, c.stdout, c.stderr, c.status)
		}
	}
}

func TestModprobeWithoutModules(t *testing.T) {
	_, rel := modTree(t, false)
	_, stderr, status := cmdtest.Run(t, "", "", "modprobe", "virtio_net")
	want := "modprobe: virtio_net: no such module in /lib/modules/" + rel + " (pidone build --modules adds modules)\n"
	if stderr != want || status != 1 {
		t.Errorf("modprobe in an image without modules: %q, %d; want %q, 1", stderr, status, want)
	}
}

func TestLsmod(t *testing.T) {
	modTree(t, true)
	stdout, stderr, status := cmdtest.Run(t, "", "", "lsmod")
	want := `Module                  Size  Used by
virtio_net             69632  0
net_failover           24576  1 virtio_net
failover               16384  1 net_failover
virtio_ring            45056  2 virtio_net,virtio_rng
virtio                 16384  2 virtio_net,virtio_rng
virtio_rng             16384  0
`
	if stdout != want || stderr != "" || status != 0 {
		t.Errorf("lsmod:\n%s%s(status %d)\nwant:\n%s", stdout, stderr, status, want)
	}
}

func TestInsmodRmmodErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.ko.xz"), []byte("xz"), 0o644)
	for _, c := range []struct {
		name   string
		args   []string
		stderr string
		status int
	}{
		{"insmod", []string{"x.ko.xz"}, "insmod: " + dir + "/x.ko.xz: compressed modules cannot be loaded here; decompress it first (pidone build decompresses the modules it adds)\n", 1},
		{"insmod", []string{"/no/such.ko"}, "insmod: /no/such.ko: No such file or directory\n", 1},
		{"insmod", nil, "insmod: no module file named\nusage: insmod FILE [PARAM=VALUE]...\n", 2},
		{"rmmod", nil, "rmmod: no module named\nusage: rmmod NAME...\n", 2},
	} {
		_, stderr, status := cmdtest.Run(t, dir, "", c.name, c.args...)
		if stderr != c.stderr || status != c.status {
			t.Errorf("%s %q: %q, %d; want %q, %d", c.name, c.args, stderr, status, c.stderr, c.status)
		}
	}
	if os.Geteuid() != 0 {
		_, stderr, _ := cmdtest.Run(t, dir, "", "rmmod", "pidone_no_such_module")
		if !strings.HasPrefix(stderr, "rmmod: pidone_no_such_module: ") {
			t.Errorf("rmmod of nothing: %q", stderr)
		}
	}
}
