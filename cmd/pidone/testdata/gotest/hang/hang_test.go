// Package hang has a test that never ends in a pidone VM, for pidone
// test to be interrupted: it says so on stdout and, given a disk, writes
// "ready" at its start for the host to see.
package hang

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestQuick(t *testing.T) { t.Log("passes") }

func TestHang(t *testing.T) {
	if os.Getenv("PIDONE_IN_TEST_VM") != "1" {
		t.Skip("hangs only in a pidone VM")
	}
	fmt.Println("hang: started")
	if f, err := os.OpenFile("/dev/vda", os.O_WRONLY, 0); err == nil {
		f.WriteString("ready")
		f.Sync()
		f.Close()
	}
	time.Sleep(time.Hour)
}
