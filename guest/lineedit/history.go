package lineedit

import (
	"os"
	"strings"
)

// maxHistory is how many entries are kept, in memory and in the file.
const maxHistory = 1000

// AddHistory adds line to the history, unless it is blank or the same as
// the last entry, and appends it to HistoryFile. A line containing a
// newline is kept in memory only.
func (e *Editor) AddHistory(line string) {
	e.loadHistory()
	if !e.remember(line) || e.HistoryFile == "" || strings.Contains(line, "\n") {
		return
	}
	f, err := os.OpenFile(e.HistoryFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return // history is a convenience: a read-only root must not break the shell
	}
	f.WriteString(line + "\n")
	f.Close()
}

func (e *Editor) remember(line string) bool {
	if strings.TrimSpace(line) == "" {
		return false
	}
	if n := len(e.history); n > 0 && e.history[n-1] == line {
		return false
	}
	// Reslicing is enough to bound memory: append copies only the live
	// entries when it grows the array.
	e.history = append(e.history, line)
	if len(e.history) > maxHistory {
		e.history = e.history[len(e.history)-maxHistory:]
	}
	return true
}

// loadHistory reads HistoryFile once. The file only grows by appends, so
// when it holds twice the entries kept it is rewritten with the last ones.
func (e *Editor) loadHistory() {
	if e.loaded {
		return
	}
	e.loaded = true
	if e.HistoryFile == "" {
		return
	}
	data, err := os.ReadFile(e.HistoryFile)
	if err != nil {
		return
	}
	lines := strings.Split(string(data), "\n")
	for _, l := range lines {
		e.remember(l)
	}
	if len(lines) <= 2*maxHistory {
		return
	}
	tmp := e.HistoryFile + ".tmp"
	text := strings.Join(e.history, "\n") + "\n"
	if os.WriteFile(tmp, []byte(text), 0o600) != nil || os.Rename(tmp, e.HistoryFile) != nil {
		os.Remove(tmp)
	}
}
