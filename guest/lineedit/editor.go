// Package lineedit reads lines from a terminal with editing, history and
// completion, and copes with dumb serial consoles.
//
// It never asks the terminal anything (a serial line may never answer),
// draws a single line that scrolls horizontally when it does not fit,
// and uses only \r, ESC[K, ESC[nC and ESC[H ESC[2J. It reads the
// terminal one byte at a time so that nothing after the Enter is taken
// from the commands that run next on the same terminal, and it switches
// to raw mode without flushing, so type-ahead is kept.
package lineedit

import (
	"errors"
	"io"
	"os"

	"pidone.dev/guest/term"
)

// ErrInterrupted is returned by ReadLine when Ctrl-C is pressed.
var ErrInterrupted = errors.New("interrupted")

// An Editor reads lines from a terminal. Its zero value reads from
// os.Stdin and draws on os.Stdout. An Editor is not safe for concurrent
// use.
type Editor struct {
	// In is the terminal. If it is not a terminal, ReadLine reads plain
	// lines from it. Nil means os.Stdin.
	In *os.File
	// Out is where the prompt and the line are drawn. Nil means os.Stdout.
	Out io.Writer
	// Complete, if not nil, is called on Tab with the line and the byte
	// offset of the cursor. It returns the byte offset where the word
	// being completed starts and the full replacements for that word.
	Complete func(line string, pos int) (start int, candidates []string)
	// HistoryFile, if not empty, is read on the first ReadLine and
	// AddHistory appends to it. Entries containing a newline are kept
	// in memory only, so the file stays one command per line.
	HistoryFile string

	history []string
	loaded  bool
	in      term.Reader // its bytes read and not yet used are used first next time
	yank    []rune      // the last killed text, for Ctrl-Y
}

// ReadLine shows prompt and returns the line the user entered, without
// its newline. It returns io.EOF on Ctrl-D at an empty line and
// ErrInterrupted on Ctrl-C. If In is not a terminal, it writes the prompt
// and reads one line as is, returning a last unterminated line before
// io.EOF.
func (e *Editor) ReadLine(prompt string) (string, error) {
	e.loadHistory()
	in, out := e.In, e.Out
	if in == nil {
		in = os.Stdin
	}
	if out == nil {
		out = os.Stdout
	}
	fd := int(in.Fd())
	restore, err := term.MakeRaw(fd)
	if err != nil {
		return e.readPlain(in, out, prompt)
	}
	defer restore()
	width := func() int {
		if cols, _ := term.Size(fd); cols > 0 {
			return cols
		}
		return 80 // a serial console usually knows none
	}
	return e.edit(in, out, width, func() bool { return term.InputQueued(fd) }, prompt)
}

// readPlain reads one line byte by byte, so that whatever follows it is
// left for the next reader of the same file.
func (e *Editor) readPlain(r io.Reader, out io.Writer, prompt string) (string, error) {
	if _, err := io.WriteString(out, prompt); err != nil {
		return "", err
	}
	e.in.R = r
	var line []byte
	for {
		c, err := e.in.ReadByte()
		switch {
		case err == io.EOF && len(line) > 0:
			return string(line), nil
		case err != nil:
			return "", err
		case c == '\n':
			return string(line), nil
		}
		line = append(line, c)
	}
}
