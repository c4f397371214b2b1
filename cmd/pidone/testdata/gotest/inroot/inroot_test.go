// Package inroot's tests pass only in the root disk TestRootfs makes,
// and write to it, which pidone test must not keep.
package inroot

import (
	"os"
	"testing"
)

func TestInRoot(t *testing.T) {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil || string(b) != "ID=entry\n" {
		t.Errorf("/etc/os-release: %q %v; want the image's", b, err)
	}
	if err := os.WriteFile("/etc/os-release", []byte("ID=changed\n"), 0o644); err != nil {
		t.Error(err)
	}
}
