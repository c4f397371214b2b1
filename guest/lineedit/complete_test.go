package lineedit

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCompleteWords(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"alpha.txt", "alpine/x", ".hidden", "beta", "sub/inner.go", "sub/.dot"} {
		writeFile(t, filepath.Join(dir, f), "")
	}
	if err := os.WriteFile(filepath.Join(dir, "run.sh"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("alpine", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	names := func() []string { return []string{"cd", "chmod", "cat", "ls", "cat"} }
	all := []string{"alpha.txt", "alpine/", "beta", "link/", "run.sh", "sub/"}
	tilde := []string{"~/alpha.txt", "~/alpine/", "~/beta", "~/link/", "~/run.sh", "~/sub/"}
	for _, c := range []struct {
		line  string
		pos   int
		start int
		want  []string
	}{
		{"c", 1, 0, []string{"cat", "cd", "chmod"}},
		{"", 0, 0, []string{"cat", "cd", "chmod", "ls"}},
		{"  l", 3, 2, []string{"ls"}},
		{"cat a", 5, 4, []string{"alpha.txt", "alpine/"}},
		{"cat ", 4, 4, all},
		{"cat .", 5, 4, []string{".hidden"}},
		{"cat sub/", 8, 4, []string{"sub/inner.go"}},
		{"cat sub/.", 9, 4, []string{"sub/.dot"}},
		{"cat li", 6, 4, []string{"link/"}},
		{"cat al x", 6, 4, []string{"alpha.txt", "alpine/"}},
		{"cat >al", 7, 5, []string{"alpha.txt", "alpine/"}},
		{"ls | c", 6, 5, []string{"cat", "cd", "chmod"}},
		{"ls;c", 4, 3, []string{"cat", "cd", "chmod"}},
		{"ls && c", 7, 6, []string{"cat", "cd", "chmod"}},
		{"ls || c", 7, 6, []string{"cat", "cd", "chmod"}},
		{"sleep 1 & c", 11, 10, []string{"cat", "cd", "chmod"}},
		{"echo $(c", 8, 7, []string{"cat", "cd", "chmod"}},
		{"(c", 2, 1, []string{"cat", "cd", "chmod"}},
		{"echo `c", 7, 6, []string{"cat", "cd", "chmod"}},
		{"if c", 4, 3, []string{"cat", "cd", "chmod"}},
		{"if true; then c", 15, 14, []string{"cat", "cd", "chmod"}},
		{"echo if c", 9, 8, nil},
		{"ls 2>&b", 7, 6, []string{"beta"}},
		{"./", 2, 0, []string{"./alpine/", "./link/", "./run.sh", "./sub/"}},
		{"cat ~/", 6, 4, tilde},
		{"cat ~", 5, 4, []string{"~/"}},
		{"cat " + dir + "/al", len(dir) + 7, 4, []string{dir + "/alpha.txt", dir + "/alpine/"}},
		{"ca", 99, 0, []string{"cat"}},
		{"ca", -1, 0, []string{"cat", "cd", "chmod", "ls"}},
		{`cat "al`, 7, 4, nil},
		{"cat nothing/x", 13, 4, nil},
		{"日本 ca", 9, 7, nil},
	} {
		start, got := CompleteWords(c.line, c.pos, names, dir)
		if start != c.start || !slices.Equal(got, c.want) {
			t.Errorf("CompleteWords(%q, %d) = %d, %q; want %d, %q", c.line, c.pos, start, got, c.start, c.want)
		}
	}
	// A nil names and an empty dir (the process's) do not crash.
	if _, got := CompleteWords("x", 1, nil, ""); got != nil {
		t.Errorf("nil names gave %q", got)
	}
}
