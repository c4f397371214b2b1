package archival

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

// tarTree makes d/ with a file, an empty file, a subdirectory, a
// symlink, a hard link and a long name.
func tarTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	long := "d/" + strings.Repeat("n", 120)
	cmdtest.WriteFiles(t, dir, map[string]string{"d/f": "hello", "d/empty": "", "d/s/g": "deep", long: "long"})
	os.Symlink("f", filepath.Join(dir, "d/l"))
	os.Link(filepath.Join(dir, "d/f"), filepath.Join(dir, "d/h"))
	os.Chmod(filepath.Join(dir, "d/s/g"), 0o751)
	past := time.Unix(1000000000, 0)
	os.Chtimes(filepath.Join(dir, "d/s/g"), past, past)
	return dir
}

// readStd reads an archive with archive/tar: names → type and content.
func readStd(t *testing.T, data string) map[string]string {
	t.Helper()
	got := map[string]string{}
	tr := tar.NewReader(strings.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("archive/tar: %v", err)
		}
		b, _ := io.ReadAll(tr)
		got[h.Name] = string(h.Typeflag) + ":" + string(b) + h.Linkname
	}
}

func TestTarCreateReadable(t *testing.T) {
	dir := tarTree(t)
	out, errOut, st := cmdtest.Run(t, dir, "", "tar", "cf", "-", "d")
	if st != 0 || errOut != "" {
		t.Fatalf("tar cf - d: %d %q", st, errOut)
	}
	if len(out)%512 != 0 {
		t.Errorf("archive of %d bytes, not whole blocks", len(out))
	}
	got := readStd(t, out)
	long := "d/" + strings.Repeat("n", 120)
	want := map[string]string{"d/": "5:", "d/empty": "0:", "d/s/": "5:", "d/s/g": "0:deep", long: "0:long", "d/l": "2:f"}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s: %q, want %q", name, got[name], v)
		}
	}
	// One of f and h is stored, the other a link to it.
	if a, b := got["d/f"], got["d/h"]; !(a == "0:hello" && b == "1:d/f" || a == "1:d/h" && b == "0:hello") {
		t.Errorf("hard link: d/f %q, d/h %q", a, b)
	}
	tr := tar.NewReader(strings.NewReader(out))
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Name == "d/s/g" && (h.Mode != 0o751 || h.ModTime.Unix() != 1000000000 || h.Uid != os.Getuid()) {
			t.Errorf("d/s/g: mode %o, time %v, uid %d", h.Mode, h.ModTime, h.Uid)
		}
	}
}

func TestTarRoundTrip(t *testing.T) {
	dir := tarTree(t)
	if _, errOut, st := cmdtest.Run(t, dir, "", "tar", "-czf", "a.tgz", "d"); st != 0 {
		t.Fatalf("tar czf: %q", errOut)
	}
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	if _, errOut, st := cmdtest.Run(t, dir, "", "tar", "-xzf", "a.tgz", "-C", "out"); st != 0 {
		t.Fatalf("tar xzf: %q", errOut)
	}
	o := func(p string) string { return filepath.Join(dir, "out", p) }
	if cmdtest.ReadFile(t, o("d/s/g")) != "deep" || cmdtest.ReadFile(t, o("d/"+strings.Repeat("n", 120))) != "long" {
		t.Errorf("contents differ")
	}
	fi, _ := os.Stat(o("d/s/g"))
	if fi.Mode().Perm() != 0o751 || fi.ModTime().Unix() != 1000000000 {
		t.Errorf("d/s/g: %v %v", fi.Mode(), fi.ModTime())
	}
	if target, _ := os.Readlink(o("d/l")); target != "f" {
		t.Errorf("d/l -> %q", target)
	}
	a, _ := os.Stat(o("d/f"))
	b, _ := os.Stat(o("d/h"))
	if !os.SameFile(a, b) {
		t.Errorf("d/f and d/h are not one file")
	}
	// Listing, without -z: the gzip magic is enough.
	out, _, _ := cmdtest.Run(t, dir, "", "tar", "tf", "a.tgz")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	sort.Strings(lines)
	if len(lines) != 8 || lines[0] != "d/" {
		t.Errorf("tar tf = %q", lines)
	}
}

