package lineedit

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestHistory(t *testing.T) {
	e := &Editor{}
	for _, l := range []string{"a", "a", "", "  ", "b", "a", "a"} {
		e.AddHistory(l)
	}
	if want := []string{"a", "b", "a"}; !slices.Equal(e.history, want) {
		t.Errorf("history %q; want %q", e.history, want)
	}
	for i := range 1500 {
		e.AddHistory(fmt.Sprint("cmd ", i))
	}
	if len(e.history) != maxHistory || e.history[0] != "cmd 500" || e.history[maxHistory-1] != "cmd 1499" {
		t.Errorf("kept %d entries, %q to %q", len(e.history), e.history[0], e.history[len(e.history)-1])
	}
}

func TestHistoryFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hist")
	e1 := &Editor{HistoryFile: file}
	for _, l := range []string{"first", "second", "second", "", "for x\ndo :; done", "third"} {
		e1.AddHistory(l)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "first\nsecond\nthird\n" {
		t.Errorf("file holds %q", data)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v", fi.Mode())
	}
	// A second editor, as the next shell, starts from the file.
	e2 := &Editor{HistoryFile: file}
	if line, err, _ := runCore(e2, 80, "$ ", up+up+"\r"); line != "second" || err != nil {
		t.Errorf("got %q, %v", line, err)
	}
	e2.AddHistory("fourth")
	e3 := &Editor{HistoryFile: file}
	if line, err, _ := runCore(e3, 80, "$ ", up+"\r"); line != "fourth" || err != nil {
		t.Errorf("got %q, %v", line, err)
	}
}

func TestHistoryFileTrimmed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hist")
	var lines []string
	for i := range 2500 {
		lines = append(lines, fmt.Sprint("cmd ", i))
	}
	writeFile(t, file, strings.Join(lines, "\n")+"\n")
	e := &Editor{HistoryFile: file}
	e.loadHistory()
	data, _ := os.ReadFile(file)
	got := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(got) != maxHistory || got[0] != "cmd 1500" || !slices.Equal(got, e.history) {
		t.Errorf("file has %d lines from %q", len(got), got[0])
	}
}

func TestHistoryFileMissing(t *testing.T) {
	e := &Editor{HistoryFile: filepath.Join(t.TempDir(), "no", "such", "dir", "hist")}
	e.AddHistory("x") // cannot be written: kept in memory
	if line, err, _ := runCore(e, 80, "$ ", up+"\r"); line != "x" || err != nil {
		t.Errorf("got %q, %v", line, err)
	}
}
