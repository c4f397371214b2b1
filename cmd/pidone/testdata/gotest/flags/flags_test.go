// Package flags checks, in the guest, that pidone test passed go test's
// flags, the environment and the machine flags on: TestGoTestFlags runs
// it with them.
package flags

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

var word = flag.String("word", "", "set after -args")

// tagged is set by a file built only with -tags pidonetest.
var tagged bool

func TestFlags(t *testing.T) {
	if !testing.Short() {
		t.Error("-short did not reach the test binary")
	}
	for name, want := range map[string]string{"test.failfast": "true", "test.parallel": "3", "test.cpu": "1", "test.shuffle": "off"} {
		if got := flag.Lookup(name).Value.String(); got != want {
			t.Errorf("-%s is %s, want %s", name, got, want)
		}
	}
	if *word != "hello" {
		t.Errorf("-word after -args is %q, want hello", *word)
	}
	if testing.CoverMode() != "count" {
		t.Errorf("cover mode %q, want count", testing.CoverMode())
	}
	if Double(2) != 4 {
		t.Error("2*2 != 4")
	}
	if !tagged {
		t.Error("-tags pidonetest did not reach the build")
	}
}

func TestEnv(t *testing.T) {
	for _, kv := range []string{"VMTEST_IN_GUEST=1", "PIDONE_IN_TEST_VM=1", "PIDONE_WORD=from --env"} {
		name, want, _ := strings.Cut(kv, "=")
		if got := os.Getenv(name); got != want {
			t.Errorf("$%s is %q, want %q", name, got, want)
		}
	}
}

func TestMachine(t *testing.T) {
	if n := runtime.NumCPU(); n != 2 {
		t.Errorf("%d CPUs, want 2 (--smp 2)", n)
	}
	if b, _ := os.ReadFile("/proc/cmdline"); !strings.Contains(string(b), "flagtest.x=1") {
		t.Errorf("--append flagtest.x=1 is not on the kernel command line: %s", b)
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	var kb int
	if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kb); err != nil || kb/1024 <= 256 || kb/1024 > 320 {
		t.Errorf("%q: want more than 256 MiB, at most 320 (--mem 320)", sc.Text())
	}
}

func TestSkipped(t *testing.T) { t.Error("-skip TestSkipped did not skip this test") }
