package cmds

import "testing"

func TestFnmatch(t *testing.T) {
	tests := []struct {
		pat, name string
		flags     int
		want      bool
	}{
		{"*", "", 0, true},
		{"*", "a/b", 0, true},
		{"*", "a/b", FnmPathname, false},
		{"a*c", "abbbc", 0, true},
		{"a*c", "abbbd", 0, false},
		{"*.txt", ".hidden.txt", 0, true},
		{"a?c", "abc", 0, true},
		{"a?c", "a/c", 0, true},
		{"a?c", "a/c", FnmPathname, false},
		{"a/*/c", "a/b/c", FnmPathname, true},
		{"a/*/c", "a/b/x/c", FnmPathname, false},
		{"a/*/c", "a/b/x/c", 0, true},
		{"[abc]x", "bx", 0, true},
		{"[!abc]x", "bx", 0, false},
		{"[^abc]x", "dx", 0, true},
		{"[a-c]", "b", 0, true},
		{"[a-c]", "d", 0, false},
		{"[]a]", "]", 0, true},
		{"[a-]", "-", 0, true},
		{"[[:digit:]]*", "7up", 0, true},
		{"[[:upper:]]", "a", 0, false},
		{"[", "[", 0, true},
		{"[ab", "[ab", 0, true},
		{`\*`, "*", 0, true},
		{`\*`, "x", 0, false},
		{`a\?`, "a?", 0, true},
		{"README*", "readme.md", FnmCasefold, true},
		{"*.TXT", "x.txt", 0, false},
		{"é?", "éa", 0, true},
		{"?", "é", 0, true},
		{"*a*b*c*", "xaybzc", 0, true},
		{"*a*b*c*", "xaybz", 0, false},
		{"d", "d/e/f", FnmLeadingDir | FnmPathname, true},
		{"d*", "dx/e", FnmLeadingDir | FnmPathname, true},
		{"e", "d/e", FnmLeadingDir | FnmPathname, false},
	}
	for _, tt := range tests {
		if got := Fnmatch(tt.pat, tt.name, tt.flags); got != tt.want {
			t.Errorf("Fnmatch(%q, %q, %d) = %v, want %v", tt.pat, tt.name, tt.flags, got, tt.want)
		}
	}
}

func FuzzFnmatch(f *testing.F) {
	f.Add("*a?[b-c]\\*", "xabc*")
	f.Fuzz(func(t *testing.T, pat, name string) {
		Fnmatch(pat, name, 0)
		Fnmatch(pat, name, FnmPathname|FnmCasefold|FnmLeadingDir)
	})
}
