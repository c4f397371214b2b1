// Package arch is tested in guests of every architecture pidone boots:
// the test binary is built for the guest's GOARCH and runs on its kernel.
package arch

import (
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

func TestArch(t *testing.T) {
	if want := os.Getenv("WANT_GOARCH"); runtime.GOARCH != want {
		t.Errorf("GOARCH %s, want %s", runtime.GOARCH, want)
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		t.Fatal(err)
	}
	if m, want := unix.ByteSliceToString(u.Machine[:]), os.Getenv("WANT_UNAME"); m != want {
		t.Errorf("uname -m %s, want %s", m, want)
	}
	if pid := os.Getpid(); pid == 1 {
		t.Errorf("the test runs as PID 1")
	}
}
