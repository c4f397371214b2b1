package initd_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pidone.dev/host/disk"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/vmtest"
)

// Disks and shares: init mounts pidone.data's disk on /data and 9p shares
// where pidone.share says, and what the guest writes survives poweroff
// with the filesystem clean.

// e2tool finds an e2fsprogs program (Debian keeps them in /usr/sbin,
// not on a user's PATH).
func e2tool(t *testing.T, name string) string {
	t.Helper()
	for _, n := range []string{name, "/usr/sbin/" + name, "/sbin/" + name} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Fatalf("%s not found: install e2fsprogs (make deps does)", name)
	return ""
}

// newDisk makes a 32M ext4 image labelled "data" the way pidone disk
// create does.
func newDisk(t *testing.T) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "data.img")
	if err := disk.Create(context.Background(), img, disk.Options{Size: 32 << 20, Label: "data"}); err != nil {
		t.Fatal(err)
	}
	return img
}

// checkClean fails unless e2fsck, reading only, finds img clean: no
// journal left to replay, nothing to fix. e2fsck -n's status alone is
// not enough: it exits 0 after skipping a journal it must not replay.
func checkClean(t *testing.T, img string) {
	t.Helper()
	out, err := exec.Command(e2tool(t, "e2fsck"), "-n", "-f", img).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("journal recovery")) || bytes.Contains(out, []byte("Fix?")) {
		t.Errorf("e2fsck -n -f %s: %v\n%s", img, err, out)
	}
	head, err := exec.Command(e2tool(t, "dumpe2fs"), "-h", img).CombinedOutput()
	if err != nil || !regexp.MustCompile(`(?m)^Filesystem state:\s+clean$`).Match(head) || bytes.Contains(head, []byte("needs_recovery")) {
		t.Errorf("dumpe2fs -h %s: not clean (%v):\n%s", img, err, head)
	}
}

// debugfsCat reads a file out of an unmounted image on the host.
func debugfsCat(t *testing.T, img, path string) []byte {
	t.Helper()
	out, err := exec.Command(e2tool(t, "debugfs"), "-R", "cat "+path, img).Output()
	if err != nil {
		t.Fatalf("debugfs cat %s: %v", path, err)
	}
	return out
}

