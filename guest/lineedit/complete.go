package lineedit

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// CompleteWords completes the word that ends at byte offset pos of line,
// for a shell. In command position (the first word, or after ; | & && ||
// ( ` $( or a keyword such as then or do) a word without a "/" completes
// to the names returned by names; any other word completes to the paths,
// relative to dir, that start with it: directories get a trailing "/",
// hidden files appear only when the word's last element starts with ".",
// and a leading "~/" stands for $HOME. It returns the byte offset where
// the word starts and the sorted, distinct candidates, each a full
// replacement for the word. Quotes are not interpreted.
func CompleteWords(line string, pos int, names func() []string, dir string) (int, []string) {
	pos = max(0, min(pos, len(line)))
	start := pos
	for start > 0 && !strings.ContainsRune(wordBreaks, rune(line[start-1])) {
		start--
	}
	word := line[start:pos]
	var cands []string
	if commandPosition(line[:start]) && !strings.Contains(word, "/") {
		if names != nil {
			for _, n := range names() {
				if strings.HasPrefix(n, word) {
					cands = append(cands, n)
				}
			}
		}
	} else {
		cands = completePath(word, dir, commandPosition(line[:start]))
	}
	slices.Sort(cands)
	return start, slices.Compact(cands)
}

// wordBreaks end a word: blanks and the shell's operators.
const wordBreaks = " \t\n;|&()<>`"

// keywords are followed by a command.
var keywords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "while": true,
	"until": true, "do": true, "!": true, "{": true, "time": true,
}

// commandPosition reports whether a word after before is a command name.
func commandPosition(before string) bool {
	t := strings.TrimRight(before, " \t")
	if t == "" {
		return true
	}
	switch c := t[len(t)-1]; c {
	case ';', '|', '&', '(', '`', '\n':
		// "2>&" is a redirection, not a background operator.
		return !(c == '&' && len(t) > 1 && (t[len(t)-2] == '>' || t[len(t)-2] == '<'))
	}
	i := strings.LastIndexAny(t, wordBreaks)
	return keywords[t[i+1:]] && commandPosition(t[:i+1])
}

// completePath lists the paths starting with word. As a command, only
// directories and executables are offered.
func completePath(word, dir string, command bool) []string {
	home := os.Getenv("HOME")
	if word == "~" && home != "" {
		return []string{"~/"}
	}
	expanded := word
	if strings.HasPrefix(word, "~/") && home != "" {
		expanded = home + word[1:]
	}
	slash := strings.LastIndexByte(word, '/') + 1
	prefix, base := word[:slash], word[slash:]
	readDir := expanded[:len(expanded)-len(base)]
	if readDir == "" {
		readDir = "."
	}
	if !filepath.IsAbs(readDir) && dir != "" {
		readDir = filepath.Join(dir, readDir)
	}
	entries, _ := os.ReadDir(readDir)
	var cands []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (name[0] == '.' && !strings.HasPrefix(base, ".")) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			fi, err := os.Stat(filepath.Join(readDir, name))
			isDir = err == nil && fi.IsDir()
		}
		if isDir {
			name += "/"
		} else if command {
			fi, err := e.Info()
			if err != nil || fi.Mode()&0o111 == 0 {
				continue
			}
		}
		cands = append(cands, prefix+name)
	}
	return cands
}
