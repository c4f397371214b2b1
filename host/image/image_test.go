package image

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"pidone.dev/internal/hosttest"
	"pidone.dev/pkg/cpio"
)

func testSpec(t *testing.T) *Spec {
	t.Helper()
	dir := t.TempDir()
	init := filepath.Join(dir, "init")
	os.WriteFile(init, []byte("\x7fELF fake init"), 0o755)
	tree := filepath.Join(dir, "tree")
	os.MkdirAll(filepath.Join(tree, "sub"), 0o755)
	os.WriteFile(filepath.Join(tree, "sub", "data.txt"), []byte("data"), 0o600)
	os.Symlink("sub/data.txt", filepath.Join(tree, "link"))
	one := filepath.Join(dir, "one")
	os.WriteFile(one, []byte("1"), 0o644)
	return &Spec{
		Init:     init,
		Commands: []string{"ls", "cat"},
		Files:    []File{{Host: tree, Guest: "/opt/tree"}, {Host: one, Guest: "/etc/one"}},
		Cmdline:  "pidone.quiet",
		ModTime:  1234,
	}
}

type entryInfo struct {
	mode     uint32
	data     string
	maj, min uint32
}

func readImage(t *testing.T, b []byte) ([]string, map[string]entryInfo) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	r := cpio.NewReader(zr)
	var names []string
	m := map[string]entryInfo{}
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.UID != 0 || h.GID != 0 || h.ModTime != 1234 {
			t.Errorf("%s: uid %d gid %d mtime %d, want 0 0 1234", h.Name, h.UID, h.GID, h.ModTime)
		}
		data, _ := io.ReadAll(r)
		names = append(names, h.Name)
		m[h.Name] = entryInfo{h.Mode, string(data) + h.Linkname, h.RDevMajor, h.RDevMinor}
	}
	return names, m
}

func TestImageContents(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, testSpec(t)); err != nil {
		t.Fatal(err)
	}
	names, m := readImage(t, buf.Bytes())
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("entries not sorted: %s before %s", names[i-1], names[i])
		}
	}
	want := map[string]entryInfo{
		"init":                  {cpio.TypeReg | 0o755, "\x7fELF fake init", 0, 0},
		"dev/console":           {cpio.TypeChar | 0o600, "", 5, 1},
		"bin/sh":                {cpio.TypeSymlink | 0o777, "../init", 0, 0},
		"bin/ls":                {cpio.TypeSymlink | 0o777, "../init", 0, 0},
		"etc/pidone/cmdline":    {cpio.TypeReg | 0o644, "pidone.quiet\n", 0, 0},
		"etc/hostname":          {cpio.TypeReg | 0o644, "pidone\n", 0, 0},
		"opt":                   {cpio.TypeDir | 0o755, "", 0, 0},
		"opt/tree/sub/data.txt": {cpio.TypeReg | 0o600, "data", 0, 0},
		"opt/tree/link":         {cpio.TypeSymlink | 0o777, "sub/data.txt", 0, 0},
		"etc/one":               {cpio.TypeReg | 0o644, "1", 0, 0},
		"tmp":                   {cpio.TypeDir | 0o1777, "", 0, 0},
	}
	for name, w := range want {
		if got, ok := m[name]; !ok || got != w {
			t.Errorf("%s = %+v (present %v), want %+v", name, got, ok, w)
		}
	}
	for _, f := range []string{"etc/passwd", "etc/group", "etc/resolv.conf"} {
		if _, ok := m[f]; !ok {
			t.Errorf("%s missing", f)
		}
	}
}

func TestImageDeterministic(t *testing.T) {
	s := testSpec(t)
	for _, c := range []string{"gzip", "zstd", "none"} {
		s.Compression = c
		var a, b bytes.Buffer
		if err := Write(&a, s); err != nil {
			t.Fatal(err)
		}
		// Touch every input: times must not leak into the image.
		now := time.Now()
		os.Chtimes(s.Init, now, now)
		if err := Write(&b, s); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two builds differ", c)
		}
	}
}

