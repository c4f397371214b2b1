// Command pid prints its arguments, its parent (init) and the kernel: a
// guest program for vmtest's own tests.
package main

import (
	"fmt"
	"os"
)

func main() {
	b, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Printf("args %v ppid %d kernel %s", os.Args[1:], os.Getppid(), b)
}
