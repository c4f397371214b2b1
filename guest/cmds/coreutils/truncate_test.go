package coreutils

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestTruncate(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		size string
		from int64
		want int64
	}{
		{"0", 10, 0},
		{"5", 10, 5},
		{"20", 10, 20},
		{"1k", 0, 1024},
		{"1K", 0, 1024},
		{"2kB", 0, 2000},
		{"1KB", 0, 1000},
		{"1M", 0, 1 << 20},
		{"1MB", 0, 1000000},
		{"1G", 0, 1 << 30},
		{"+5", 10, 15},
		{"+1K", 10, 1034},
		{"-3", 10, 7},
		{"-30", 10, 0},
		{"<5", 10, 5},
		{"<50", 10, 10},
		{">50", 10, 50},
		{">5", 10, 10},
		{"/4", 10, 8},
		{"%4", 10, 12},
		{"%5", 10, 10},
	}
	p := filepath.Join(dir, "f")
	for _, tt := range tests {
		if err := os.WriteFile(p, make([]byte, tt.from), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errOut, st := cmdtest.Run(t, dir, "", "truncate", "-s", tt.size, "f")
		fi, err := os.Stat(p)
		if st != 0 || err != nil || fi.Size() != tt.want {
			t.Errorf("truncate -s %s (from %d): %d, %v, %q; want size %d", tt.size, tt.from, st, err, errOut, tt.want)
		}
	}
	os.WriteFile(p, []byte("abcdef"), 0o644)
	cmdtest.Run(t, dir, "", "truncate", "-s", "3", "f")
	if got := cmdtest.ReadFile(t, p); got != "abc" {
		t.Errorf("shrunk to %q", got)
	}
	cmdtest.Run(t, dir, "", "truncate", "-s", "5", "f")
	if got := cmdtest.ReadFile(t, p); got != "abc\x00\x00" {
		t.Errorf("extended to %q", got)
	}
	if _, _, st := cmdtest.Run(t, dir, "", "truncate", "-s", "4", "new1", "new2"); st != 0 {
		t.Errorf("making files: status %d", st)
	}
	if fi, err := os.Stat(filepath.Join(dir, "new2")); err != nil || fi.Size() != 4 {
		t.Errorf("new2: %v", err)
	}
	if _, errOut, st := cmdtest.Run(t, dir, "", "truncate", "-c", "-s", "4", "none"); st != 0 || errOut != "" {
		t.Errorf("-c on a missing file: %q, %d", errOut, st)
	}
	if _, err := os.Stat(filepath.Join(dir, "none")); err == nil {
		t.Errorf("-c made the file")
	}
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	errTests := []struct {
		args   []string
		errOut string
		status int
	}{
		{[]string{"-s", "1Q", "f"}, "truncate: invalid number '1Q'\n", 1},
		{[]string{"-s", "%0", "f"}, "truncate: invalid number '%0'\n", 1},
		{[]string{"-s", "1", "d"}, "truncate: d: open: Is a directory\n", 1},
		{[]string{"-s", "1", "no/f"}, "truncate: no/f: open: No such file or directory\n", 1},
		{[]string{"f"}, "truncate: missing -s SIZE\nusage: truncate [-c] -s [+-<>/%]SIZE[KMG] FILE...\n", 2},
	}
	for _, tt := range errTests {
		_, errOut, st := cmdtest.Run(t, dir, "", "truncate", tt.args...)
		if errOut != tt.errOut || st != tt.status {
			t.Errorf("truncate %q = %q, %d; want %q, %d", tt.args, errOut, st, tt.errOut, tt.status)
		}
	}
}