func TestImageErrors(t *testing.T) {
	s := testSpec(t)
	s.Files = append(s.Files, File{Host: "/nonexistent/file", Guest: "/x"})
	err := Write(io.Discard, s)
	if err == nil || err.Error() != "--file /nonexistent/file: no such file or directory" {
		t.Errorf("missing --file source: %v", err)
	}

	s = testSpec(t)
	s.Init = "/nonexistent/init"
	if err := Write(io.Discard, s); err == nil || !strings.Contains(err.Error(), "init binary /nonexistent/init") {
		t.Errorf("missing init: %v", err)
	}

	s = testSpec(t)
	s.Compression = "lzma"
	if err := Write(io.Discard, s); err == nil || !strings.Contains(err.Error(), "use gzip, zstd or none") {
		t.Errorf("bad compression: %v", err)
	}

	s = testSpec(t)
	err = WriteFile("/nonexistent/dir/initramfs.cpio.gz", s)
	if err == nil || !strings.Contains(err.Error(), "cannot write /nonexistent/dir/initramfs.cpio.gz") {
		t.Errorf("unwritable output: %v", err)
	}
}

func TestParseFile(t *testing.T) {
	for in, want := range map[string]File{
		"./app:/bin/app": {"./app", "/bin/app"},
		"/etc/x":         {"/etc/x", "/etc/x"},
		"data":           {"data", "/data"},
		"a:b/../c":       {"a", "/c"},
	} {
		if got, err := ParseFile(in); err != nil || got != want {
			t.Errorf("ParseFile(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ":/x", "/"} {
		if _, err := ParseFile(bad); err == nil {
			t.Errorf("ParseFile(%q) accepted", bad)
		}
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add("./app:/bin/app")
	f.Fuzz(func(t *testing.T, s string) {
		file, err := ParseFile(s)
		if err == nil && !strings.HasPrefix(file.Guest, "/") {
			t.Errorf("ParseFile(%q) guest %q is not absolute", s, file.Guest)
		}
	})
}

func TestKeyAndCache(t *testing.T) {
	s := testSpec(t)
	k1, err := s.Key()
	if err != nil {
		t.Fatal(err)
	}
	if k2, _ := s.Key(); k1 != k2 {
		t.Fatal("the same spec gave two keys")
	}
	dir := t.TempDir()
	p1, err := Cached(context.Background(), dir, s)
	if err != nil {
		t.Fatal(err)
	}
	st1, _ := os.Stat(p1)
	// Same content, new time: same key, the cached image is reused.
	later := time.Now().Add(time.Hour)
	os.Chtimes(s.Init, later, later)
	if p2, _ := Cached(context.Background(), dir, s); p2 != p1 {
		t.Errorf("touching the init changed the key")
	} else if st2, _ := os.Stat(p2); !os.SameFile(st1, st2) {
		t.Errorf("the cached image was written again")
	}
	// A changed byte in a --file tree changes the key.
	os.WriteFile(filepath.Join(s.Files[0].Host, "sub", "data.txt"), []byte("datA"), 0o600)
	if k3, _ := s.Key(); k3 == k1 {
		t.Errorf("changed file content kept the key")
	}
	s.Cmdline = "other"
	if k4, _ := s.Key(); k4 == k1 {
		t.Errorf("changed cmdline kept the key")
	}
	s.Files = append(s.Files, File{Host: "/no/such", Guest: "/x"})
	if _, err := s.Key(); err == nil || !strings.HasPrefix(err.Error(), "--file /no/such:") {
		t.Errorf("missing file: %v", err)
	}
}

// Each file's bytes are framed by their length in the key: an init and a
// guest binary must not hash like one init holding both.
func TestKeyFramesFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o755)
		return p
	}
	two := &Spec{Init: write("app", "ELF-app-bytes"), Userland: write("guest", "ELF-guest")}
	one := &Spec{Init: write("both", "ELF-app-bytesELF-guest")}
	k1, err1 := two.Key()
	k2, err2 := one.Key()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if k1 == k2 {
		t.Errorf("init+guest and their concatenation as init have the same key %s", k1)
	}
}

