package vm

import "syscall"

// procAttr is how QEMU is started. Its own process group keeps a Ctrl-C
// typed at the host terminal from reaching QEMU directly: the guest gets
// it through the console. Pdeathsig ends QEMU if pidone dies without
// cleaning up.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// hostOK says whether pidone boots VMs on this host: on Linux it does.
func hostOK() error { return nil }
