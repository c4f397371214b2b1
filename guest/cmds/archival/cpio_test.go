package archival

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
	"pidone.dev/pkg/cpio"
)

func cpioTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"d/f": "hello", "d/s/g": "deep", "d/e": ""})
	os.Symlink("f", filepath.Join(dir, "d/l"))
	os.Link(filepath.Join(dir, "d/f"), filepath.Join(dir, "d/h"))
	os.Chmod(filepath.Join(dir, "d/s/g"), 0o751)
	past := time.Unix(1000000000, 0)
	os.Chtimes(filepath.Join(dir, "d/s/g"), past, past)
	return dir
}

const cpioNames = "d\nd/f\n./d/s\nd/s/g\nd/e\nd/l\nd/h\n\n"

func TestCpioCreate(t *testing.T) {
	dir := cpioTree(t)
	out, errOut, st := cmdtest.Run(t, dir, cpioNames, "cpio", "-o", "-H", "newc")
	if st != 0 || errOut != "" {
		t.Fatalf("cpio -o: %d %q", st, errOut)
	}
	cr := cpio.NewReader(strings.NewReader(out))
	var names []string
	data := map[string]string{}
	for {
		h, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		b, _ := io.ReadAll(cr)
		data[h.Name] = string(b) + h.Linkname
		if h.Name == "d/s/g" && (h.Mode&0o7777 != 0o751 || h.ModTime != 1000000000) {
			t.Errorf("d/s/g: mode %o time %d", h.Mode, h.ModTime)
		}
	}
	// Hard links last, the data with the last of them.
	if got := strings.Join(names, " "); got != "d d/s d/s/g d/e d/l d/f d/h" {
		t.Errorf("names %q", got)
	}
	if data["d/f"] != "" || data["d/h"] != "hello" || data["d/l"] != "f" || data["d/s/g"] != "deep" {
		t.Errorf("data %q", data)
	}
}

func TestCpioRoundTrip(t *testing.T) {
	dir := cpioTree(t)
	archive, _, _ := cmdtest.Run(t, dir, cpioNames, "cpio", "-o", "-H", "newc")
	out, errOut, st := cmdtest.Run(t, dir, archive, "cpio", "-t")
	if out != "d\nd/s\nd/s/g\nd/e\nd/l\nd/h\n" || errOut != "2 blocks\n" || st != 0 {
		t.Errorf("cpio -t = %q, %q, %d", out, errOut, st)
	}
	out, _, _ = cmdtest.Run(t, dir, archive, "cpio", "-tv", "d/s/g")
	if !strings.HasPrefix(out, "-rwxr-x--x ") || !strings.HasSuffix(out, " 4 2001-09-09 01:46:40 d/s/g\n") && !strings.HasSuffix(out, " d/s/g\n") {
		t.Errorf("cpio -tv = %q", out)
	}
	o := filepath.Join(dir, "o")
	os.Mkdir(o, 0o755)
	out, errOut, st = cmdtest.Run(t, o, archive, "cpio", "-idmv")
	if st != 0 || out != "d\nd/s\nd/s/g\nd/e\nd/l\nd/h\n" {
		t.Fatalf("cpio -idmv: %q %q %d", out, errOut, st)
	}
	if cmdtest.ReadFile(t, filepath.Join(o, "d/f")) != "hello" || cmdtest.ReadFile(t, filepath.Join(o, "d/s/g")) != "deep" {
		t.Errorf("contents")
	}
	a, _ := os.Stat(filepath.Join(o, "d/f"))
	b, _ := os.Stat(filepath.Join(o, "d/h"))
	if !os.SameFile(a, b) {
		t.Errorf("d/f, d/h not linked")
	}
	if fi, _ := os.Stat(filepath.Join(o, "d/s/g")); fi.Mode().Perm() != 0o751 || fi.ModTime().Unix() != 1000000000 {
		t.Errorf("d/s/g: %v %v", fi.Mode(), fi.ModTime())
	}
	if l, _ := os.Readlink(filepath.Join(o, "d/l")); l != "f" {
		t.Errorf("d/l -> %q", l)
	}
	// Again: everything is there and as new, so nothing is replaced.
	os.WriteFile(filepath.Join(o, "d/e"), []byte("mine"), 0o644)
	_, errOut, st = cmdtest.Run(t, o, archive, "cpio", "-id")
	if st != 0 || !strings.Contains(errOut, "cpio: d/e not created: newer or same age file exists\n") || cmdtest.ReadFile(t, filepath.Join(o, "d/e")) != "mine" {
		t.Errorf("second -id: %q %d", errOut, st)
	}
	_, _, st = cmdtest.Run(t, o, archive, "cpio", "-idu")
	if st != 0 || cmdtest.ReadFile(t, filepath.Join(o, "d/e")) != "" {
		t.Errorf("-u did not replace d/e")
	}
}

func TestCpioErrors(t *testing.T) {
	dir := cpioTree(t)
	var b bytes.Buffer
	w := cpio.NewWriter(&b)
	w.WriteHeader(&cpio.Header{Name: "deep/dir/f", Mode: cpio.TypeReg | 0o644, Size: 1})
	w.Write([]byte("x"))
	w.Close()
	tests := []struct {
		stdin  string
		args   []string
		errOut string
		status int
	}{
		{b.String(), []string{"-i"}, "cpio: can't open 'deep/dir/f': No such file or directory\n", 1},
		{"nope\n", []string{"-o", "-H", "newc"}, "cpio: nope: No such file or directory\n", 1},
		{strings.Repeat("junk", 40), []string{"-t"}, "cpio: malformed archive: no cpio magic (found \"junkju\"; want \"070701\", the newc format)\n", 1},
		{b.String()[:100], []string{"-t"}, "cpio: malformed archive: archive is truncated\n", 1},
		{"d\n", []string{"-o"}, "cpio: -o needs -H newc\nusage: cpio -i|-t|-o [-dmuv0] [-H newc] [-F FILE] [PATTERN]...\n", 2},
		{"", nil, "cpio: one of -i, -t and -o\nusage: cpio -i|-t|-o [-dmuv0] [-H newc] [-F FILE] [PATTERN]...\n", 2},
	}
	for _, tt := range tests {
		_, errOut, st := cmdtest.Run(t, dir, tt.stdin, "cpio", tt.args...)
		if errOut != tt.errOut || st != tt.status {
			t.Errorf("cpio %q = %q, %d; want %q, %d", tt.args, errOut, st, tt.errOut, tt.status)
		}
	}
	// -0 and -F.
	_, _, st := cmdtest.Run(t, dir, "d\x00d/f\x00", "cpio", "-o0", "-H", "newc", "-F", "a.cpio")
	out, _, _ := cmdtest.Run(t, dir, "", "cpio", "-t", "-F", "a.cpio")
	if st != 0 || out != "d\nd/f\n" {
		t.Errorf("-0 -F: %d %q", st, out)
	}
}
