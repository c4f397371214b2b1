package cpio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func archive(t *testing.T, hs ...*Header) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b)
	for _, h := range hs {
		data := ""
		if h.Type() == TypeReg {
			data = h.Linkname
			h.Linkname = ""
			h.Size = int64(len(data))
		}
		if err := w.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	w.Close()
	return &b
}

func TestUnpack(t *testing.T) {
	dir := t.TempDir()
	a := archive(t,
		&Header{Name: "src/pkg", Mode: TypeDir | 0o755},
		&Header{Name: "src/pkg/data.txt", Mode: TypeReg | 0o644, Linkname: "hello\n"},
		&Header{Name: "bin/x.test", Mode: TypeReg | 0o755, Linkname: "ELF"},
		&Header{Name: "src/pkg/link", Mode: TypeSymlink | 0o777, Linkname: "data.txt"},
	)
	if err := Unpack(a, dir); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "src/pkg/link")); err != nil || string(b) != "hello\n" {
		t.Errorf("link: %q, %v", b, err)
	}
	if st, err := os.Stat(filepath.Join(dir, "bin/x.test")); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("x.test: %v, %v", st, err)
	}
}

func TestUnpackStaysInside(t *testing.T) {
	for name, hs := range map[string][]*Header{
		"dotdot":  {{Name: "../escape", Mode: TypeReg | 0o644, Linkname: "x"}},
		"symlink": {{Name: "out", Mode: TypeSymlink | 0o777, Linkname: "/tmp"}, {Name: "out/escape", Mode: TypeReg | 0o644, Linkname: "x"}},
		"device":  {{Name: "dev/sda", Mode: TypeBlock | 0o600, RDevMajor: 8}},
	} {
		dir := t.TempDir()
		err := Unpack(archive(t, hs...), dir)
		if err == nil {
			t.Errorf("%s: unpacked", name)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape")); err == nil {
			t.Errorf("%s: wrote outside", name)
		}
	}
}
