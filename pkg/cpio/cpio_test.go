package cpio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pidone.dev/internal/hosttest"
)

var sample = []struct {
	h    Header
	data string
}{
	{Header{Name: "bin", Mode: TypeDir | 0o755}, ""},
	{Header{Name: "bin/sh", Mode: TypeSymlink | 0o777, Linkname: "../init"}, ""},
	{Header{Name: "dev", Mode: TypeDir | 0o755}, ""},
	{Header{Name: "dev/console", Mode: TypeChar | 0o600, RDevMajor: 5, RDevMinor: 1}, ""},
	{Header{Name: "dev/sda", Mode: TypeBlock | 0o660, RDevMajor: 8, RDevMinor: 0, GID: 6}, ""},
	{Header{Name: "dev/fifo", Mode: TypeFifo | 0o644}, ""},
	{Header{Name: "empty", Mode: TypeReg | 0o644}, ""},
	{Header{Name: "init", Mode: TypeReg | 0o755, ModTime: 1700000000}, "#!/bin/sh\necho hi\n"},
	{Header{Name: "odd", Mode: TypeReg | 0o600, UID: 1000, GID: 1000}, "abc"},
}

func writeSample(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, s := range sample {
		h := s.h
		h.Size = int64(len(s.data))
		if err := w.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, s.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	b := writeSample(t)
	if len(b)%4 != 0 {
		t.Errorf("archive length %d is not a multiple of 4", len(b))
	}
	r := NewReader(bytes.NewReader(b))
	for i, s := range sample {
		h, err := r.Next()
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		want := s.h
		want.Ino = uint32(i + 1)
		want.NLink = 1
		if want.Type() == TypeDir {
			want.NLink = 2
		}
		if want.Type() == TypeReg {
			want.Size = int64(len(s.data))
		}
		if !reflect.DeepEqual(*h, want) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, *h, want)
		}
		if string(data) != s.data {
			t.Errorf("%s: data %q, want %q", h.Name, data, s.data)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the last entry: %v, want io.EOF", err)
	}
}

func TestDeterministic(t *testing.T) {
	if a, b := writeSample(t), writeSample(t); !bytes.Equal(a, b) {
		t.Error("two writes of the same entries differ")
	}
}

// TestSkipUnreadData reads headers only: Next must skip data and padding.
func TestSkipUnreadData(t *testing.T) {
	r := NewReader(bytes.NewReader(writeSample(t)))
	var names []string
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	if len(names) != len(sample) {
		t.Errorf("read %d entries, want %d: %q", len(names), len(sample), names)
	}
}

func TestWriterErrors(t *testing.T) {
	tests := []struct {
		h    Header
		data string
		want string
	}{
		{Header{Name: "a", Mode: TypeReg, Size: 3}, "ab", "missing 1 bytes"},
		{Header{Name: "a", Mode: TypeReg, Size: 1}, "ab", "write too long"},
		{Header{Name: "l", Mode: TypeSymlink}, "", "symlink without a target"},
		{Header{Name: "x", Mode: 0o777}, "", "unknown file type"},
		{Header{Name: "TRAILER!!!", Mode: TypeReg}, "", "invalid name"},
		{Header{Name: "a\x00b", Mode: TypeReg}, "", "invalid name"},
		{Header{Name: "big", Mode: TypeReg, Size: 1 << 33}, "", "does not fit"},
	}
	for _, tt := range tests {
		w := NewWriter(io.Discard)
		err := w.WriteHeader(&tt.h)
		if err == nil {
			_, err = io.WriteString(w, tt.data)
		}
		if err == nil {
			err = w.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.h, err, tt.want)
		}
	}
}

func TestReaderErrors(t *testing.T) {
	good := writeSample(t)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"gzip", []byte("\x1f\x8b\x08\x00" + strings.Repeat("\x00", 200)), "no cpio magic"},
		{"empty", nil, "without a trailer"},
		{"truncated", good[:len(good)/2], "truncated"},
		{"bad hex", append([]byte("070701zzzzzzzz"), good[14:]...), "bad header field"},
	}
	for _, tt := range tests {
		r := NewReader(bytes.NewReader(tt.in))
		var err error
		for err == nil {
			_, err = r.Next()
		}
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want ErrFormat with %q", tt.name, err, tt.want)
		}
	}
}

// TestGNUCpio checks our archives against the reference implementation:
// GNU cpio lists and extracts what we write, and we read what it writes.
func TestGNUCpio(t *testing.T) {
	hosttest.Only(t, "GNU cpio")
	if _, err := exec.LookPath("cpio"); err != nil {
		t.Fatal("GNU cpio is needed for this test: apt-get install cpio (make test installs it)")
	}
	list := exec.Command("cpio", "-it", "--quiet")
	list.Stdin = bytes.NewReader(writeSample(t))
	out, err := list.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -it: %v\n%s", err, out)
	}
	var want []string
	for _, s := range sample {
		want = append(want, s.h.Name)
	}
	if got := strings.Fields(string(out)); !reflect.DeepEqual(got, want) {
		t.Errorf("cpio -it lists %q, want %q", got, want)
	}

	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "d"), 0o755)
	os.WriteFile(filepath.Join(src, "d", "f"), []byte("hello"), 0o640)
	os.Symlink("d/f", filepath.Join(src, "ln"))
	create := exec.Command("cpio", "-o", "-H", "newc", "--quiet")
	create.Dir = src
	create.Stdin = strings.NewReader("d\nd/f\nln\n")
	archive, err := create.Output()
	if err != nil {
		t.Fatalf("cpio -o: %v", err)
	}
	r := NewReader(bytes.NewReader(archive))
	got := map[string]string{}
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		got[h.Name] = string(data) + h.Linkname
		if h.Name == "d/f" && h.Mode != TypeReg|0o640 {
			t.Errorf("d/f mode %#o", h.Mode)
		}
	}
	if want := map[string]string{"d": "", "d/f": "hello", "ln": "d/f"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
}

func ExampleWriter() {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.WriteHeader(&Header{Name: "dev", Mode: TypeDir | 0o755})
	w.WriteHeader(&Header{Name: "dev/console", Mode: TypeChar | 0o600, RDevMajor: 5, RDevMinor: 1})
	w.WriteHeader(&Header{Name: "hello", Mode: TypeReg | 0o644, Size: 3})
	w.Write([]byte("hi\n"))
	w.Close()

	r := NewReader(&buf)
	for {
		h, err := r.Next()
		if err != nil {
			break
		}
		fmt.Println(h.Name, fmt.Sprintf("%o", h.Mode))
	}
	// Output:
	// dev 40755
	// dev/console 20600
	// hello 100644
}

func FuzzReader(f *testing.F) {
	f.Add(writeSample(f))
	f.Add([]byte("070701"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b))
		for i := 0; i < 10000; i++ {
			h, err := r.Next()
			if err != nil {
				if err != io.EOF && !errors.Is(err, ErrFormat) {
					t.Fatalf("error %v is not ErrFormat", err)
				}
				return
			}
			if len(h.Name) >= maxName {
				t.Fatalf("name of %d bytes", len(h.Name))
			}
			io.Copy(io.Discard, r)
		}
	})
}
