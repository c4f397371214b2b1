package utillinux

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestBlkHuman(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{0, "0B"}, {512, "512B"}, {1024, "1K"}, {1536, "1.5K"}, {32 << 20, "32M"},
		{256 << 30, "256G"}, {500107862016, "465.8G"}, {1<<30 - 1, "1024M"} /* as util-linux rounds */, {8 << 40, "8T"},
	} {
		if got := blkHuman(tt.n); got != tt.want {
			t.Errorf("blkHuman(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// fakeBlock lays out a /sys/block and /dev the way the kernel does for
// a virtio disk vda with two partitions, an empty loop device and a RAM
// disk, and points the commands at it. vda's node is a real ext4 image.
func fakeBlock(t *testing.T) (dev string) {
	t.Helper()
	root := t.TempDir()
	sys := filepath.Join(root, "sys", "block")
	dev = filepath.Join(root, "dev")
	write := func(p, s string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	disk := func(name, devno string, sectors int64, ro string) string {
		d := filepath.Join(sys, name)
		write(filepath.Join(d, "dev"), devno)
		write(filepath.Join(d, "size"), strconv.FormatInt(sectors, 10))
		write(filepath.Join(d, "ro"), ro)
		write(filepath.Join(d, "removable"), "0")
		return d
	}
	vda := disk("vda", "254:0", 65536, "0")
	for i, p := range []string{"vda10", "vda2", "vda1"} {
		d := filepath.Join(vda, p)
		write(filepath.Join(d, "dev"), "254:"+p[3:])
		write(filepath.Join(d, "size"), strconv.Itoa(2048*(i+1)))
		write(filepath.Join(d, "ro"), "0")
		write(filepath.Join(d, "partition"), p[3:])
	}
	os.MkdirAll(filepath.Join(vda, "queue"), 0o755) // not a partition
	disk("vdb", "254:16", 2048, "1")
	disk("loop0", "7:0", 0, "0")
	disk("ram0", "1:0", 8192, "0")
	disk("sr0", "11:0", 0, "1")

	os.MkdirAll(dev, 0o755)
	mkfs := ""
	for _, n := range []string{"mkfs.ext4", "/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4"} {
		if p, err := exec.LookPath(n); err == nil {
			mkfs = p
			break
		}
	}
	if mkfs == "" {
		if os.Getenv("PIDONE_IN_TEST_VM") == "1" {
			t.Skip("no mkfs.ext4 in a pidone test VM")
		}
		t.Fatal("mkfs.ext4 not installed: make deps installs e2fsprogs")
	}
	img := filepath.Join(dev, "vda")
	f, _ := os.Create(img)
	f.Truncate(32 << 20)
	f.Close()
	if out, err := exec.Command(mkfs, "-F", "-q", "-L", "data", "-U", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext4: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dev, "vdb"), make([]byte, 1<<20), 0o644) // no filesystem
	mountinfo := filepath.Join(root, "mountinfo")
	write(mountinfo, "21 26 0:20 / /proc rw,relatime - proc proc rw\n"+
		"36 25 254:0 / /data rw,relatime shared:1 - ext4 /dev/vda rw\n"+
		`37 25 254:2 / /mnt/my\040disk rw - ext4 /dev/vda2 rw`)

	old := [3]string{blkSysBlock, blkDevDir, blkMountinfo}
	blkSysBlock, blkDevDir, blkMountinfo = sys, dev, mountinfo
	t.Cleanup(func() { blkSysBlock, blkDevDir, blkMountinfo = old[0], old[1], old[2] })
	return dev
}

func TestLsblk(t *testing.T) {
	fakeBlock(t)
	out, stderr, status := cmdtest.Run(t, "/", "", "lsblk")
	want := "" +
		"NAME    MAJ:MIN SIZE RO TYPE MOUNTPOINT\n" +
		"sr0     11:0      0B  1 rom  \n" +
		"vda     254:0    32M  0 disk /data\n" +
		"|-vda1  254:1     3M  0 part \n" +
		"|-vda2  254:2     2M  0 part /mnt/my disk\n" +
		"`-vda10 254:10    1M  0 part \n" +
		"vdb     254:16    1M  1 disk \n"
	if out != want || status != 0 || stderr != "" {
		t.Errorf("lsblk: status %d, stderr %q, output:\n%s\nwant:\n%s", status, stderr, out, want)
	}
	out, _, _ = cmdtest.Run(t, "/", "", "lsblk", "-a", "-l", "-n", "-b")
	for _, w := range []string{"\nloop0 ", "\nram0 ", "\nvda1 ", "\nvda ", " 33554432 "} {
		if !strings.Contains("\n"+out, w) {
			t.Errorf("lsblk -alnb lacks %q:\n%s", w, out)
		}
	}
	out, _, _ = cmdtest.Run(t, "/", "", "lsblk", "-d")
	if strings.Contains(out, "vda1") {
		t.Errorf("lsblk -d shows partitions:\n%s", out)
	}
	out, _, _ = cmdtest.Run(t, "/", "", "lsblk", "-f", "/dev/vda")
	if !strings.Contains(out, "vda     ext4   data  0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 /data") || !strings.Contains(out, "`-vda10") {
		t.Errorf("lsblk -f /dev/vda:\n%s", out)
	}
	out, _, _ = cmdtest.Run(t, "/", "", "lsblk", "-n", "vda2")
	if strings.TrimSpace(out) != "vda2 254:2 2M 0 part /mnt/my disk" {
		t.Errorf("lsblk vda2: %q", out)
	}
	_, stderr, status = cmdtest.Run(t, "/", "", "lsblk", "nope")
	if status != 1 || stderr != "lsblk: nope: not a block device\n" {
		t.Errorf("lsblk nope: status %d, %q", status, stderr)
	}
}

func TestBlkid(t *testing.T) {
	dev := fakeBlock(t)
	const uuid = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
	vda := filepath.Join(dev, "vda")
	for _, tt := range []struct {
		args   []string
		want   string
		status int
	}{
		{nil, vda + `: LABEL="data" UUID="` + uuid + `" TYPE="ext4"` + "\n", 0},
		{[]string{vda}, vda + `: LABEL="data" UUID="` + uuid + `" TYPE="ext4"` + "\n", 0},
		{[]string{"-s", "type", "-o", "value", vda}, "ext4\n", 0},
		{[]string{"-o", "export", vda}, "DEVNAME=" + vda + "\nLABEL=data\nUUID=" + uuid + "\nTYPE=ext4\n\n", 0},
		{[]string{"-L", "data"}, vda + "\n", 0},
		{[]string{"-U", strings.ToUpper(uuid)}, vda + "\n", 0},
		{[]string{"-L", "nope"}, "", 2},
		{[]string{filepath.Join(dev, "vdb")}, "", 2},
	} {
		out, stderr, status := cmdtest.Run(t, "/", "", "blkid", tt.args...)
		if out != tt.want || status != tt.status || stderr != "" {
			t.Errorf("blkid %q: status %d, stderr %q, output:\n%s\nwant:\n%s", tt.args, status, stderr, out, tt.want)
		}
	}
	// Relative names are shown as typed; a missing one is an error.
	out, _, _ := cmdtest.Run(t, dev, "", "blkid", "vda")
	if !strings.HasPrefix(out, "vda: LABEL=") {
		t.Errorf("blkid vda in %s: %q", dev, out)
	}
	_, stderr, status := cmdtest.Run(t, dev, "", "blkid", "nope")
	if status != 1 || stderr != "blkid: nope: No such file or directory\n" {
		t.Errorf("blkid nope: status %d, %q", status, stderr)
	}
	if _, _, status := cmdtest.Run(t, "/", "", "blkid", "-o", "xml"); status != 2 {
		t.Errorf("blkid -o xml: status %d", status)
	}
}

// TestLsblkHost compares lsblk with util-linux's on the host's real
// /sys/block, when the host has it.
func TestLsblkHost(t *testing.T) {
	ref, err := exec.Command("lsblk", "-b", "-d", "-n", "-l", "-o", "NAME,MAJ:MIN,SIZE,RO").Output()
	if err != nil {
		t.Skipf("no usable lsblk on the host: %v", err)
	}
	out, _, status := cmdtest.Run(t, "/", "", "lsblk", "-b", "-d", "-n", "-l")
	if status != 0 {
		t.Fatalf("status %d", status)
	}
	fields := func(s string) []string {
		var rows []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			f := strings.Fields(l)
			if len(f) >= 4 {
				rows = append(rows, strings.Join(f[:4], " "))
			}
		}
		return rows
	}
	got, want := fields(out), fields(string(ref))
	have := map[string]bool{}
	for _, r := range got {
		have[r] = true
	}
	for _, r := range want {
		if !have[r] {
			t.Errorf("host lsblk shows %q; ours:\n%s", r, out)
		}
	}
}
