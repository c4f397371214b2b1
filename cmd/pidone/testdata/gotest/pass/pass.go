// Package pass is a package whose tests pass only inside a pidone VM.
package pass

import (
	"os"
	"strings"
)

// Init returns what PID 1 was started as.
func Init() string {
	b, _ := os.ReadFile("/proc/1/cmdline")
	return strings.TrimRight(string(b), "\x00")
}
