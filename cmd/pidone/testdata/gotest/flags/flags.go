// Package flags is measured with -coverpkg.
package flags

// Double is what the tests cover.
func Double(n int) int { return 2 * n }
