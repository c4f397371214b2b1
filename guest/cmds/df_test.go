package cmds

import (
	"strings"
	"testing"
)

func TestDfHuman(t *testing.T) {
	for _, tt := range []struct {
		n    uint64
		want string
	}{
		{0, "0"},
		{1023, "1023"},
		{1024, "1.0K"},
		{1536, "1.5K"},
		{1537, "1.6K"}, // rounded up, as coreutils does
		{10 * 1024, "10K"},
		{10*1024 - 1, "10K"},
		{1<<20 - 1, "1.0M"},
		{5 << 30, "5.0G"},
		{20<<30 + 1, "21G"},
		{12334416 << 10, "12G"},
		{1 << 50, "1.0P"},
	} {
		if got := dfHuman(tt.n); got != tt.want {
			t.Errorf("dfHuman(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

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
	ms := []sysMount{
		{"/dev/root", "/", "ext4", "rw"},
		{"proc", "/proc", "proc", "rw"},
		{"tmpfs", "/tmp", "tmpfs", "rw"},
		{"/dev/vdb", "/tmp", "ext4", "rw"},
		{"host0", "/mnt/host", "9p", "rw"},
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
	out, errs, st := run(t, "", "", "df")
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
	out, errs, st = run(t, dir, "", "df", "-hT", ".", "nonexistent")
	if st != 1 || !strings.Contains(out, "Type") || !strings.Contains(out, "Size") || strings.Count(out, "\n") != 2 ||
		!strings.Contains(errs, "nonexistent: No such file or directory") {
		t.Errorf("df -hT . nonexistent: status %d, stderr %q, out:\n%s", st, errs, out)
	}
}
