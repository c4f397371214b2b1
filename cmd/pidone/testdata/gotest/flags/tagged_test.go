//go:build pidonetest

package flags

func init() { tagged = true }
