// Package c fails; see ../../a/b_c.
package c

import "testing"

func TestFails(t *testing.T) { t.Error("a_b/c fails on purpose") }
