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
		want        string
	}{{0, 0, "-"}, {0, 10, "0%"}, {1, 99, "1%"}, {1, 199, "1%"}, {13, 87, "13%"}, {12176140, 83325124, "13%"}, {5, 0, "100%"}} {
		if got := dfPercent(tt.used, tt.avail); got != tt.want {
			t.Errorf("dfPercent(%d, %d) = %q, want %q", tt.used, tt.avail, got, tt.want)
		}
	}
}

func TestDfSelectFind(t *testing.T) {
	ms := []cmds.MountEntry{
		{Source: "/dev/root", Dir: "/", Type: "ext4", Opts: "rw"},
		{Source: "proc", Dir: "/proc", Type: "proc", Opts: "rw"},
		{Source: "tmpfs", Dir: "/tmp", Type: "tmpfs", Opts: "rw"},
		{Source: "/dev/vdb", Dir: "/tmp", Type: "ext4", Opts: "rw"},
		{Source: "host0", Dir: "/mnt/host", Type: "9p", Opts: "rw"},
	}
	var got []string
	for _, m := range dfSelect(ms, false) {
		got = append(got, m.Source+" "+m.Dir)
	}
	if want := "/dev/root /,/dev/vdb /tmp,host0 /mnt/host"; strings.Join(got, ",") != want {
		t.Errorf("dfSelect: %q, want %q", got, want)
	}
	if n := len(dfSelect(ms, true)); n != len(ms) {
		t.Errorf("dfSelect -a: %d entries", n)
	}
	for path, want := range map[string]string{"/": "/dev/root", "/tmp": "/dev/vdb", "/tmp/x/y": "/dev/vdb", "/tmpx": "/dev/root", "/mnt/host/a": "host0", "/proc/1": "proc"} {
		if m, ok := dfFind(ms, path); !ok || m.Source != want {
			t.Errorf("dfFind(%q) = %q, want %q", path, m.Source, want)
		}
	}
}

func TestDf(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "df")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if st != 0 || strings.Join(strings.Fields(lines[0]), " ") != "Filesystem 1K-blocks Used Available Use% Mounted on" {
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
	if st != 1 || !strings.Contains(out, "Type") || !strings.Contains(out, "Size") || strings.Count(out, "\n") != 2 ||
		!strings.Contains(errs, "nonexistent: No such file or directory") {
		t.Errorf("df -hT . nonexistent: status %d, stderr %q, out:\n%s", st, errs, out)
	}
}
