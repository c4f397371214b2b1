package disk

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"pidone.dev/internal/hosttest"
	"pidone.dev/pkg/fsprobe"
)

// e2tool finds an e2fsprogs program (in /usr/sbin on Debian, not on a
// user's PATH), or skips: make deps installs e2fsprogs.
func e2tool(t testing.TB, name string) string {
	t.Helper()
	for _, n := range []string{name, "/usr/sbin/" + name, "/sbin/" + name} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Fatalf("%s not installed: make deps installs e2fsprogs", name)
	return ""
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"64M": 64 << 20, "64m": 64 << 20, "64MiB": 64 << 20, "64MB": 64 << 20, "1.5G": 3 << 29,
		"512K": 512 << 10, "1048576": 1 << 20, "100B": 100, " 2G ": 2 << 30, "1T": 1 << 40, "0": 0,
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "M", "-1M", "64X", "1.5", "0x10", "1e3", "64 M B", "9999999999T", "NaN", "Inf"} {
		if n, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, n)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseSize(%q): error on two lines: %v", in, err)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"64M", "1.5G", "100", "4KiB", "1e9", "-1", "8.0000001T"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseSize(%q) = %d < 0", s, n)
		}
		// What FormatSize prints reads back as the same size when exact.
		if back, err := ParseSize(FormatSize(n)); err != nil || (back != n && !strings.Contains(FormatSize(n), ".")) {
			t.Fatalf("ParseSize(FormatSize(%d)=%q) = %d, %v", n, FormatSize(n), back, err)
		}
	})
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{64 << 20: "64M", 3 << 29: "1.5G", 100: "100", 4096: "4K", 1<<20 + 1: "1.0M"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPathUUID(t *testing.T) {
	a, b := PathUUID("/x/a.img"), PathUUID("/x/b.img")
	if a == b || a != PathUUID("/x/a.img") {
		t.Errorf("PathUUID: %s, %s", a, b)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(a) {
		t.Errorf("PathUUID = %s, not a version 8 UUID", a)
	}
}

func TestCreate(t *testing.T) {
	hosttest.Only(t, "e2fsprogs")
	e2fsck := e2tool(t, "e2fsck")
	debugfs := e2tool(t, "debugfs")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "hello.txt"), []byte("hello from the host\n"), 0o644)
	os.WriteFile(filepath.Join(src, "sub", "big"), make([]byte, 3<<20), 0o600)
	os.Symlink("hello.txt", filepath.Join(src, "link"))

	img := filepath.Join(dir, "data.img")
	if err := Create(context.Background(), img, Options{Size: 64 << 20, From: src, Label: "data"}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(img)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != 64<<20 {
		t.Errorf("size %d, want 64M", st.Size())
	}
	// Sparse: the file takes what the filesystem uses, not 64M.
	if used := usedBytes(st); used > 20<<20 {
		t.Errorf("image uses %d bytes on the host; want it sparse", used)
	}
	if out, err := exec.Command(e2fsck, "-n", "-f", img).CombinedOutput(); err != nil {
		t.Errorf("e2fsck -n -f: %v\n%s", err, out)
	}
	ls, err := exec.Command(debugfs, "-R", "ls -l /", img).CombinedOutput()
	if err != nil {
		t.Fatalf("debugfs: %v\n%s", err, ls)
	}
	for _, want := range []string{`100644 \(1\)\s+\d+\s+\d+\s+20 .* hello\.txt`, `40755 \(2\)\s+0\s+0\s.* \.\n`, ` sub\n`, `120777 .* link`} {
		if !regexp.MustCompile(want).Match(ls) {
			t.Errorf("debugfs ls -l / lacks %s:\n%s", want, ls)
		}
	}
	cat, _ := exec.Command(debugfs, "-R", "cat /hello.txt", img).Output()
	if string(cat) != "hello from the host\n" {
		t.Errorf("hello.txt in the image = %q", cat)
	}
	f, _ := os.Open(img)
	info, err := fsprobe.Probe(f)
	f.Close()
	if err != nil || info.Type != "ext4" || info.Label != "data" || info.UUID != PathUUID(img) {
		t.Errorf("probe = %+v, %v; want ext4, label data, UUID %s", info, err, PathUUID(img))
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".data.img.tmp-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func usedBytes(st os.FileInfo) int64 { return st.Sys().(*syscall.Stat_t).Blocks * 512 }

func TestCreateIsReproducible(t *testing.T) {
	hosttest.Only(t, "e2fsprogs")
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	dir := t.TempDir()
	var images [2][]byte
	for i := range images {
		img := filepath.Join(dir, "d.img")
		if err := Create(context.Background(), img, Options{Size: 8 << 20, Label: "r", Force: true}); err != nil {
			t.Fatal(err)
		}
		images[i], _ = os.ReadFile(img)
	}
	if string(images[0]) != string(images[1]) {
		t.Errorf("two images from the same inputs differ")
	}
}

func TestCreateSizes(t *testing.T) {
	hosttest.Only(t, "e2fsprogs")
	e2fsck := e2tool(t, "e2fsck")
	for _, size := range []int64{MinSize, 32 << 20, 1 << 30} {
		img := filepath.Join(t.TempDir(), "d.img")
		if err := Create(context.Background(), img, Options{Size: size}); err != nil {
			t.Fatalf("%s: %v", FormatSize(size), err)
		}
		if st, _ := os.Stat(img); st.Size() != size {
			t.Errorf("%s: file is %d bytes", FormatSize(size), st.Size())
		}
		if out, err := exec.Command(e2fsck, "-n", "-f", img).CombinedOutput(); err != nil {
			t.Errorf("%s: e2fsck: %v\n%s", FormatSize(size), err, out)
		}
	}
}

func TestCreateErrors(t *testing.T) {
	hosttest.Only(t, "e2fsprogs")
	e2tool(t, "mkfs.ext4")
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.img")
	os.WriteFile(existing, []byte("keep me"), 0o644)
	full := t.TempDir()
	// Random bytes: mkfs.ext4 -d stores zeros as holes, taking no space.
	noise := make([]byte, 6<<20)
	rand.Read(noise)
	os.WriteFile(filepath.Join(full, "big"), noise, 0o644)
	notDir := filepath.Join(dir, "file")
	os.WriteFile(notDir, nil, 0o644)

	for _, tt := range []struct {
		name, path string
		o          Options
		want       string
	}{
		{"exists", existing, Options{Size: 8 << 20}, "old.img exists; use --force to replace it"},
		{"missing from", filepath.Join(dir, "a.img"), Options{Size: 8 << 20, From: filepath.Join(dir, "nope")}, "--from " + dir + "/nope: no such file or directory"},
		{"from a file", filepath.Join(dir, "a.img"), Options{Size: 8 << 20, From: notDir}, "is not a directory"},
		{"content larger than size", filepath.Join(dir, "a.img"), Options{Size: 4 << 20, From: full}, "size 4M is too small for the 6.0M in " + full + "; use --size 24M or more"},
		{"content nearly fills", filepath.Join(dir, "a.img"), Options{Size: 7 << 20, From: full}, "size 7M is too small for the 6.0M in " + full + "; use --size 24M or more"},
		{"tiny", filepath.Join(dir, "a.img"), Options{Size: 4096}, "size 4K is too small; an ext4 image needs at least 1M"},
		{"long label", filepath.Join(dir, "a.img"), Options{Size: 8 << 20, Label: "seventeen-letters"}, "at most 16"},
		{"a directory", dir, Options{Size: 8 << 20}, "is a directory"},
		{"no such directory", filepath.Join(dir, "no", "a.img"), Options{Size: 8 << 20}, "cannot write beside it: no such file or directory"},
	} {
		err := Create(context.Background(), tt.path, tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line with %q", tt.name, err, tt.want)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("a refused create changed the existing file")
	}
	if _, err := os.Stat(filepath.Join(dir, "a.img")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed create left a.img behind")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// --force replaces, and the old file stays until the new one is made.
	if err := Create(context.Background(), existing, Options{Size: 8 << 20, Force: true}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(existing); st.Size() != 8<<20 {
		t.Errorf("--force did not replace the file")
	}
}

func TestMkfsMissing(t *testing.T) {
	defer func(n []string) { mkfsNames = n }(mkfsNames)
	mkfsNames = []string{"/nonexistent/mkfs.ext4"}
	err := Create(context.Background(), filepath.Join(t.TempDir(), "d.img"), Options{Size: 8 << 20})
	if err == nil || !strings.Contains(err.Error(), "install e2fsprogs") {
		t.Errorf("err = %v, want the install hint", err)
	}
}
