package image_test

import (
	"crypto/sha256"
	"fmt"
	"os"
	"testing"

	"pidone.dev/host/kernel"
	"pidone.dev/vmtest"
)

// TestKernelConfigInGuest: the guest has its kernel's configuration
// where the distributions keep it, /boot/config-$(uname -r), for tests
// that check which options the kernel has.
func TestKernelConfigInGuest(t *testing.T) {
	vmtest.SkipInGuest(t)
	k, err := kernel.Find("")
	if err != nil {
		t.Fatalf("%v (make test fetches a kernel first)", err)
	}
	host, err := os.ReadFile(k.ConfigPath())
	if err != nil {
		t.Skipf("kernel %s has no known configuration: %v", k.Path, err)
	}
	r := vmtest.Command(t, nil, "sh", "-c", `sha256sum /boot/config-$(uname -r)`)
	want := fmt.Sprintf("%x  /boot/config-%s\n", sha256.Sum256(host), k.Version)
	if r.Status != 0 || r.Stdout != want {
		t.Errorf("status %d, output\n%s%s\nwant\n%s", r.Status, r.Stdout, r.Stderr, want)
	}
}
