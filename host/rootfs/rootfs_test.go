package rootfs

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"pidone.dev/pkg/runproto"
)

// entry is one file of a test layer.
type entry struct {
	name, body, link string
	typ              byte
}

func layer(t *testing.T, es ...entry) v1.Layer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range es {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: e.typ, Linkname: e.link, Size: int64(len(e.body))}
		switch e.typ {
		case 0:
			h.Typeflag = tar.TypeReg
		case tar.TypeDir:
			h.Mode = 0o755
		case tar.TypeSymlink, tar.TypeLink:
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	data := b.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// testImage has a base layer and one that removes and replaces files,
// with the traversal attempts a hostile image would make.
func testImage(t *testing.T, arch string) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image,
		layer(t,
			entry{name: "etc/", typ: tar.TypeDir},
			entry{name: "etc/os-release", body: "ID=test\n"},
			entry{name: "etc/hostname", body: "old\n"},
			entry{name: "usr/lib/", typ: tar.TypeDir},
			entry{name: "usr/lib/libx.so", body: "ELF"},
			entry{name: "lib", link: "usr/lib", typ: tar.TypeSymlink},
			entry{name: "escape", link: "/../../..", typ: tar.TypeSymlink},
			entry{name: "up", link: "../../../../tmp", typ: tar.TypeSymlink},
			entry{name: "old/", typ: tar.TypeDir},
			entry{name: "old/a", body: "a"},
		),
		layer(t,
			entry{name: "etc/.wh.hostname"},
			entry{name: "old/.wh..wh..opq"},
			entry{name: "old/b", body: "b"},
			entry{name: "lib/liby.so", body: "a directory in this layer"},
			entry{name: "escape/pidone-escaped-2", body: "x"},
			entry{name: "up/pidone-escaped-3", body: "x"},
			entry{name: "bin/prog", body: "#!/bin/sh\n"},
			entry{name: "bin/hard", link: "bin/prog", typ: tar.TypeLink},
		),
	)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	cf.Config.Entrypoint = []string{"/bin/prog"}
	cf.Config.Cmd = []string{"--flag"}
	cf.Config.Env = []string{"GREETING=hello"}
	cf.Config.WorkingDir = "/work"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestExtract(t *testing.T) {
	outside := t.TempDir()
	root := filepath.Join(outside, "a", "b", "c", "root")
	os.MkdirAll(root, 0o755)
	rc := mutate.Extract(testImage(t, "amd64"))
	defer rc.Close()
	if err := (&extractor{root: root}).extract(context.Background(), rc); err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			return "<" + err.Error() + ">"
		}
		return string(b)
	}
	for p, want := range map[string]string{
		"etc/os-release": "ID=test\n",
		// An upper layer's file makes its directory, which hides the
		// lower layer's link of that name, as overlayfs would.
		"lib/liby.so":             "a directory in this layer",
		"old/b":                   "b",
		"escape/pidone-escaped-2": "x",
		"up/pidone-escaped-3":     "x",
		"bin/hard":                "#!/bin/sh\n",
	} {
		if got := read(p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	for _, gone := range []string{"etc/hostname", "old/a"} {
		if _, err := os.Lstat(filepath.Join(root, gone)); err == nil {
			t.Errorf("%s outlived its whiteout", gone)
		}
	}
	filepath.WalkDir(outside, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "pidone-escaped") && !strings.HasPrefix(p, root) {
			t.Errorf("written outside the image: %s", p)
		}
		return nil
	})
}

// TestUnsafePath: a layer naming "../../x" is refused, with nothing
// written outside.
func TestUnsafePath(t *testing.T) {
	outside := t.TempDir()
	root := filepath.Join(outside, "a", "b", "root")
	os.MkdirAll(root, 0o755)
	img, err := mutate.AppendLayers(empty.Image, layer(t, entry{name: "../../pidone-escaped", body: "x"}))
	if err != nil {
		t.Fatal(err)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	if err := (&extractor{root: root}).extract(context.Background(), rc); err == nil || !strings.Contains(err.Error(), "unsafe") {
		t.Errorf("extract: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "pidone-escaped")); err == nil {
		t.Error("written outside the image")
	}
}

// TestCreate makes disks from an OCI layout, a docker save tarball and a
// directory, and checks what is in them with e2fsprogs' debugfs.
func TestCreate(t *testing.T) {
	if _, err := exec.LookPath("debugfs"); err != nil {
		if _, err := os.Stat("/sbin/debugfs"); err != nil {
			t.Fatal("debugfs is needed: apt-get install e2fsprogs (make deps installs it)")
		}
	}
	dir := t.TempDir()
	img := testImage(t, "amd64")
	lay := filepath.Join(dir, "layout")
	p, err := layout.Write(lay, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	tb := filepath.Join(dir, "image.tar")
	if err := tarball.WriteToFile(tb, nil, img); err != nil {
		t.Fatal(err)
	}
	// An OCI archive, as docker buildx --output type=oci or skopeo write.
	oci := filepath.Join(dir, "oci.tar")
	if out, err := exec.Command("tar", "-C", lay, "-cf", oci, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v %s", err, out)
	}
	for _, from := range []string{lay, tb, oci} {
		out := filepath.Join(dir, filepath.Base(from)+".img")
		res, err := Create(context.Background(), out, Options{From: from, Arch: "amd64"})
		if err != nil {
			t.Fatalf("%s: %v", from, err)
		}
		want := &runproto.Request{Argv: []string{"/bin/prog", "--flag"}, Env: []string{"GREETING=hello"}, Dir: "/work"}
		if res.Entrypoint == nil || strings.Join(res.Entrypoint.Argv, " ") != strings.Join(want.Argv, " ") || res.Entrypoint.Dir != "/work" {
			t.Errorf("%s: entrypoint %+v", from, res.Entrypoint)
		}
		got := debugfs(t, out, "cat "+EntrypointFile)
		if !strings.Contains(got, `argv "/bin/prog" "--flag"`) || !strings.Contains(got, `env "GREETING=hello"`) {
			t.Errorf("%s: %s holds %q", from, EntrypointFile, got)
		}
		if got := debugfs(t, out, "cat /etc/os-release"); got != "ID=test\n" {
			t.Errorf("%s: /etc/os-release %q", from, got)
		}
	}
	// Another architecture is refused before anything is written.
	out := filepath.Join(dir, "arm.img")
	if _, err := Create(context.Background(), out, Options{From: lay, Arch: "arm64"}); err == nil || !strings.Contains(err.Error(), "not linux/arm64") {
		t.Errorf("arm64 from an amd64 layout: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a disk was written for a refused image")
	}
	// A truncated tarball.
	b, _ := os.ReadFile(tb)
	cut := filepath.Join(dir, "cut.tar")
	os.WriteFile(cut, b[:len(b)/2], 0o644)
	if _, err := Create(context.Background(), filepath.Join(dir, "cut.img"), Options{From: cut, Arch: "amd64"}); err == nil {
		t.Error("a truncated tarball made a disk")
	}
}

func debugfs(t *testing.T, img, cmd string) string {
	t.Helper()
	out, err := exec.Command("debugfs", "-R", cmd, img).Output()
	if err != nil {
		t.Fatalf("debugfs %s: %v", cmd, err)
	}
	return string(out)
}