// WriteFile streams the image to its file: a large --file costs no more
// memory than a small one (it used to hold the whole image in memory).
func TestWriteFileStreams(t *testing.T) {
	hosttest.Only(t, "room in /tmp")
	const size = 128 << 20
	s := testSpec(t)
	s.Compression = "none"
	big := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: nothing on the disk to read but zeros.
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s.Files = append(s.Files, File{Host: big, Guest: "/big"})
	out := filepath.Join(t.TempDir(), "initramfs.cpio")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := WriteFile(out, s); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if st, err := os.Stat(out); err != nil || st.Size() < size {
		t.Fatalf("image: %v, %v", st, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/8 {
		t.Errorf("writing a %d MiB image allocated %d MiB", size>>20, alloc>>20)
	}
}

// The image cache keeps the most recently used images within its size;
// an image reused by Cached counts as used.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	img := func(name string, size int, age time.Duration) string {
		p := filepath.Join(dir, "amd64", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, make([]byte, size), 0o644)
		os.Chtimes(p, now.Add(-age), now.Add(-age))
		return p
	}
	oldest := img("a.cpio", 400, 4*time.Hour)
	old := img("b.cpio.gz", 400, 3*time.Hour)
	newer := img("c.cpio.zst", 400, 2*time.Hour)
	newest := img("d.cpio", 400, time.Hour)
	// A build that failed half-way long ago left this.
	stale := img(".pidone-image-123", 10, 5*time.Hour)

	// newest was just used, as Cached does on a reuse.
	s := testSpec(t)
	s.Compression = "none"
	used, err := Cached(context.Background(), filepath.Join(dir, "amd64"), s)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(used)
	os.Chtimes(used, now.Add(-30*time.Minute), now.Add(-30*time.Minute))
	if p, err := Cached(context.Background(), filepath.Join(dir, "amd64"), s); err != nil || p != used {
		t.Fatalf("Cached again = %s, %v", p, err)
	}
	if st2, _ := os.Stat(used); !os.SameFile(st, st2) || time.Since(st2.ModTime()) > time.Minute {
		t.Errorf("a reused image is not marked as used (same file %v, mtime %v)", os.SameFile(st, st2), st2.ModTime())
	}

	freed, err := Prune(dir, 800+st.Size())
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{oldest: false, old: false, stale: false, newer: true, newest: true, used: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s kept: %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
	if freed != 810 {
		t.Errorf("freed %d bytes, want 810", freed)
	}
	// Images used a moment ago stay even over the limit: another pidone
	// may be about to boot one.
	if _, err := Prune(dir, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(used); err != nil {
		t.Errorf("an image used a moment ago was removed")
	}
	if _, err := os.Stat(newest); err == nil {
		t.Errorf("an image used an hour ago was kept over the limit")
	}
}

// A --file cannot put a file where the image has a directory: the root,
// one of pidone's, or one that another --file fills.
func TestFileOverDirectory(t *testing.T) {
	s := testSpec(t)
	app := s.Files[1].Host // a file
	tree := s.Files[0].Host
	for _, c := range []struct {
		files []File
		want  string
	}{
		{[]File{{app, "/"}}, ":/: / is a directory in the image"},
		{[]File{{app, "/bin"}}, ":/bin: /bin is a directory in the image (it holds /bin/cat)"},
		{[]File{{app, "/opt"}, {tree, "/opt/tree"}}, ":/opt: /opt is a directory in the image (it holds /opt/tree)"},
		{[]File{{app, "/x"}, {tree, "/x/y"}}, "such as /x/one"},
		{[]File{{app, "/etc/hostname/x"}}, "/etc/hostname is a file of the image, not a directory"},
	} {
		s.Files = c.files
		err := Write(io.Discard, s)
		if err == nil || !strings.HasPrefix(err.Error(), "--file ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--file %v: %v, want %q", c.files, err, c.want)
		}
	}
}