func TestTarReadsOthers(t *testing.T) {
	// What archive/tar writes: PAX records, ustar prefixes, GNU names.
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	long := strings.Repeat("p", 90) + "/" + strings.Repeat("q", 90)
	tw.WriteHeader(&tar.Header{Name: long, Mode: 0o644, Size: 2, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
	tw.Write([]byte("us"))
	tw.WriteHeader(&tar.Header{Name: "pax/" + strings.Repeat("x", 200), Mode: 0o600, Size: 3, Typeflag: tar.TypeReg, Format: tar.FormatPAX, PAXRecords: map[string]string{"path": "pax/" + strings.Repeat("x", 200)}})
	tw.Write([]byte("pax"))
	tw.WriteHeader(&tar.Header{Name: "gnu/" + strings.Repeat("y", 150), Mode: 0o644, Size: 3, Typeflag: tar.TypeReg, Format: tar.FormatGNU})
	tw.Write([]byte("gnu"))
	tw.WriteHeader(&tar.Header{Name: "big", Mode: 0o644, Size: 0, Typeflag: tar.TypeReg, Uid: 1 << 22, Format: tar.FormatGNU})
	tw.Close()
	out, errOut, st := cmdtest.Run(t, t.TempDir(), b.String(), "tar", "t")
	want := long + "\npax/" + strings.Repeat("x", 200) + "\ngnu/" + strings.Repeat("y", 150) + "\nbig\n"
	if out != want || st != 0 {
		t.Errorf("tar t = %q, %q, %d; want %q", out, errOut, st, want)
	}
	dir := t.TempDir()
	if _, errOut, st := cmdtest.Run(t, dir, b.String(), "tar", "x"); st != 0 {
		t.Fatalf("tar x: %q", errOut)
	}
	if cmdtest.ReadFile(t, filepath.Join(dir, "pax", strings.Repeat("x", 200))) != "pax" {
		t.Errorf("pax file")
	}
}

func TestTarUnsafeNames(t *testing.T) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, n := range []string{"/abs", "../up", "a/../../b", "ok"} {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
	}
	tw.WriteHeader(&tar.Header{Name: "evil", Linkname: "/etc", Typeflag: tar.TypeSymlink})
	tw.WriteHeader(&tar.Header{Name: "evil/passwd", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	parent := t.TempDir()
	dir := filepath.Join(parent, "in")
	os.Mkdir(dir, 0o755)
	// evil/passwd made a directory evil, where the link then cannot go.
	_, errOut, st := cmdtest.Run(t, dir, b.String(), "tar", "xf", "-")
	if st != 1 || errOut != "tar: removing leading '/' from member names\ntar: can't create symlink 'evil' to '/etc': File exists\n" {
		t.Errorf("tar x of unsafe names: %d %q", st, errOut)
	}
	if cmdtest.ReadFile(t, filepath.Join(dir, "evil/passwd")) != "x" {
		t.Errorf("evil/passwd not made in the directory")
	}
	for _, n := range []string{"abs", "up", "b", "ok", "evil"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if names, _ := os.ReadDir(parent); len(names) != 1 {
		t.Errorf("tar wrote beside its directory: %v", names)
	}
}

// A hard link's target is a member name: one outside the directory is
// taken as inside it, never linked from outside.
func TestTarUnsafeHardLink(t *testing.T) {
	parent := t.TempDir()
	secret := filepath.Join(parent, "secret")
	os.WriteFile(secret, []byte("host"), 0o600)
	dir := filepath.Join(parent, "in")
	os.Mkdir(dir, 0o755)
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: "secret", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg})
	tw.Write([]byte("inner"))
	tw.WriteHeader(&tar.Header{Name: "h1", Linkname: "../secret", Typeflag: tar.TypeLink})
	tw.WriteHeader(&tar.Header{Name: "h2", Linkname: secret, Typeflag: tar.TypeLink})
	tw.Close()
	cmdtest.Run(t, dir, b.String(), "tar", "xf", "-")
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "h1")); got != "inner" {
		t.Errorf("h1 = %q, want the archive's own secret", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "h2")); err == nil {
		if got := cmdtest.ReadFile(t, filepath.Join(dir, "h2")); got == "host" {
			t.Errorf("h2 links the host's %s into the directory", secret)
		}
	}
	var st syscall.Stat_t
	if err := syscall.Stat(secret, &st); err != nil || st.Nlink != 1 {
		t.Errorf("the file outside has %d links, %v", st.Nlink, err)
	}
}

