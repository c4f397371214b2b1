package cmds

import (
	"math"
	"strconv"
)

// HumanSize spells a byte count as GNU's -h options do (ls -h, df -h,
// du -h): powers of 1024 with one letter, rounded up, one decimal below
// 10 ("1.1K" for 1025 bytes, "12K", "1.0M"), and bytes bare. Commands
// that imitate another tool's spelling (free's "1.5Gi", lsblk's "1.5G"
// rounded to nearest, busybox wget's) keep their own.
func HumanSize(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10)
	}
	v := float64(n)
	for _, unit := range "KMGTPE" {
		v /= 1024
		if v < 10 {
			if r := math.Ceil(v*10) / 10; r < 10 {
				return strconv.FormatFloat(r, 'f', 1, 64) + string(unit)
			}
			return "10" + string(unit)
		}
		if r := math.Ceil(v); r < 1024 {
			return strconv.FormatFloat(r, 'f', 0, 64) + string(unit)
		}
	}
	return strconv.FormatFloat(math.Ceil(v), 'f', 0, 64) + "E"
}
