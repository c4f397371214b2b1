// Package b_c passes; its import path flattens to the same name as
// a_b/c's, which fails (pidone test once ran one's binary for both).
package b_c

import "testing"

func TestPasses(t *testing.T) {}
