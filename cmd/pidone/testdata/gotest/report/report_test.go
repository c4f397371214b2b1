// Package report fails in the same way on the host and in a pidone VM,
// with the shapes of go test's output: logs held for failing tests,
// nested subtests, skips and what tests print. pidone test's output for
// it is compared with go test's.
package report

import (
	"fmt"
	"testing"
)

func TestPass(t *testing.T) { t.Log("a passing test's log") }

func TestSub(t *testing.T) {
	t.Log("parent log")
	t.Run("ok", func(t *testing.T) { t.Log("passing subtest's log") })
	t.Run("bad", func(t *testing.T) {
		t.Error("subtest fails\nover two lines")
		t.Run("deeper", func(t *testing.T) { t.Fatal("nested failure") })
	})
	fmt.Println("TestSub prints")
}

func TestSkip(t *testing.T) { t.Skip("skipped on purpose") }
