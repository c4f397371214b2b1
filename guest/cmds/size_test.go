package cmds

import "testing"

// The cases of df -h and of ls -h, which spell sizes alike.

func TestHumanSizeDf(t *testing.T) {
	for _, tt := range []struct {
		n    int64
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
		if got := HumanSize(tt.n); got != tt.want {
			t.Errorf("HumanSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestHumanSizeLs(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 1023: "1023", 1024: "1.0K", 1025: "1.1K", 10 * 1024: "10K", 10*1024 + 1: "11K",
		1536: "1.5K", 1 << 20: "1.0M", 5 << 30: "5.0G", 1023*1024 + 1: "1.0M",
	} {
		if got := HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}
