package main

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// entryImage is a container image, as docker build would make, whose
// entrypoint is testdata/entry built for the host.
func entryImage(t *testing.T) v1.Image {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "entry")
	build := exec.Command(goBin(t), "build", "-o", bin, "./testdata/entry")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	prog, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range []struct {
		name string
		mode int64
		body []byte
	}{
		{"bin/", 0o755, nil},
		{"bin/entry", 0o755, prog},
		{"etc/", 0o755, nil},
		{"etc/os-release", 0o644, []byte("ID=entry\n")},
	} {
		h := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(f.name, "/") {
			h.Typeflag = tar.TypeDir
		}
		tw.WriteHeader(h)
		tw.Write(f.body)
	}
	tw.Close()
	data := b.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	cf.Config.Entrypoint = []string{"/bin/entry"}
	cf.Config.Cmd = []string{"hello world"}
	cf.Config.Env = []string{"PATH=/bin", "GREETING=hi"}
	cf.Config.WorkingDir = "/work"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestRootfs makes a root disk from a container image and boots it: the
// entrypoint runs with the image's arguments, environment and working
// directory in a root that is the disk, what it writes is on the disk
// after the VM powers off, and the filesystem is clean.
func TestRootfs(t *testing.T) {
	dir := t.TempDir()
	img := entryImage(t)
	lay := filepath.Join(dir, "layout")
	p, err := layout.Write(lay, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root.img")
	out, stderr, code := pidone(t, nil, "rootfs", "--from", lay, "-o", root)
	if code != 0 {
		t.Fatalf("pidone rootfs: status %d: %s", code, stderr)
	}
	if !strings.Contains(out, `runs entrypoint ["/bin/entry" "hello world"]`) || !strings.Contains(out, "pidone run --root "+root) {
		t.Errorf("pidone rootfs said %q", out)
	}

	// Booted, the image's entrypoint is the system.
	out, stderr, code = pidone(t, nil, "run", "--root", root)
	if code != 0 {
		t.Fatalf("pidone run --root: status %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{`entry: argv=["hello world"] greeting=hi wd=/work pid1=true`, "entry: os-release ID=entry"} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "the initramfs is still there") {
		t.Error("the initramfs's files were not freed")
	}
	fsck(t, root)
	if got := debugfsCat(t, root, "/work/written"); got != "kept\n" {
		t.Errorf("/work/written after poweroff: %q", got)
	}

	// A command runs in the root, with its exit status.
	out, stderr, code = pidone(t, nil, "run", "--root", root, "--", "/bin/entry", "exit", "7")
	if code != 7 || !strings.Contains(out, `entry: argv=["exit" "7"]`) {
		t.Errorf("pidone run --root -- entry exit 7: status %d\n%s\n%s", code, out, stderr)
	}
	fsck(t, root)

	// Tests run in the root, two packages side by side, and what they
	// write there is thrown away.
	out, stderr, code = pidone(t, nil, "test", "--root", root, "./testdata/gotest/inroot", "./testdata/gotest/pass")
	if code != 0 || !strings.Contains(out, "ok ") {
		t.Errorf("pidone test --root: status %d\n%s\n%s", code, out, stderr)
	}
	if got := debugfsCat(t, root, "/etc/os-release"); got != "ID=entry\n" {
		t.Errorf("pidone test changed the root disk: /etc/os-release %q", got)
	}

	// Bad input, each in one line.
	_, stderr, code = pidone(t, nil, "rootfs", "--from", lay, "-o", root)
	oneLine(t, stderr, code, 1, "root.img exists; give --force to replace it")
	_, stderr, code = pidone(t, nil, "rootfs", "--from", lay, "-o", filepath.Join(dir, "arm.img"), "--arch", "arm64")
	oneLine(t, stderr, code, 1, "linux/arm64")
	_, stderr, code = pidone(t, nil, "rootfs", "-o", root)
	oneLine(t, stderr, code, 2, "needs --from IMAGE")
	os.WriteFile(filepath.Join(dir, "junk.tar"), []byte("not a tarball"), 0o644)
	_, stderr, code = pidone(t, nil, "rootfs", "--from", filepath.Join(dir, "junk.tar"), "-o", filepath.Join(dir, "j.img"))
	oneLine(t, stderr, code, 1, "junk.tar: neither a docker save tarball nor an OCI archive")
}

// TestRootMissing boots with root= naming a disk that is not there: a
// command meant for it fails, saying so in one line with the disks the
// guest has, rather than run in the initramfs.
func TestRootMissing(t *testing.T) {
	out, stderr, code := pidone(t, nil, "run", "--append", "root=/dev/vdz", "--", "echo", "ran anyway")
	if strings.Contains(out, "ran anyway") {
		t.Error("the command ran in the initramfs")
	}
	oneLine(t, stderr, code, 1, "root=/dev/vdz: ", "block devices: ", "the command was not run")
}

// fsck checks that the disk's filesystem is clean.
func fsck(t *testing.T, img string) {
	t.Helper()
	out, err := exec.Command(sbin("e2fsck"), "-fn", img).CombinedOutput()
	if err != nil {
		t.Errorf("e2fsck -fn %s: %v\n%s", img, err, out)
	}
}

func debugfsCat(t *testing.T, img, path string) string {
	t.Helper()
	out, err := exec.Command(sbin("debugfs"), "-R", "cat "+path, img).Output()
	if err != nil {
		t.Fatalf("debugfs cat %s: %v", path, err)
	}
	return string(out)
}

// sbin finds an e2fsprogs tool, which Debian keeps in /sbin, often not
// on a user's PATH.
func sbin(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return "/sbin/" + name
}
