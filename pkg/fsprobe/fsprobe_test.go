package fsprobe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tool finds a host program, in sbin too (not on a user's PATH on Debian).
func tool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range []string{"/usr/sbin", "/sbin"} {
		if p := filepath.Join(d, name); fileExists(p) {
			return p
		}
	}
	t.Skipf("%s not installed (make deps installs e2fsprogs)", name)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// image makes a sparse file of size bytes.
func image(t testing.TB, size int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func probeFile(t testing.TB, p string) (Info, error) {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Probe(f)
}

// hostBlkid asks util-linux's blkid about a file: the reference that
// Probe must agree with.
func hostBlkid(t testing.TB, p string) map[string]string {
	t.Helper()
	bin, err := exec.LookPath("blkid")
	if err != nil {
		if bin = "/usr/sbin/blkid"; !fileExists(bin) {
			bin = "/sbin/blkid"
		}
	}
	out, err := exec.Command(bin, "-p", "-o", "export", p).Output()
	if err != nil {
		t.Logf("host blkid -p %s: %v (not compared)", p, err)
		return nil
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
		}
	}
	return m
}

func checkAgainstBlkid(t *testing.T, p string, got Info) {
	t.Helper()
	ref := hostBlkid(t, p)
	if ref == nil {
		return
	}
	if ref["TYPE"] != got.Type || ref["UUID"] != got.UUID || ref["LABEL"] != got.Label {
		t.Errorf("Probe = %+v; host blkid says TYPE=%q UUID=%q LABEL=%q", got, ref["TYPE"], ref["UUID"], ref["LABEL"])
	}
}

func TestProbeExt(t *testing.T) {
	mkfs := tool(t, "mke2fs")
	for _, tt := range []struct {
		typ   string
		flags []string
	}{
		{"ext2", []string{"-t", "ext2"}},
		{"ext3", []string{"-t", "ext3"}},
		{"ext4", []string{"-t", "ext4"}},
		{"ext4", []string{"-t", "ext4", "-O", "^metadata_csum,^64bit"}},
		{"ext4", []string{"-t", "ext4", "-b", "1024"}},
	} {
		t.Run(strings.Join(tt.flags, " "), func(t *testing.T) {
			p := image(t, 8<<20)
			uuid := "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
			args := append([]string{"-F", "-q", "-L", "my-data", "-U", uuid}, tt.flags...)
			if out, err := exec.Command(mkfs, append(args, p)...).CombinedOutput(); err != nil {
				t.Fatalf("mke2fs: %v\n%s", err, out)
			}
			got, err := probeFile(t, p)
			if err != nil {
				t.Fatal(err)
			}
			want := Info{Type: tt.typ, UUID: uuid, Label: "my-data"}
			if got != want {
				t.Errorf("Probe = %+v, want %+v", got, want)
			}
			checkAgainstBlkid(t, p, got)
		})
	}
}

func TestProbeSwap(t *testing.T) {
	mkswap := tool(t, "mkswap")
	p := image(t, 4<<20)
	uuid := "11111111-2222-4333-8444-555555555555"
	if out, err := exec.Command(mkswap, "-L", "sw", "-U", uuid, p).CombinedOutput(); err != nil {
		t.Fatalf("mkswap: %v\n%s", err, out)
	}
	got, err := probeFile(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Info{Type: "swap", UUID: uuid, Label: "sw"}); got != want {
		t.Errorf("Probe = %+v, want %+v", got, want)
	}
	checkAgainstBlkid(t, p, got)
}

// vfatImage writes a FAT16 boot sector by hand (mkfs.vfat is not
// installed everywhere): the fields blkid and Probe look at.
func vfatImage(t *testing.T, fat32 bool) string {
	t.Helper()
	p := image(t, 64<<20)
	bs := make([]byte, 512)
	le := binary.LittleEndian
	copy(bs[0:], []byte{0xEB, 0x3C, 0x90})
	copy(bs[3:], "mkfs.fat")
	le.PutUint16(bs[11:], 512) // bytes per sector
	bs[13] = 4                 // sectors per cluster
	le.PutUint16(bs[14:], 4)   // reserved sectors
	bs[16] = 2                 // FATs
	bs[21] = 0xF8              // media: fixed disk
	le.PutUint32(bs[32:], 131072)
	if fat32 {
		bs[13] = 1
		le.PutUint16(bs[14:], 32)
		le.PutUint32(bs[36:], 1009) // sectors per FAT
		le.PutUint32(bs[44:], 2)    // root cluster
		bs[66] = 0x29
		le.PutUint32(bs[67:], 0xCAFE1234)
		copy(bs[71:], "BOOT32     ")
		copy(bs[82:], "FAT32   ")
	} else {
		le.PutUint16(bs[17:], 512) // root entries
		le.PutUint16(bs[22:], 128) // sectors per FAT
		bs[38] = 0x29
		le.PutUint32(bs[39:], 0x1A2B3C4D)
		copy(bs[43:], "BOOT16     ")
		copy(bs[54:], "FAT16   ")
	}
	bs[510], bs[511] = 0x55, 0xAA
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bs, 0); err != nil {
		t.Fatal(err)
	}
	// The volume label entry in the root directory, where mkfs.fat and
	// fatlabel put the label blkid reports (the boot sector keeps a copy).
	entry := make([]byte, 32)
	root := int64(4+2*128) * 512
	copy(entry, "DATA16     ")
	if fat32 {
		f.WriteAt(bs, 6*512) // the backup boot sector
		root = int64(32+2*1009) * 512
		copy(entry, "DATA32     ")
	}
	entry[11] = 0x08
	deleted := make([]byte, 32)
	copy(deleted, "\xE5OLD       ")
	deleted[11] = 0x08
	if _, err := f.WriteAt(append(deleted, entry...), root); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProbeVFAT(t *testing.T) {
	for _, tt := range []struct {
		fat32 bool
		want  Info
	}{
		{false, Info{Type: "vfat", UUID: "1A2B-3C4D", Label: "DATA16"}},
		{true, Info{Type: "vfat", UUID: "CAFE-1234", Label: "DATA32"}},
	} {
		p := vfatImage(t, tt.fat32)
		got, err := probeFile(t, p)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("Probe = %+v, want %+v", got, tt.want)
		}
		checkAgainstBlkid(t, p, got)
	}
}

