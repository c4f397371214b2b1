package coreutils

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestSums(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("hello\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b c"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "new\nline"), []byte("x"), 0o644)

	out, errs, st := cmdtest.Run(t, dir, "hello\n", "sha256sum", "a", "b c", "-", "missing")
	want := "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  b c\n" +
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  -\n"
	if out != want || st != 1 || errs != "sha256sum: missing: No such file or directory\n" {
		t.Errorf("sha256sum: %d\n%s%s", st, out, errs)
	}
	if out, _, st := cmdtest.Run(t, dir, "", "md5sum", "a"); st != 0 || out != "b1946ac92492d2347c6235b4d2611184  a\n" {
		t.Errorf("md5sum: %d %q", st, out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "sha256sum", "new\nline")
	if out != "\\2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  new\\nline\n" {
		t.Errorf("escaped name: %q", out)
	}

	// Check mode, on a list made by coreutils where there is one.
	list := filepath.Join(dir, "SUMS")
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "a", "b c", "new\nline")
		cmd.Dir = dir
		b, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(list, b, 0o644)
	} else {
		out, _, _ := cmdtest.Run(t, dir, "", "sha256sum", "a", "b c", "new\nline")
		os.WriteFile(list, []byte(out), 0o644)
	}
	if out, errs, st := cmdtest.Run(t, dir, "", "sha256sum", "-c", "SUMS"); st != 0 || out != "a: OK\nb c: OK\nnew\nline: OK\n" || errs != "" {
		t.Errorf("-c: %d %q %q", st, out, errs)
	}
	os.WriteFile(filepath.Join(dir, "a"), []byte("changed\n"), 0o644)
	os.Remove(filepath.Join(dir, "b c"))
	f, _ := os.OpenFile(list, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("not a checksum line\n")
	f.Close()
	out, errs, st = cmdtest.Run(t, dir, "", "sha256sum", "-c", "SUMS")
	if st != 1 || out != "a: FAILED\nb c: FAILED\nnew\nline: OK\n" ||
		errs != "sha256sum: b c: No such file or directory\nsha256sum: WARNING: 3 of 4 computed checksums did NOT match\n" {
		t.Errorf("-c with failures: %d\n%s%s", st, out, errs)
	}
	if out, errs, st := cmdtest.Run(t, dir, "", "sha256sum", "-c", "-s", "SUMS"); st != 1 || out != "" || errs != "" {
		t.Errorf("-c -s: %d %q %q", st, out, errs)
	}
	if out, _, st := cmdtest.Run(t, dir, "", "sha256sum", "-cq", "SUMS"); st != 1 || strings.Contains(out, "OK") {
		t.Errorf("-c -q: %d %q", st, out)
	}
	if _, errs, st := cmdtest.Run(t, dir, "junk\n", "md5sum", "-c"); st != 1 || errs != "md5sum: WARNING: 1 of 1 computed checksums did NOT match\n" {
		t.Errorf("-c of junk: %d %q", st, errs)
	}
	// As BusyBox's: an empty list fails, and so do comments.
	if _, errs, st := cmdtest.Run(t, dir, "", "md5sum", "-c"); st != 1 || errs != "md5sum: standard input: no checksum lines found\n" {
		t.Errorf("-c of nothing: %d %q", st, errs)
	}
	if _, _, st := cmdtest.Run(t, dir, "# comment\n", "md5sum", "-cs"); st != 1 {
		t.Errorf("-cs of a comment: %d", st)
	}
}

// FuzzSumLine checks that what sumLine writes, parseSumLine reads back,
// and that any line parses without panicking.
func FuzzSumLine(f *testing.F) {
	f.Add("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  b c", "x\\y\nz")
	f.Fuzz(func(t *testing.T, line, name string) {
		parseSumLine(line, 64)
		sum := strings.Repeat("ab", 32)
		l := strings.TrimSuffix(sumLine(sum, name), "\n")
		if strings.Contains(l, "\n") {
			t.Fatalf("sumLine(%q) spans lines: %q", name, l)
		}
		s, n, ok := parseSumLine(l, 64)
		if name != "" && (!ok || s != sum || n != name) {
			t.Fatalf("%q read back as %q %q %v", l, s, n, ok)
		}
	})
}
