package initd_test

import (
	"strings"
	"testing"

	"pidone.dev/vmtest"
)

// TestCPUHasCryptoInstructions: under TCG the guest's CPU has what the
// kernel's fast crypto and checksum drivers need (qemu64 alone lacks
// SSE4.2, PCLMULQDQ and AES-NI, and those drivers then refuse to load,
// taking nf_conntrack, ext4 and xfrm's AEAD with them).
func TestCPUHasCryptoInstructions(t *testing.T) {
	t.Parallel()
	mods := []string{"crc32c_intel", "ghash_clmulni_intel", "aesni_intel"}
	r := vmtest.Command(t, &vmtest.CommandOptions{Options: vmtest.Options{Modules: "auto," + strings.Join(mods, ",")}},
		"sh", "-c", "grep -c -w -e sse4_2 /proc/cpuinfo && grep -c -w pclmulqdq /proc/cpuinfo && grep -c -w aes /proc/cpuinfo && modprobe -a "+strings.Join(mods, " ")+" && lsmod")
	if r.Status != 0 {
		t.Fatalf("status %d\n%s%s", r.Status, r.Stdout, r.Stderr)
	}
	for _, m := range mods {
		if !strings.Contains(r.Stdout, "\n"+m+" ") {
			t.Errorf("%s did not load:\n%s", m, r.Stdout)
		}
	}
}
