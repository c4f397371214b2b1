package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pidone cache shows what the cache takes; pidone cache clean empties
// what pidone builds and keeps the kernels unless --all; a build keeps
// the image cache within PIDONE_CACHE_MAX.
func TestCache(t *testing.T) {
	cache := t.TempDir()
	put := func(p string, size int, age time.Duration) string {
		p = filepath.Join(cache, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, make([]byte, size), 0o644)
		old := time.Now().Add(-age)
		os.Chtimes(p, old, old)
		return p
	}
	oldImage := put("images/amd64/0123.cpio", 3<<20, 2*time.Hour)
	put("guest/amd64/pidone-guest", 2<<20, 0)
	put("programs/amd64/abc/server", 1<<20, 0)
	put("snapshots/0123.snap", 1<<20, 0)
	kernel := put("kernels/linux-image-6.1.0-9-cloud-amd64/boot/vmlinuz-6.1.0-9-cloud-amd64", 5<<20, 0)
	index := put("modindex/abcd/modules.dep", 1<<10, 0)
	env := []string{"PIDONE_CACHE=" + cache, "PIDONE_KERNEL="}

	stdout, stderr, code := pidone(t, env, "cache")
	for _, want := range []string{cache + "\n", "images", "3M", "(at most 1G: PIDONE_CACHE_MAX)", "guest", "2M", "kernels", "5M", "snapshots", "total", "12.0M"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("pidone cache lacks %q: status %d\n%s%s", want, code, stdout, stderr)
		}
	}

	// A build past the limit removes the least recently used image.
	guest := filepath.Join(t.TempDir(), "guest")
	os.WriteFile(guest, []byte("\x7fELF a guest"), 0o755)
	out := filepath.Join(t.TempDir(), "x.cpio")
	if _, stderr, code := pidone(t, append(env, "PIDONE_CACHE_MAX=1M"), "build", "--guest", guest, "-o", out); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	if _, err := os.Stat(oldImage); err == nil {
		t.Errorf("the old image outlived a build past PIDONE_CACHE_MAX")
	}
	if images, _ := filepath.Glob(filepath.Join(cache, "images", "amd64", "*.cpio.gz")); len(images) != 1 {
		t.Errorf("images after the build: %q, want the new one", images)
	}
	_, stderr, code = pidone(t, append(env, "PIDONE_CACHE_MAX=lots"), "build", "--guest", guest, "-o", out)
	oneLine(t, stderr, code, 1, `PIDONE_CACHE_MAX="lots"`, "512M")

	stdout, stderr, code = pidone(t, env, "cache", "clean")
	if code != 0 || !strings.Contains(stdout, "removed") || !strings.Contains(stdout, "kernels kept") {
		t.Errorf("pidone cache clean: status %d\n%s%s", code, stdout, stderr)
	}
	for _, d := range []string{"images", "snapshots", "guest", "programs"} {
		if _, err := os.Stat(filepath.Join(cache, d)); err == nil {
			t.Errorf("%s outlived pidone cache clean", d)
		}
	}
	for _, p := range []string{kernel, index} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("pidone cache clean removed %s", p)
		}
	}
	if _, stderr, code := pidone(t, env, "cache", "clean", "--all"); code != 0 {
		t.Errorf("pidone cache clean --all: %s", stderr)
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("after pidone cache clean --all the cache holds %v", entries)
	}
	_, stderr, code = pidone(t, env, "cache", "purge")
	oneLine(t, stderr, code, 2, `unknown cache subcommand "purge"`)
}
