//go:build linux

// Command floor is the benchmark's lower bound: a static Go /init that
// mounts nothing, prints nothing and powers the machine off at once.
// Booting it measures what no Go userland can beat on the same kernel
// and QEMU: firmware, kernel start-up, unpacking a one-file initramfs and
// the Go runtime's own start.
//
// Given "floorwait" on the kernel command line (the kernel hands it to
// init as an argument), it first says "ready" on the console and waits
// for a key: the state the benchmark saves, to time the restore of a
// guest that does nothing, the floor of warm starts.
package main

import (
	"os"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "floorwait" {
		os.Stdout.WriteString("floor: ready\n")
		var b [1]byte
		os.Stdin.Read(b[:])
	}
	// Nothing is mounted and nothing is written, so there is nothing to
	// sync: power off straight away. If that fails, PID 1 exits and the
	// kernel panics, which the bench reports as a failed run.
	syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF)
}
