package gobuild

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"pidone.dev/host/vm"
	"pidone.dev/internal/hosttest"
)

// pidone builds guests for exactly the architectures host/vm boots.
func TestArches(t *testing.T) {
	if !slices.Equal(Arches, vm.ArchNames()) {
		t.Errorf("gobuild builds for %v, vm boots %v", Arches, vm.ArchNames())
	}
	for _, a := range Arches {
		if err := CheckArch(a); err != nil {
			t.Error(err)
		}
	}
	if err := CheckArch("../x"); err == nil {
		t.Error("../x accepted")
	}
}

// TestGuestStamp: the stamp follows the sources and the settings, and
// not the tests.
func TestGuestStamp(t *testing.T) {
	hosttest.Only(t, "go and pidone's source")
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	write("go.mod", "module pidone.dev\n")
	write("guest/a.go", "package a\n")
	write("guest/a_test.go", "package a\n")
	stamp := func(tags ...string) string {
		s, err := guestStamp(dir, "amd64", tags)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s0 := stamp()
	write("guest/a_test.go", "package a // changed\n")
	write("guest/testdata/x", "data")
	if stamp() != s0 {
		t.Error("a test or testdata changed the stamp")
	}
	write("guest/a.go", "package a // changed\n")
	s1 := stamp()
	if s1 == s0 {
		t.Error("a source change did not change the stamp")
	}
	if stamp("-tags=pidone_net") == s1 {
		t.Error("other build flags gave the same stamp")
	}
}

// TestGuestUpToDate: a second build of an unchanged tree does not run go
// (the binary is not rewritten).
func TestGuestUpToDate(t *testing.T) {
	hosttest.Only(t, "go and pidone's source")
	out := filepath.Join(t.TempDir(), "pidone-guest")
	if err := Guest(context.Background(), "", out); err != nil {
		t.Fatal(err)
	}
	st0, _ := os.Stat(out)
	time.Sleep(10 * time.Millisecond)
	t0 := time.Now()
	if err := Guest(context.Background(), "", out); err != nil {
		t.Fatal(err)
	}
	st1, _ := os.Stat(out)
	if !st1.ModTime().Equal(st0.ModTime()) {
		t.Error("the guest was built again with nothing changed")
	}
	if d := time.Since(t0); d > 100*time.Millisecond {
		t.Logf("the up-to-date check took %v", d)
	}
}
