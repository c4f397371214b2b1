package archival

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	zw.Close()
	return b.String()
}

func TestGzipRoundTrip(t *testing.T) {
	dir := t.TempDir()
	text := strings.Repeat("pidone gzip round trip\n", 1000)
	for _, level := range []string{"-1", "-5", "-9", "-c"} {
		packed, errOut, st := cmdtest.Run(t, dir, text, "gzip", level)
		if st != 0 || len(packed) >= len(text)/10 {
			t.Fatalf("gzip %s: %d bytes, %d, %q", level, len(packed), st, errOut)
		}
		out, _, st := cmdtest.Run(t, dir, packed, "gunzip")
		if out != text || st != 0 {
			t.Errorf("gunzip of gzip %s: %d bytes, %d", level, len(out), st)
		}
	}
	// Level 1 is bigger than level 9 on the same text.
	fast, _, _ := cmdtest.Run(t, dir, text+strings.Repeat("x", 5000), "gzip", "-1")
	best, _, _ := cmdtest.Run(t, dir, text+strings.Repeat("x", 5000), "gzip", "-9")
	if len(fast) < len(best) {
		t.Errorf("gzip -1 gave %d bytes, -9 %d", len(fast), len(best))
	}
	// The header is BusyBox's: no name, no time, Unix.
	packed, _, _ := cmdtest.Run(t, dir, "x", "gzip")
	if !strings.HasPrefix(packed, "\x1f\x8b\x08\x00\x00\x00\x00\x00") || packed[9] != 3 {
		t.Errorf("header % x", packed[:10])
	}
	// Readable by the standard library, which is what gzip(1) writes.
	zr, err := gzip.NewReader(strings.NewReader(packed))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != "x" {
		t.Errorf("read back %q", b)
	}
}

func TestGzipFiles(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(p("f"), []byte("hello\n"), 0o640)
	if _, errOut, st := cmdtest.Run(t, dir, "", "gzip", "f"); st != 0 {
		t.Fatalf("gzip f: %q", errOut)
	}
	if _, err := os.Stat(p("f")); !os.IsNotExist(err) {
		t.Errorf("f still there: %v", err)
	}
	fi, err := os.Stat(p("f.gz"))
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("f.gz: %v %v", fi, err)
	}
	if out, _, _ := cmdtest.Run(t, dir, "", "zcat", "f.gz"); out != "hello\n" {
		t.Errorf("zcat f.gz = %q", out)
	}
	if _, errOut, st := cmdtest.Run(t, dir, "", "gunzip", "f.gz"); st != 0 || cmdtest.ReadFile(t, p("f")) != "hello\n" {
		t.Fatalf("gunzip f.gz: %q", errOut)
	}
	if _, err := os.Stat(p("f.gz")); !os.IsNotExist(err) {
		t.Errorf("f.gz still there")
	}
	// -k keeps, -c writes out and keeps.
	cmdtest.Run(t, dir, "", "gzip", "-k", "f")
	if _, err := os.Stat(p("f")); err != nil {
		t.Errorf("-k removed f")
	}
	out, _, _ := cmdtest.Run(t, dir, "", "gzip", "-dc", "f.gz")
	if out != "hello\n" {
		t.Errorf("gzip -dc = %q", out)
	}
	// No overwriting without -f.
	_, errOut, st := cmdtest.Run(t, dir, "", "gzip", "f")
	if st != 1 || errOut != "gzip: can't open 'f.gz': File exists\n" {
		t.Errorf("gzip onto f.gz: %q, %d", errOut, st)
	}
	_, errOut, st = cmdtest.Run(t, dir, "", "gunzip", "f.gz")
	if st != 1 || errOut != "gunzip: can't open 'f': File exists\n" {
		t.Errorf("gunzip onto f: %q, %d", errOut, st)
	}
	if _, _, st = cmdtest.Run(t, dir, "", "gunzip", "-f", "f.gz"); st != 0 {
		t.Errorf("gunzip -f: %d", st)
	}
	// .tgz becomes .tar; a gzip header time is restored.
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.ModTime = time.Unix(1000000000, 0)
	io.WriteString(zw, "tar")
	zw.Close()
	os.WriteFile(p("a.tgz"), b.Bytes(), 0o644)
	cmdtest.Run(t, dir, "", "gunzip", "a.tgz")
	if fi, err := os.Stat(p("a.tar")); err != nil || fi.ModTime().Unix() != 1000000000 {
		t.Errorf("a.tar: %v %v", fi, err)
	}
}

func TestGzipErrors(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"bad.gz": "not gzip",
		"f.zip":  gz(t, "x"),
		"cut.gz": gz(t, strings.Repeat("hello world ", 10))[:20],
		"d/":     "",
		"ok":     "ok",
	})
	tests := []struct {
		cmd         string
		args        []string
		out, errOut string
	}{
		{"gunzip", []string{"bad.gz"}, "", "gunzip: invalid magic\n"},
		{"gunzip", []string{"f.zip"}, "", "gunzip: f.zip: unknown suffix - ignored\n"},
		{"gunzip", []string{"-c", "cut.gz"}, "", "gunzip: unexpected end of file\n"},
		{"zcat", []string{"nope.gz"}, "", "zcat: nope.gz: No such file or directory\n"},
		{"gzip", []string{"d"}, "", "gzip: d: Is a directory\n"},
		{"gzip", []string{"nope", "ok"}, "", "gzip: nope: No such file or directory\n"},
		{"gzip", []string{"-t", "bad.gz"}, "", "gzip: invalid magic\n"},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", tt.cmd, tt.args...)
		if out != tt.out || errOut != tt.errOut || st != 1 {
			t.Errorf("%s %q = %q, %q, %d; want %q, %q, 1", tt.cmd, tt.args, out, errOut, st, tt.out, tt.errOut)
		}
	}
	for _, name := range []string{"bad.gz", "ok.gz"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); !os.IsNotExist(err) {
		t.Errorf("a failed gunzip left its output")
	}
	// Corrupt data after a good header: a checksum error.
	z := []byte(gz(t, "hello"))
	z[len(z)-5] ^= 0xff
	_, errOut, st := cmdtest.Run(t, dir, string(z), "gunzip")
	if st != 1 || errOut != "gunzip: crc error\n" {
		t.Errorf("bad crc: %q, %d", errOut, st)
	}
}

func TestZcat(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a.gz": gz(t, "one\n"), "b": gz(t, "two\n")})
	out, _, st := cmdtest.Run(t, dir, gz(t, "in\n"), "zcat", "a.gz", "-", "b")
	if out != "one\nin\ntwo\n" || st != 0 {
		t.Errorf("zcat = %q, %d", out, st)
	}
	out, _, _ = cmdtest.Run(t, dir, gz(t, "x")+gz(t, "y"), "zcat")
	if out != "xy" {
		t.Errorf("two members = %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.gz")); err != nil {
		t.Errorf("zcat removed a.gz")
	}
}
