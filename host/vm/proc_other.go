//go:build !linux

package vm

import (
	"fmt"
	"runtime"
	"syscall"
)

// procAttr is how QEMU would be started; see proc_linux.go.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// hostOK refuses to boot VMs: pidone's CLI builds images on any system,
// but boots them (and runs their tests) on Linux, where a VM that
// outlives pidone can be ended with it.
func hostOK() error {
	return fmt.Errorf("pidone boots VMs on Linux hosts only; this is %s (pidone build works here; boot the image on Linux)", runtime.GOOS)
}
