// Package shapes fails in the ways whose output go test shapes
// differently with and without -v: TestPlainLikeGoTest rebuilds its plain
// output from go test -json's events and compares.
package shapes

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	fmt.Println("TestMain prints")
	os.Exit(m.Run())
}

func TestPass(t *testing.T) { t.Log("a passing test's log is not printed") }

func TestLong(t *testing.T) {
	t.Log(strings.Repeat("long ", 1000)) // test2json cuts it into events
	fmt.Print("printed without a newline")
	t.Error("fails\nover two lines")
}

func TestSub(t *testing.T) {
	t.Log("parent log")
	t.Run("ok", func(t *testing.T) { t.Log("passing subtest's log") })
	t.Run("skip", func(t *testing.T) { t.Skip("skipped subtest") })
	t.Run("a/b", func(t *testing.T) {
		t.Error("a subtest whose name has a slash")
		t.Run("deeper", func(t *testing.T) { t.Fatal("nested failure") })
	})
	t.Log("parent log after")
	fmt.Println("TestSub prints")
}

func TestParallel(t *testing.T) {
	for _, n := range []string{"p1", "p2", "p3"} {
		t.Run(n, func(t *testing.T) {
			t.Parallel()
			t.Log("parallel", n)
			if n != "p1" {
				t.Error(n, "fails")
			}
		})
	}
}

func TestSkip(t *testing.T) { t.Skip("skipped") }

func Example_fails() {
	fmt.Println("got this")
	// Output: want that
}
