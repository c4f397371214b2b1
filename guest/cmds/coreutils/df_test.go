package coreutils

import (
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestDfPercent(t *testing.T) {
	for _, tt := range []struct {
		used, avail uint64
		want        uint64
	}{{0, 0, 0}, {0, 10, 0}, {1, 99, 1}, {1, 199, 1}, {1, 299, 0}, {13, 87, 13}, {12176140, 83325124, 13}, {5, 0, 100}, {1 << 40, 1 << 40, 50}} {
		if got := dfPercent(tt.used, tt.avail); got != tt.want {
			t.Errorf("dfPercent(%d, %d) = %d, want %d", tt.used, tt.avail, got, tt.want)
		}
	}
}

func TestDfFind(t *testing.T) {
	ms := []cmds.MountEntry{
		{Source: "/dev/root", Dir: "/", Type: "ext4", Opts: "rw"},
		{Source: "proc", Dir: "/proc", Type: "proc", Opts: "rw"},
		{Source: "tmpfs", Dir: "/tmp", Type: "tmpfs", Opts: "rw"},
		{Source: "/dev/vdb", Dir: "/tmp", Type: "ext4", Opts: "rw"},
		{Source: "host0", Dir: "/mnt/host", Type: "9p", Opts: "rw"},
	}
	for path, want := range map[string]string{"/": "/dev/root", "/tmp": "/dev/vdb", "/tmp/x/y": "/dev/vdb", "/tmpx": "/dev/root", "/mnt/host/a": "host0", "/proc/1": "proc"} {
		if m, ok := dfFind(ms, path); !ok || m.Source != want {
			t.Errorf("dfFind(%q) = %q, want %q", path, m.Source, want)
		}
	}
}

func TestDfRootHidden(t *testing.T) {
	guest := []cmds.MountEntry{{Source: "rootfs", Dir: "/", Type: "rootfs"}, {Source: "proc", Dir: "/proc", Type: "proc"}}
	host := append([]cmds.MountEntry{{Source: "/dev/vda", Dir: "/", Type: "ext4"}}, guest...)
	if dfRootHidden(guest) || !dfRootHidden(host) {
		t.Errorf("dfRootHidden: %v on rootfs alone, %v with a root over it", dfRootHidden(guest), dfRootHidden(host))
	}
}

func TestDf(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "df")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if st != 0 || lines[0] != "Filesystem           1K-blocks      Used Available Use% Mounted on" {
		t.Fatalf("status %d, stderr %q, out:\n%s", st, errs, out)
	}
	root := false
	for _, l := range lines[1:] {
		root = root || strings.HasSuffix(l, " /")
		if strings.HasSuffix(l, " /proc") {
			t.Errorf("proc listed without -a: %q", l)
		}
	}
	if !root {
		t.Errorf("no / in:\n%s", out)
	}
	dir := t.TempDir()
	out, errs, st = cmdtest.Run(t, dir, "", "df", "-hT", ".", "nonexistent")
	if st != 1 || !strings.HasPrefix(out, "Filesystem           Type            Size      Used Available Use% Mounted on\n") || strings.Count(out, "\n") < 2 ||
		!strings.Contains(errs, "nonexistent: No such file or directory") {
		t.Errorf("df -hT . nonexistent: status %d, stderr %q, out:\n%s", st, errs, out)
	}
}
