package utillinux

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestParseMountOptions(t *testing.T) {
	tests := []struct {
		in    string
		flags uintptr
		prop  uintptr
		data  string
	}{
		{"", 0, 0, ""},
		{"ro", unix.MS_RDONLY, 0, ""},
		{"ro,rw", 0, 0, ""},
		{"rw,ro", unix.MS_RDONLY, 0, ""},
		{"nosuid,nodev,noexec", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, 0, ""},
		{"nosuid,suid,exec", 0, 0, ""},
		{"remount,ro", unix.MS_REMOUNT | unix.MS_RDONLY, 0, ""},
		{"bind", unix.MS_BIND, 0, ""},
		{"rbind", unix.MS_BIND | unix.MS_REC, 0, ""},
		{"size=10m,mode=0755", 0, 0, "size=10m,mode=0755"},
		{"mode=1777,nosuid,size=1m", unix.MS_NOSUID, 0, "mode=1777,size=1m"},
		{"sync,async,dirsync", unix.MS_DIRSYNC, 0, ""},
		{"relatime,noatime,nodiratime,strictatime", unix.MS_RELATIME | unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_STRICTATIME, 0, ""},
		{"noatime,atime", 0, 0, ""},
		{"mand,lazytime,silent", unix.MS_MANDLOCK | unix.MS_LAZYTIME | unix.MS_SILENT, 0, ""},
		{"silent,loud", 0, 0, ""},
		{"defaults,noauto,nofail,x-systemd.automount,_netdev,user", 0, 0, ""},
		{",,ro,,uid=0,", unix.MS_RDONLY, 0, "uid=0"},
		{"private", 0, unix.MS_PRIVATE, ""},
		{"rshared,ro", unix.MS_RDONLY, unix.MS_SHARED | unix.MS_REC, ""},
		{`context="system_u:object_r:tmp_t:s0,c1",ro`, unix.MS_RDONLY, 0, `context="system_u:object_r:tmp_t:s0,c1"`},
		{"trans=virtio,version=9p2000.L", 0, 0, "trans=virtio,version=9p2000.L"},
		{"RO", 0, 0, "RO"}, // the kernel's names are lower case; others are data
	}
	for _, tt := range tests {
		o := parseMountOptions(tt.in)
		if o.flags != tt.flags || o.prop != tt.prop || o.data != tt.data {
			t.Errorf("%q: flags %#x prop %#x data %q; want %#x %#x %q", tt.in, o.flags, o.prop, o.data, tt.flags, tt.prop, tt.data)
		}
	}
}

func FuzzMountOptions(f *testing.F) {
	f.Add("ro,nosuid,size=1m")
	f.Add(`context="a,b",rw,,remount`)
	f.Add(`"unclosed,ro`)
	f.Add("rbind,rprivate,mode=0755")
	var known uintptr
	for _, m := range mountFlags {
		known |= m.set | m.clear
	}
	f.Fuzz(func(t *testing.T, s string) {
		o := parseMountOptions(s)
		if o.flags&^known != 0 {
			t.Errorf("%q: unknown flag bits %#x", s, o.flags&^known)
		}
		// The data holds only what was not a flag: parsed again it
		// yields no flags and itself.
		again := parseMountOptions(o.data)
		if again.flags != 0 || again.prop != 0 || again.data != o.data {
			t.Errorf("%q: data %q parses to %+v", s, o.data, again)
		}
		if strings.HasPrefix(o.data, ",") || strings.HasSuffix(o.data, ",") && !strings.Contains(o.data, `"`) {
			t.Errorf("%q: data %q has an empty word", s, o.data)
		}
	})
}

func TestParseFilesystems(t *testing.T) {
	block, nodev := parseFilesystems("nodev\tsysfs\nnodev\ttmpfs\n\text4\n\tvfat\nnodev\t9p\n\n")
	if strings.Join(block, " ") != "ext4 vfat" || strings.Join(nodev, " ") != "sysfs tmpfs 9p" {
		t.Errorf("block %q nodev %q", block, nodev)
	}
}

func TestMountFlagWords(t *testing.T) {
	ms := []cmds.MountEntry{
		{Source: "tmpfs", Dir: "/tmp", Type: "tmpfs", Opts: "rw,nosuid,nodev,size=100k,mode=1777"},
		{Source: "none", Dir: "/mnt", Type: "tmpfs", Opts: "rw"},
		{Source: "tmpfs", Dir: "/tmp", Type: "tmpfs", Opts: "ro,noexec,relatime,size=5k"},
	}
	if got := mountFlagWords(ms, "/tmp/"); got != "ro,noexec,relatime" {
		t.Errorf("got %q", got)
	}
	if got := mountFlagWords(ms, "/nowhere"); got != "" {
		t.Errorf("got %q", got)
	}
}

func TestMountList(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "mount")
	if st != 0 || !strings.Contains(out, " on /proc type proc (") {
		t.Errorf("status %d, stderr %q, out:\n%s", st, errs, out)
	}
	out, _, _ = cmdtest.Run(t, "", "", "mount", "-t", "proc")
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.Contains(l, " type proc ") {
			t.Errorf("-t proc listed %q", l)
		}
	}
}

