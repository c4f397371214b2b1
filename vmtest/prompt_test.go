package vmtest

import "testing"

func TestPrompt(t *testing.T) {
	for _, c := range []struct {
		out  string
		want bool
	}{
		{"pidone:/# ", true},
		{"ls\nbin\npidone:/tmp# ", true},
		{"round-trip min/avg/max = 0.4/0.5/0.6 ms\n^Cpidone:/# ", true},
		{"pidone:/# echo a", false},
		{"echo x:y# ", false}, // mid-line text is not a prompt
		{"pidone:/# \nmore", false},
	} {
		if got := Prompt.MatchString(c.out); got != c.want {
			t.Errorf("Prompt.MatchString(%q) = %v, want %v", c.out, got, c.want)
		}
	}
}
