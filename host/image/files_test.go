package image

import (
	"bytes"
	"io"
	"os"
	"path"
	"path/filepath"
	"testing"

	"pidone.dev/host/elfdeps"
	"pidone.dev/pkg/cpio"
)

// A --file whose host path is a symbolic link brings what it points to
// (links inside a copied tree stay links), and a user's file on PATH
// replaces pidone's command of the same name.
func TestFileWins(t *testing.T) {
	s := testSpec(t)
	s.Commands = []string{"ls", "cat", "ip", "wc"}
	dir := t.TempDir()
	// As on Debian: /usr/sbin/ip -> /bin/ip. Copied as a link, it would
	// point at pidone's own ip.
	os.WriteFile(filepath.Join(dir, "ip-real"), []byte("user's ip"), 0o755)
	os.Symlink("ip-real", filepath.Join(dir, "ip"))
	os.WriteFile(filepath.Join(dir, "ls"), []byte("user's ls"), 0o755)
	os.WriteFile(filepath.Join(dir, "wc"), []byte("user's wc"), 0o755)
	os.Symlink(s.Files[0].Host, filepath.Join(dir, "treelink"))
	s.Files = []File{
		{Host: filepath.Join(dir, "ip"), Guest: "/usr/sbin/ip"},
		{Host: filepath.Join(dir, "ls"), Guest: "/bin/ls"},
		{Host: filepath.Join(dir, "wc"), Guest: "/usr/local/bin/wc"}, // not on init's PATH
		{Host: filepath.Join(dir, "treelink"), Guest: "/opt/t"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	_, m := readImage(t, buf.Bytes())
	want := map[string]entryInfo{
		"usr/sbin/ip":        {cpio.TypeReg | 0o755, "user's ip", 0, 0},
		"bin/ls":             {cpio.TypeReg | 0o755, "user's ls", 0, 0},
		"bin/cat":            {cpio.TypeSymlink | 0o777, "../init", 0, 0},
		"bin/wc":             {cpio.TypeSymlink | 0o777, "../init", 0, 0},
		"usr/local/bin/wc":   {cpio.TypeReg | 0o755, "user's wc", 0, 0},
		"opt/t":              {cpio.TypeDir | 0o755, "", 0, 0},
		"opt/t/link":         {cpio.TypeSymlink | 0o777, "sub/data.txt", 0, 0},
		"opt/t/sub/data.txt": {cpio.TypeReg | 0o600, "data", 0, 0},
	}
	for name, w := range want {
		if got, ok := m[name]; !ok || got != w {
			t.Errorf("%s = %+v (present %v), want %+v", name, got, ok, w)
		}
	}
	if e, ok := m["bin/ip"]; ok {
		t.Errorf("pidone's bin/ip is still there (%+v): PATH finds it before the user's /usr/sbin/ip", e)
	}

	// The key follows the file the link points to.
	k1, err := s.Key()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "ip-real"), []byte("user's ip, v2"), 0o755)
	if k2, _ := s.Key(); k2 == k1 {
		t.Error("the key did not change with the file a --file link points to")
	}
}

// A --file of a dynamically linked program brings its loader and shared
// libraries, at their paths, links as links; a user's own file at one of
// those paths wins.
func TestFileDynamic(t *testing.T) {
	const prog = "/usr/bin/ls"
	deps, err := elfdeps.Deps(prog, prog)
	if err != nil || len(deps) == 0 {
		t.Skipf("%s is not a dynamically linked program here (%v)", prog, err)
	}
	s := testSpec(t)
	mine := filepath.Join(t.TempDir(), "libc")
	os.WriteFile(mine, []byte("my libc"), 0o644)
	last := deps[len(deps)-1]
	s.Files = []File{{Host: prog, Guest: "/usr/bin/ls"}, {Host: mine, Guest: last.Guest}}
	var buf bytes.Buffer
	if err := Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	_, m := readImage(t, buf.Bytes())
	for _, d := range deps {
		want, _ := os.ReadFile(d.Host)
		if d == last {
			want = []byte("my libc")
		}
		// A library that is a link on the host is one in the image.
		p := d.Guest
		for hops := 0; hops < 10; hops++ {
			e, ok := m[p[1:]]
			if !ok || e.mode&cpio.TypeMask != cpio.TypeSymlink {
				break
			}
			if d != last {
				if target, _ := os.Readlink(p); target != e.data {
					t.Errorf("%s -> %s, but -> %s on the host", p, e.data, target)
				}
			}
			if path.IsAbs(e.data) {
				p = e.data
			} else {
				p = path.Join(path.Dir(p), e.data)
			}
		}
		e, ok := m[p[1:]]
		if !ok || e.mode&cpio.TypeMask != cpio.TypeReg || e.data != string(want) {
			t.Errorf("%s (%s): present %v, mode %o, %d bytes; want the %d bytes of %s", d.Guest, p, ok, e.mode, len(e.data), len(want), d.Host)
		}
	}
	if _, ok := m["bin/ls"]; ok {
		t.Error("pidone's bin/ls is still there: PATH finds it before /usr/bin/ls")
	}
	k1, _ := s.Key()
	s.Files = s.Files[:1]
	if k2, _ := s.Key(); k1 == k2 {
		t.Error("the key does not change when a library is the host's instead of the user's")
	}
}

func TestFileDanglingLink(t *testing.T) {
	s := testSpec(t)
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink("nowhere", link)
	s.Files = []File{{Host: link, Guest: "/x"}}
	want := "--file " + link + ": a symbolic link to nowhere, which is not there (no such file or directory)"
	if err := Write(io.Discard, s); err == nil || err.Error() != want {
		t.Errorf("a --file link to nothing: %v, want %q", err, want)
	}
}
