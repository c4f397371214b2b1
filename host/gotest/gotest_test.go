package gotest

import "testing"

// Every package's test binary has a place of its own: flattening
// x/a/b_c and x/a_b/c to one file name ran one package's tests for both.
func TestBinaryPath(t *testing.T) {
	a := binaryPath("/w", pkg{ImportPath: "x/a/b_c", Name: "b_c"})
	b := binaryPath("/w", pkg{ImportPath: "x/a_b/c", Name: "c"})
	c := binaryPath("/w", pkg{ImportPath: "x/a/b_c", Name: "b_c"})
	if a == b {
		t.Errorf("x/a/b_c and x/a_b/c share the test binary %s", a)
	}
	if a != c {
		t.Errorf("one package, two paths: %s and %s", a, c)
	}
}
