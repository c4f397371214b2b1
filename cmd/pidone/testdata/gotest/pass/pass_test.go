package pass

import (
	"os"
	"testing"
)

func TestInVM(t *testing.T) {
	if got := Init(); got != "/init" {
		t.Errorf("PID 1 is %q, want pidone's /init", got)
	}
	if _, err := os.Stat("testdata/hello.txt"); err != nil {
		t.Errorf("the package's testdata is not beside the test: %v", err)
	}
}
