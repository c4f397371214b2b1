package coreutils

import (
	"testing"
)

func TestDevNumbers(t *testing.T) {
	// /dev/sda1 is 8,1; /dev/nvme0n1p2 259,2; large minors use the high bits.
	for _, tt := range []struct{ dev, major, minor uint64 }{
		{0x801, 8, 1}, {0x10302, 259, 2}, {0x12300a45, 10, 0x12345}, {0x100000000100, 0x1001, 0},
	} {
		if devMajor(tt.dev) != tt.major || devMinor(tt.dev) != tt.minor {
			t.Errorf("dev %#x = %d,%d, want %d,%d", tt.dev, devMajor(tt.dev), devMinor(tt.dev), tt.major, tt.minor)
		}
	}
}