func TestTarOptions(t *testing.T) {
	dir := tarTree(t)
	run := func(args ...string) (string, string, int) { return cmdtest.Run(t, dir, "", "tar", args...) }
	if _, _, st := run("cf", "a.tar", "--exclude", "s", "--exclude=*.x", "d"); st != 0 {
		t.Fatal("tar with --exclude")
	}
	out, _, _ := run("tf", "a.tar")
	if strings.Contains(out, "d/s") || !strings.Contains(out, "d/f") {
		t.Errorf("--exclude s left %q", out)
	}
	long := "d/" + strings.Repeat("n", 120)
	out, _, _ = run("xOf", "a.tar", long)
	if out != "long" {
		t.Errorf("-O = %q", out)
	}
	os.Mkdir(filepath.Join(dir, "o"), 0o755)
	run("xf", "a.tar", "-C", "o", "--strip-components", "1", long)
	if cmdtest.ReadFile(t, filepath.Join(dir, "o", long[2:])) != "long" {
		t.Errorf("--strip-components 1")
	}
	// -k keeps what is there, and fails as BusyBox on the first one.
	os.MkdirAll(filepath.Join(dir, "o/d"), 0o755)
	os.WriteFile(filepath.Join(dir, "o/d/empty"), []byte("mine"), 0o644)
	_, errOut, st := run("xkf", "a.tar", "-C", "o", "d/empty")
	if st != 1 || !strings.Contains(errOut, "can't open 'd/empty': File exists") || cmdtest.ReadFile(t, filepath.Join(dir, "o/d/empty")) != "mine" {
		t.Errorf("-k: %d %q", st, errOut)
	}
	// -m leaves the time of extraction.
	run("cf", "b.tar", "d")
	run("xmf", "b.tar", "-C", "o", "d/s/g")
	if fi, _ := os.Stat(filepath.Join(dir, "o/d/s/g")); fi.ModTime().Unix() == 1000000000 {
		t.Errorf("-m restored the time")
	}
	// v lists names on extraction; vv lists long.
	out, _, _ = run("xvf", "a.tar", "-C", "o", "d/empty")
	if out != "d/empty\n" {
		t.Errorf("xv = %q", out)
	}
	out, _, _ = run("tvf", "b.tar", "d/s/g")
	if !strings.HasPrefix(out, "-rwxr-x--x ") || !strings.HasSuffix(out, " d/s/g\n") {
		t.Errorf("tv = %q", out)
	}
}

func TestTarErrors(t *testing.T) {
	dir := tarTree(t)
	cmdtest.WriteFiles(t, dir, map[string]string{"junk.tar": strings.Repeat("junk", 200), "empty": ""})
	tests := []struct {
		args   []string
		errOut string
		status int
	}{
		{[]string{"cf", "a.tar"}, "tar: empty archive\n", 1},
		{[]string{"cf", "a.tar", "nope", "d/f"}, "tar: nope: No such file or directory\ntar: error exit delayed from previous errors\n", 1},
		{[]string{"xf", "nope.tar"}, "tar: can't open 'nope.tar': No such file or directory\n", 1},
		{[]string{"tf", "junk.tar"}, "tar: invalid tar header checksum\n", 1},
		{[]string{"tf", "empty"}, "", 1},
		{[]string{"xf", "a.tar", "d/none"}, "tar: d/none: not found in archive\n", 1},
		{[]string{"xf", "a.tar", "-C", "nodir"}, "tar: can't change directory to 'nodir': No such file or directory\n", 1},
		{[]string{"f", "a.tar"}, "tar: exactly one of c, x and t\nusage: tar c|x|t [-zvkmoOhpP] [-f FILE] [-C DIR] [--exclude PATTERN]... [--strip-components N] [FILE]...\n", 2},
	}
	for _, tt := range tests {
		_, errOut, st := cmdtest.Run(t, dir, "", "tar", tt.args...)
		if errOut != tt.errOut || st != tt.status {
			t.Errorf("tar %q = %q, %d; want %q, %d", tt.args, errOut, st, tt.errOut, tt.status)
		}
	}
	// A truncated archive is a short read.
	whole, _, _ := cmdtest.Run(t, dir, "", "tar", "cf", "-", "d/f")
	_, errOut, st := cmdtest.Run(t, dir, whole[:600], "tar", "t")
	if st != 1 || errOut != "tar: short read\n" {
		t.Errorf("truncated: %q, %d", errOut, st)
	}
}

func TestTarOwners(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("restoring owners needs root")
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: "f", Mode: 0o4755, Size: 0, Uid: 1234, Gid: 5678, Uname: "nosuchuser", Typeflag: tar.TypeReg})
	tw.Close()
	dir := t.TempDir()
	if _, errOut, st := cmdtest.Run(t, dir, b.String(), "tar", "x"); st != 0 {
		t.Fatal(errOut)
	}
	var st syscall.Stat_t
	syscall.Stat(filepath.Join(dir, "f"), &st)
	if st.Uid != 1234 || st.Gid != 5678 || st.Mode&0o7777 != 0o4755 {
		t.Errorf("owner %d:%d mode %o", st.Uid, st.Gid, st.Mode&0o7777)
	}
	os.Remove(filepath.Join(dir, "f"))
	cmdtest.Run(t, dir, b.String(), "tar", "xo")
	syscall.Stat(filepath.Join(dir, "f"), &st)
	if st.Uid != 0 {
		t.Errorf("-o kept owner %d", st.Uid)
	}
}