func TestMountUsage(t *testing.T) {
	dir := t.TempDir()
	_, errs, st := cmdtest.Run(t, dir, "", "mount", "-t", "tmpfs", "tmpfs", "missing")
	if want := "mount: " + filepath.Join(dir, "missing") + ": mount point does not exist (mkdir it first)\n"; st != 1 || errs != want {
		t.Errorf("missing mount point: status %d, stderr %q, want %q", st, errs, want)
	}
	if _, errs, st := cmdtest.Run(t, dir, "", "mount", "onlyone"); st != 2 || !strings.Contains(errs, "need a source and a mount point") {
		t.Errorf("one operand: status %d, stderr %q", st, errs)
	}
	if _, _, st := cmdtest.Run(t, dir, "", "mount", "a", "b", "c"); st != 2 {
		t.Errorf("three operands: status %d", st)
	}
	if _, _, st := cmdtest.Run(t, dir, "", "mount", "-o", "remount"); st != 2 {
		t.Errorf("remount without a mount point: status %d", st)
	}
}

// mountOrSkip mounts a tmpfs on a new directory, or skips the test
// where the host does not let us mount, and unmounts it at the end.
func mountOrSkip(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	mnt := filepath.Join(dir, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	_, errs, st := cmdtest.Run(t, dir, "", "mount", append(args, "mnt")...)
	if st != 0 {
		if strings.Contains(errs, "Operation not permitted") || strings.Contains(errs, "Permission denied") {
			t.Skipf("cannot mount here (needs CAP_SYS_ADMIN): %s", errs)
		}
		t.Fatalf("mount %q: status %d: %s", args, st, errs)
	}
	t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })
	return mnt
}

func TestMountTmpfs(t *testing.T) {
	mnt := mountOrSkip(t, "-t", "tmpfs", "-o", "size=1m,nosuid,mode=0700", "tmpfs")
	out, _, _ := cmdtest.Run(t, "", "", "mount")
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, " on "+mnt+" ") {
			line = l
		}
	}
	if !strings.HasPrefix(line, "tmpfs on "+mnt+" type tmpfs (rw,nosuid") || !strings.Contains(line, "mode=700") {
		t.Fatalf("listing: %q", line)
	}
	if err := os.WriteFile(filepath.Join(mnt, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Remounting read-only keeps nosuid, which the kernel would drop
	// were it not given again.
	if _, errs, st := cmdtest.Run(t, "", "", "mount", "-o", "remount,ro", mnt); st != 0 {
		t.Fatalf("remount: %d %s", st, errs)
	}
	out, _, _ = cmdtest.Run(t, "", "", "mount", "-t", "tmpfs")
	if !strings.Contains(out, mnt+" type tmpfs (ro,nosuid") {
		t.Errorf("after remount,ro:\n%s", out)
	}
	if err := os.WriteFile(filepath.Join(mnt, "g"), []byte("x"), 0o644); !errors.Is(err, unix.EROFS) {
		t.Errorf("write on a read-only mount: %v", err)
	}

	if _, errs, st := cmdtest.Run(t, "", "", "umount", mnt); st != 0 {
		t.Fatalf("umount: %d %s", st, errs)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "umount", mnt); st != 1 || errs != "umount: "+mnt+": not mounted\n" {
		t.Errorf("second umount: %d %q", st, errs)
	}
}

func TestMountGuessType(t *testing.T) {
	// "tmpfs" names a filesystem that needs no device: no -t needed.
	mnt := mountOrSkip(t, "tmpfs")
	out, _, _ := cmdtest.Run(t, "", "", "mount")
	if !strings.Contains(out, "tmpfs on "+mnt+" type tmpfs") {
		t.Errorf("not mounted as tmpfs:\n%s", out)
	}
}

func TestMountBind(t *testing.T) {
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "hello"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	mnt := mountOrSkip(t, "--bind", "-r", src)
	if b, err := os.ReadFile(filepath.Join(mnt, "hello")); err != nil || string(b) != "hi" {
		t.Errorf("bind: %q %v", b, err)
	}
	if err := os.WriteFile(filepath.Join(mnt, "x"), nil, 0o644); !errors.Is(err, unix.EROFS) {
		t.Errorf("-r bind is writable: %v", err)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "umount", "-l", mnt); st != 0 {
		t.Errorf("umount -l: %d %s", st, errs)
	}
}

func TestMountBadType(t *testing.T) {
	mountOrSkip(t, "-t", "tmpfs", "tmpfs") // skips without the right to mount
	dir := t.TempDir()
	_, errs, st := cmdtest.Run(t, dir, "", "mount", "-t", "nosuchfs", "none", ".")
	if st != 1 || errs != "mount: unknown filesystem type 'nosuchfs'\n" {
		t.Errorf("status %d, stderr %q", st, errs)
	}
}
