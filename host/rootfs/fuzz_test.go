package rootfs

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// fuzzLayers reads a fuzzer's script of layers: a line "-" starts the
// next layer; every other line is an entry, its kind first (f file, d
// directory, l symbolic link, h hard link, p fifo, x anything else), a
// mode digit, then NAME or NAME>TARGET.
func fuzzLayers(in string) [][]byte {
	var layers [][]byte
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	flush := func() {
		tw.Close()
		layers = append(layers, append([]byte(nil), b.Bytes()...))
		b.Reset()
		tw = tar.NewWriter(&b)
	}
	for _, line := range strings.Split(in, "\n") {
		if line == "-" {
			flush()
			continue
		}
		if len(line) < 3 {
			continue
		}
		name, link, _ := strings.Cut(line[2:], ">")
		h := &tar.Header{Name: name, Linkname: link, Mode: 0o700 | int64(line[1]&0o77), Uid: os.Getuid(), Gid: os.Getgid()}
		var body string
		switch line[0] {
		case 'f':
			h.Typeflag, body = tar.TypeReg, link
			h.Linkname = ""
		case 'd':
			h.Typeflag = tar.TypeDir
		case 'l':
			h.Typeflag = tar.TypeSymlink
		case 'h':
			h.Typeflag = tar.TypeLink
		case 'p':
			h.Typeflag = tar.TypeFifo
		default:
			h.Typeflag = line[0]
		}
		h.Size = int64(len(body))
		if tw.WriteHeader(h) == nil {
			io.WriteString(tw, body)
		}
	}
	flush()
	return layers
}

// snapshot is every path under dir, other than under root, with its mode.
func snapshot(t *testing.T, dir, root string) map[string]fs.FileMode {
	t.Helper()
	m := map[string]fs.FileMode{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if p == root {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			t.Fatal(err)
		}
		m[p] = info.Mode()
		return nil
	})
	return m
}

// FuzzExtract applies a fuzzer's layers, whiteouts and opaque
// directories included, into a staging directory deep in a temporary
// one, and checks that nothing outside the staging directory changed:
// no file appeared beside it, no directory above it changed its mode.
// Each layer's stream also goes to the extractor as it is (with
// duplicates and whiteout files), as a hostile layer would.
func FuzzExtract(f *testing.F) {
	f.Add("d0etc/\nf0etc/os-release>ID=test\nf0etc/hostname>old\nd0usr/lib/\nf0usr/lib/libx.so>ELF\nl0lib>usr/lib\nl0escape>/../../..\nl0up>../../../../tmp\nd0old/\nf0old/a>a\n-\n" +
		"f0etc/.wh.hostname\nf0old/.wh..wh..opq\nf0old/b>b\nf0lib/liby.so>x\nf0escape/pidone-escaped-2>x\nf0up/pidone-escaped-3>x\nf0bin/prog>#!/bin/sh\nh0bin/hard>bin/prog\n")
	f.Add("l0x>../../../..\n-\nd7x/\n")
	f.Add("l0x>..\nd7x/.\n")
	f.Add("h0a>../../../../../etc/passwd\nl0b>/\nf0b/c>x\np0fifo\n")
	f.Add("d0a\nl0a/b>../../../../..\nd5a/b\n")
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 4096 {
			return
		}
		layers := fuzzLayers(in)
		var ls []v1.Layer
		for _, data := range layers {
			l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
			if err != nil {
				t.Fatal(err)
			}
			ls = append(ls, l)
		}
		img, err := mutate.AppendLayers(empty.Image, ls...)
		if err != nil {
			t.Fatal(err)
		}
		streams := []func() io.ReadCloser{func() io.ReadCloser { return mutate.Extract(img) }}
		for _, data := range layers {
			streams = append(streams, func() io.ReadCloser { return io.NopCloser(bytes.NewReader(data)) })
		}
		for _, open := range streams {
			parent := t.TempDir()
			root := filepath.Join(parent, "a", "b", "c", "root")
			if err := os.MkdirAll(root, 0o700); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(parent, "a", "b", "file"), []byte("x"), 0o600)
			before := snapshot(t, parent, root)
			rc := open()
			(&extractor{root: root}).extract(context.Background(), rc)
			rc.Close()
			after := snapshot(t, parent, root)
			for p, m := range after {
				if b, ok := before[p]; !ok {
					t.Errorf("%s appeared outside the staging directory", p)
				} else if b != m {
					t.Errorf("%s: mode %v, was %v", p, m, b)
				}
			}
			if len(after) != len(before) {
				t.Errorf("outside the staging directory: %d paths, were %d", len(after), len(before))
			}
			filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					os.Chmod(p, 0o700) // for TempDir's cleanup
				}
				return nil
			})
		}
	})
}