func poweroff(t *testing.T, v *vmtest.VM) {
	t.Helper()
	v.Send("poweroff\n")
	if err := v.Exit(90 * time.Second); err != nil {
		t.Fatalf("poweroff: %v", err)
	}
	if out := v.Output(); strings.Contains(out, "init: unmount") {
		t.Errorf("init could not unmount everything:\n%s", out)
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestDataPersists writes files on /data, powers off, checks the image
// on the host, boots again and reads them back.
func TestDataPersists(t *testing.T) {
	vmtest.SkipInGuest(t)
	t.Parallel()
	img := newDisk(t)
	// A megabyte the host knows, for an exact check of what the guest
	// wrote; the guest also makes 5 MB of its own from /dev/urandom.
	known := make([]byte, 1<<20)
	rand.Read(known)
	src := filepath.Join(t.TempDir(), "known")
	if err := os.WriteFile(src, known, 0o644); err != nil {
		t.Fatal(err)
	}
	o := &vmtest.Options{
		Disks: []vm.Disk{{Path: img}},
		Boot:  bootopts.Options{Data: "/dev/vda"},
		Files: []image.File{{Host: src, Guest: "/src/known"}},
	}

	v := vmtest.Boot(t, o)
	if out := v.Run("mount"); !strings.Contains(out, "/dev/vda on /data type ext4 (rw,relatime") {
		t.Fatalf("/data is not mounted:\n%s", out)
	}
	uuid := disk.PathUUID(img)
	if out := v.Run("blkid /dev/vda"); strings.TrimSpace(out) != `/dev/vda: LABEL="data" UUID="`+uuid+`" TYPE="ext4"` {
		t.Errorf("blkid /dev/vda: %q", out)
	}
	if out := v.Run("lsblk"); !regexp.MustCompile(`(?m)^vda\s+254:0\s+32M\s+0 disk /data\s*$`).MatchString(out) {
		t.Errorf("lsblk:\n%s", out)
	}
	if out := v.Run("lsblk -f"); !regexp.MustCompile(`(?m)^vda\s+ext4\s+data\s+` + uuid + `\s+/data`).MatchString(out) {
		t.Errorf("lsblk -f:\n%s", out)
	}
	v.Run("head -c 5000000 /dev/urandom > /data/big && cp /src/known /data/known")
	v.Run("echo small-one > /data/a.txt && mkdir -p /data/d/e && echo nested > /data/d/e/b.txt")
	bigSum, _, _ := strings.Cut(strings.TrimSpace(v.Run("sha256sum /data/big")), " ")
	if out := v.Run("wc -c /data/big /data/known"); !strings.Contains(out, "5000000 /data/big") || !strings.Contains(out, "1048576 /data/known") {
		t.Fatalf("files on /data: %q", out)
	}
	poweroff(t, v)

	// On the host: clean, and every byte there.
	checkClean(t, img)
	if got := debugfsCat(t, img, "/known"); !bytes.Equal(got, known) {
		t.Errorf("/known on the disk differs from what the guest copied (%d bytes)", len(got))
	}
	big := debugfsCat(t, img, "/big")
	if len(big) != 5000000 || sha256Hex(big) != bigSum {
		t.Errorf("/big on the disk: %d bytes, sha256 %s; the guest wrote 5000000, sha256 %q", len(big), sha256Hex(big), bigSum)
	}
	if a, b := debugfsCat(t, img, "/a.txt"), debugfsCat(t, img, "/d/e/b.txt"); string(a) != "small-one\n" || string(b) != "nested\n" {
		t.Errorf("small files on the disk: %q %q", a, b)
	}

	// The next boot sees the same files.
	v = vmtest.Boot(t, o)
	if out := v.Run("cat /data/a.txt /data/d/e/b.txt; wc -c /data/big /data/known"); !strings.Contains(out, "small-one\nnested\n") ||
		!strings.Contains(out, "5000000 /data/big") || !strings.Contains(out, "1048576 /data/known") {
		t.Errorf("second boot: %q", out)
	}
	if out := v.Run("sha256sum /data/big /data/known"); !strings.Contains(out, bigSum+"  /data/big") || !strings.Contains(out, sha256Hex(known)+"  /data/known") {
		t.Errorf("second boot: sha256sum:\n%s\nwant %s and %s", out, bigSum, sha256Hex(known))
	}
	poweroff(t, v)
	checkClean(t, img)
}

// TestDataCleanWhenBusy powers off while /data is in use: the shell's
// directory is in it, a process holds a file open for writing, and a
// tmpfs mounted inside it keeps init from unmounting it, so init must
// fall back to making it read-only. The disk must still be clean.
func TestDataCleanWhenBusy(t *testing.T) {
	vmtest.SkipInGuest(t)
	t.Parallel()
	img := newDisk(t)
	// The disk named by its label, as it may be when there are several.
	v := vmtest.Boot(t, &vmtest.Options{Disks: []vm.Disk{{Path: img}}, Boot: bootopts.Options{Data: "LABEL=data"}})
	v.Run("cd /data && mkdir t && mount -t tmpfs none /data/t")
	// A non-interactive sh leaves no job notice racing the prompt; its
	// orphaned sleep keeps /data/held open for writing until the end.
	v.Run(`sh -c "sleep 1000 > /data/held & exit"`)
	if out := v.Run(`grep -l "^sleep" /proc/[0-9]*/cmdline | wc -l`); strings.TrimSpace(out) != "1" {
		t.Fatalf("the sleep holding /data/held is not running: %q", out)
	}
	v.Run("head -c 2000000 /dev/urandom > written && echo last words > note")
	if out := v.Run("pwd; ls"); !strings.Contains(out, "/data\n") || !strings.Contains(out, "note") {
		t.Fatalf("setup: %q", out)
	}
	poweroff(t, v)
	checkClean(t, img)
	if got := debugfsCat(t, img, "/note"); string(got) != "last words\n" {
		t.Errorf("/note = %q", got)
	}
	if got := debugfsCat(t, img, "/written"); len(got) != 2000000 {
		t.Errorf("/written has %d bytes, want 2000000", len(got))
	}
}

// TestDataMissingDisk: pidone.data names a disk the VM does not have;
// init says so in one line and the boot goes on.
func TestDataMissingDisk(t *testing.T) {
	vmtest.SkipInGuest(t)
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{Boot: bootopts.Options{Data: "/dev/vda"}})
	if !strings.Contains(v.Output(), "init: pidone.data=/dev/vda: no such device (is the VM started with --disk or --root?)") {
		t.Errorf("no message about the missing disk:\n%s", v.Output())
	}
	if out := v.Run("echo still here"); !strings.Contains(out, "still here") {
		t.Errorf("shell: %q", out)
	}
}

// TestShareNeeds9pKernel: Debian's cloud kernel has no 9p; init says
// which kernel to use instead.
func TestShareNeeds9pKernel(t *testing.T) {
	vmtest.SkipInGuest(t)
	t.Parallel()
	k, err := kernel.Find("")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := k.Config(); err != nil || c.Has("NET_9P") {
		t.Skipf("kernel %s has 9p (or an unknown config)", k.Version)
	}
	// The host refuses --share with this kernel (TestShareNeeds9p); a
	// share asked for on the command line by hand gets init's word.
	v := vmtest.Boot(t, &vmtest.Options{Boot: bootopts.Options{Shares: []bootopts.Share{{Tag: "share0", Dir: "/mnt/host"}}}})
	if !regexp.MustCompile(`init: pidone.share=share0:/mnt/host: this kernel has no 9p filesystem .*pidone kernel fetch --flavour generic`).MatchString(v.Output()) {
		t.Errorf("no message about 9p:\n%s", v.Output())
	}
}

// genericKernel returns Debian's generic kernel, which has 9p, fetching
// it into pidone's cache when it is not there.
func genericKernel(t *testing.T) *kernel.Kernel {
	t.Helper()
	if k, ok := kernel.Cached("generic"); ok {
		return k
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	k, err := kernel.Fetch(ctx, kernel.FetchOptions{Flavour: "generic"})
	if err != nil {
		t.Fatalf("9p shares need Debian's generic kernel, and fetching it failed: %v (run: pidone kernel fetch --flavour generic, or make kernel)", err)
	}
	return k
}

// TestShare9p: files written on either side of a 9p share are seen on
// the other.
func TestShare9p(t *testing.T) {
	vmtest.SkipInGuest(t)
	t.Parallel()
	k := genericKernel(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "A"), []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v := vmtest.Boot(t, &vmtest.Options{
		Kernel: k.Path,
		Shares: []system.Share{{HostDir: dir}},
	})
	if out := v.Run("cat /mnt/host/A"); !strings.Contains(out, "from the host") {
		t.Fatalf("cat /mnt/host/A: %q\n%s", out, v.Output())
	}
	if out := v.Run("mount"); !regexp.MustCompile(`share0 on /mnt/host type 9p \(rw,.*\bmmap\b.*msize=512000,trans=virtio`).MatchString(out) {
		t.Errorf("mount:\n%s", out)
	}
	// Without a cache, a write is on the host when write(2) returns.
	v.Run("echo from the guest > /mnt/host/B")
	if b, err := os.ReadFile(filepath.Join(dir, "B")); err != nil || string(b) != "from the guest\n" {
		t.Errorf("B on the host right after the guest wrote it: %q, %v", b, err)
	}
	// Guest root's set-uid file stays a guest matter: the guest sees its
	// mode, the host a plain file of its own user's (security_model
	// mapped-xattr keeps the guest's bits in extended attributes).
	v.Run("cp /bin/ls /mnt/host/suid && chmod 6755 /mnt/host/suid")
	if out := v.Run("ls -l /mnt/host/suid"); !strings.HasPrefix(out, "-rwsr-sr-x") {
		t.Errorf("the guest's view of its chmod 6755: %q", out)
	}
	if st, err := os.Stat(filepath.Join(dir, "suid")); err != nil || st.Mode()&(os.ModeSetuid|os.ModeSetgid) != 0 || st.Mode().Perm()&0o022 != 0 {
		t.Errorf("the guest's chmod 6755 reached the host: %v, %v", st.Mode(), err)
	}
	// And the host's changes are seen at once too.
	os.WriteFile(filepath.Join(dir, "A"), []byte("changed on the host\n"), 0o644)
	if out := v.Run("cat /mnt/host/A"); !strings.Contains(out, "changed on the host") {
		t.Errorf("after the host changed A: %q", out)
	}
	v.Run("head -c 3000000 /dev/urandom > /mnt/host/C && sync")
	if st, err := os.Stat(filepath.Join(dir, "C")); err != nil || st.Size() != 3000000 {
		t.Errorf("C on the host: %v, %v", st, err)
	}
	poweroff(t, v)
}
