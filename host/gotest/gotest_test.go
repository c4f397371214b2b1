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

// Profiles merge as go test merges them: every block kept, so that
// -covermode count adds up two packages' counts of a -coverpkg block.
func TestMergeProfiles(t *testing.T) {
	got := string(mergeProfiles([][]byte{
		[]byte("mode: count\nx.go:1.1,2.2 1 3\n"),
		[]byte("mode: count\nx.go:1.1,2.2 1 3\ny.go:1.1,2.2 1 0"),
	}))
	if want := "mode: count\nx.go:1.1,2.2 1 3\nx.go:1.1,2.2 1 3\ny.go:1.1,2.2 1 0\n"; got != want {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
}