func TestProbeISO9660(t *testing.T) {
	p := image(t, 1<<20)
	pvd := make([]byte, 2048)
	pvd[0] = 1
	copy(pvd[1:], "CD001")
	pvd[6] = 1
	copy(pvd[40:72], strings.Repeat(" ", 32))
	copy(pvd[40:], "PIDONE_CD")
	copy(pvd[813:], "2024031512304500") // created
	copy(pvd[830:], "2025010203040506") // modified: blkid's UUID
	f, _ := os.OpenFile(p, os.O_WRONLY, 0)
	f.WriteAt(pvd, 16*2048)
	f.Close()
	got, err := probeFile(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Info{Type: "iso9660", UUID: "2025-01-02-03-04-05-06", Label: "PIDONE_CD"}); got != want {
		t.Errorf("Probe = %+v, want %+v", got, want)
	}
	checkAgainstBlkid(t, p, got)
}

func TestProbeNothing(t *testing.T) {
	for name, size := range map[string]int64{"empty": 0, "tiny": 100, "zeros": 1 << 20} {
		if _, err := probeFile(t, image(t, size)); !errors.Is(err, ErrUnknown) {
			t.Errorf("%s: err = %v, want ErrUnknown", name, err)
		}
	}
	// A partition table ends in 55 AA too, but is no FAT.
	mbr := make([]byte, 4096)
	mbr[446+4] = 0x83
	mbr[510], mbr[511] = 0x55, 0xAA
	if info, err := Probe(bytes.NewReader(mbr)); !errors.Is(err, ErrUnknown) {
		t.Errorf("MBR: %+v, %v", info, err)
	}
}

type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("I/O error") }

func TestProbeReadError(t *testing.T) {
	if _, err := Probe(failingReader{}); err == nil || err.Error() != "I/O error" {
		t.Errorf("err = %v, want the read error", err)
	}
}

// FuzzProbe: any bytes give a result or ErrUnknown, never a panic, and
// what is found is printable.
func FuzzProbe(f *testing.F) {
	sb := make([]byte, 2048)
	binary.LittleEndian.PutUint16(sb[1024+0x38:], extMagic)
	f.Add(sb)
	sw := make([]byte, 4096)
	copy(sw[4086:], "SWAPSPACE2")
	f.Add(sw)
	boot := make([]byte, 512)
	boot[510], boot[511] = 0x55, 0xAA
	f.Add(boot)
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := Probe(bytes.NewReader(b))
		if err != nil && !errors.Is(err, ErrUnknown) {
			t.Fatalf("error from a bytes.Reader: %v", err)
		}
		if err == nil && info.Type == "" {
			t.Fatalf("found a filesystem with no type: %+v", info)
		}
		for _, s := range []string{info.UUID, info.Label} {
			if strings.ContainsRune(s, 0) {
				t.Fatalf("NUL in %q", s)
			}
		}
	})
}
