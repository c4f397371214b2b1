package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/vmtest"
)

// TestSameImageAsVMTest boots pidone run with some options, then asks
// vmtest for the image of the same options: both go through host/system,
// so they must be the same file, byte for byte.
func TestSameImageAsVMTest(t *testing.T) {
	real, err := kernel.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	// A cache of its own, so that the CLI's image is the only one there.
	cache := t.TempDir()
	if err := os.Symlink(filepath.Join(real, "kernels"), filepath.Join(cache, "kernels")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PIDONE_CACHE", cache)
	disk := filepath.Join(t.TempDir(), "d.img")
	os.WriteFile(disk, make([]byte, 1<<20), 0o644)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pidoneBin, "run", "--net", "--disk", disk+":ro", "--hostname", "h1", "--file", "testdata/hello:/src/hello")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	in, _ := cmd.StdinPipe()
	var out syncBuffer
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(out.String(), "# ") && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
	}
	io.WriteString(in, "poweroff\n")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("pidone run: %v\n%s", err, stderr.String())
	}
	imgs, _ := filepath.Glob(filepath.Join(cache, "images", "*", "*.cpio"))
	if len(imgs) != 1 {
		t.Fatalf("images in the cache after pidone run: %v", imgs)
	}
	cli, _ := os.ReadFile(imgs[0])

	o := &vmtest.Options{
		Net:      true,
		Disks:    []vm.Disk{{Path: disk, ReadOnly: true}},
		Hostname: "h1",
		Files:    []image.File{{Host: "testdata/hello", Guest: "/src/hello"}},
	}
	vt := vmtest.Image(t, o)
	b, _ := os.ReadFile(vt)
	if vt != imgs[0] || !bytes.Equal(b, cli) {
		t.Errorf("pidone run booted %s (%d bytes), vmtest builds %s (%d bytes)", imgs[0], len(cli), vt, len(b))
	}
	// And another device makes another image.
	o.Shares = []system.Share{{HostDir: t.TempDir()}}
	o.Kernel = "" // the cloud kernel has no 9p; the image is built all the same
	if k, ok := kernel.Cached("generic"); ok {
		o.Kernel = k.Path
	}
	if other := vmtest.Image(t, o); other == vt {
		t.Errorf("a share did not change the image")
	}
}
