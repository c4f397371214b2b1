package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiskCreate(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.Mkdir(src, 0o755)
	os.WriteFile(filepath.Join(src, "f"), []byte("x"), 0o644)
	img := filepath.Join(dir, "data.img")

	// The file may come before the flags, as people type it.
	out, stderr, code := pidone(t, nil, "disk", "create", img, "--size", "32M", "--label", "data", "--from", src)
	if code != 0 {
		t.Fatalf("disk create: status %d: %s", code, stderr)
	}
	if !strings.Contains(out, "32M ext4") || !strings.Contains(out, "label data") || !strings.Contains(out, "--disk "+img) {
		t.Errorf("output %q", out)
	}
	if st, err := os.Stat(img); err != nil || st.Size() != 32<<20 {
		t.Errorf("image: %v %v", st, err)
	}

	_, stderr, code = pidone(t, nil, "disk", "create", img)
	oneLine(t, stderr, code, 1, "data.img exists; use --force to replace it")
	_, stderr, code = pidone(t, nil, "disk", "create", "--size", "lots", img)
	oneLine(t, stderr, code, 2, `--size "lots": want a number with K, M or G`)
	_, stderr, code = pidone(t, nil, "disk", "create", "--from", filepath.Join(dir, "nope"), filepath.Join(dir, "b.img"))
	oneLine(t, stderr, code, 1, "--from "+dir+"/nope: no such file or directory")
	_, stderr, code = pidone(t, nil, "disk", "create")
	oneLine(t, stderr, code, 2, "needs one FILE")
	_, stderr, code = pidone(t, nil, "disk", "make", img)
	oneLine(t, stderr, code, 2, `unknown disk subcommand "make"`)
}

// pidone run --share with a kernel built without 9p stops before booting
// and says which kernel to use instead.
func TestShareNeeds9p(t *testing.T) {
	cache := t.TempDir()
	for _, v := range []struct{ version, config string }{
		{"6.1.0-9-cloud-amd64", "# CONFIG_NET_9P is not set\n"},
		{"6.1.0-9-amd64", "CONFIG_NET_9P=m\n"},
	} {
		boot := filepath.Join(cache, "kernels", "linux-image-"+v.version, "boot")
		os.MkdirAll(boot, 0o755)
		os.WriteFile(filepath.Join(boot, "vmlinuz-"+v.version), []byte("kernel"), 0o644)
		os.WriteFile(filepath.Join(boot, "config-"+v.version), []byte(v.config), 0o644)
	}
	env := []string{"PIDONE_CACHE=" + cache, "PIDONE_KERNEL="}
	_, stderr, code := pidone(t, env, "run", "--share", t.TempDir())
	oneLine(t, stderr, code, 1, "--share needs 9p, which kernel 6.1.0-9-cloud-amd64 lacks",
		"add --kernel "+filepath.Join(cache, "kernels", "linux-image-6.1.0-9-amd64", "boot", "vmlinuz-6.1.0-9-amd64"))
}
