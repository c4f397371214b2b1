package editors

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/term"
)

var _ = cmds.Register(&cmds.Cmd{Name: "vi", Usage: "[-R] [-c CMD]... [FILE]...", Summary: "edit a text file on the terminal", Run: viMain})

// vi is the editor's state: the text and everything the keys act on.
// It knows nothing of the terminal but its size: keys come in through
// key, and frame says what the screen should show.
type vi struct {
	env *cmds.Env

	lines [][]rune // never empty
	noEOL bool     // the file's last line had no newline, and gets none
	// noLines is set when the text is no lines, not one empty line: a
	// new or empty file, or all lines deleted.
	noLines bool

	files    []string // the FILE operands; file is the one being edited
	file     int
	name     string // as the user gave it; "" for none
	newFile  bool
	readOnly bool

	cy, cx int // cursor: line, rune
	want   int // the display column j and k aim for; wantEnd after $

	mode    int
	pending []term.Key // a normal-mode command being typed
	prompt  rune       // ':', '/' or '?' on the command line
	cmdline []rune
	literal bool // Ctrl-V: the next key is text
	// opPending is the operator waiting for the search being typed (d/x).
	opPending term.Key
	warned    bool // :q said that more files wait; a second :q quits

	// A count given to i, a, o and the like inserts the text that many
	// times: insRepeat more, with a new line before each for o and O.
	insRepeat int
	insFrom   int // where the keys typed in insert mode start in rec
	insLine   bool

	reg      register
	undo     []*change
	redo     []*change
	cur      *change // the undo group of the command being run
	saved    *change // undo's top when the file was last written
	rec      []term.Key
	dot      []term.Key // the keys of the last change, for .
	changed  bool       // the command being run changes the text
	replayed bool       // keys come from . rather than the user

	pattern  string // the last search
	lastRepl string // the last :s replacement
	re       *regexp.Regexp
	backward bool
	find     [2]term.Key // the last f, F, t or T and its character
	number   bool        // :set number
	icase    bool        // :set ignorecase

	msg        string
	top, left  int // the first line and column shown
	cols, rows int
	clear      bool // the screen must be drawn anew (Ctrl-L)
	beep       bool
	quit       bool
}

const (
	normal = iota
	insert
	replace
	cmdline
)

// wantEnd is the column wanted after $: the end of every line.
const wantEnd = 1 << 30

// A register holds text yanked or deleted: whole lines, or characters
// (lines split at their newlines).
type register struct {
	text  [][]rune
	lines bool
}

func viMain(e *cmds.Env, args []string) (err error) {
	var f cmds.Flags
	readOnly := f.Bool('R', "", "read-only: :w needs !")
	commands := f.Strings('c', "", "run the ex command CMD after loading the file")
	files, err := f.Parse(args)
	if err != nil {
		return err
	}
	v := &vi{env: e, files: files, readOnly: *readOnly, cols: 80, rows: 24}
	defer v.rescue(e.Stdout, &err)
	name := ""
	if len(files) > 0 {
		name = files[0]
	}
	v.load(name)
	for _, c := range *commands {
		v.ex(c)
	}

	in := &term.Reader{R: e.Stdin, EscKey: true}
	fd := -1
	if f, ok := e.Stdin.(*os.File); ok {
		if restore, err := term.MakeRaw(int(f.Fd())); err == nil {
			defer restore()
			fd = int(f.Fd())
			in.Soon = func() bool { return term.InputWithin(fd, 50*time.Millisecond) }
		}
	}
	size := termSize(e, fd)
	s := &screen{}
	for !v.quit {
		if in.Buffered() == 0 && (fd < 0 || !term.InputQueued(fd)) {
			// Keys already waiting (a paste) are run before drawing.
			v.cols, v.rows = size()
			if err := s.draw(e.Stdout, v); err != nil {
				return err
			}
		}
		k, err := in.ReadKey()
		if err != nil {
			break
		}
		v.key(k)
	}
	v.cols, v.rows = size()
	return s.leave(e.Stdout, v)
}

// rescue turns a panic, a bug in vi, into an error, after saving the
// text next to the file (FILE~) if it had changes: whoever edits
// /etc/fstab on a rescue console must not lose the edits to a bug. The
// shell may run vi in its own process, which a panic would end.
func (v *vi) rescue(w io.Writer, err *error) {
	p := recover()
	if p == nil {
		return
	}
	saved := ""
	if v.modified() && v.name != "" {
		if werr := os.WriteFile(v.env.Path(v.name+"~"), v.text(), 0o600); werr == nil {
			saved = "; the text is in " + v.name + "~"
		}
	}
	io.WriteString(w, "\x1b[r\r\n")
	*err = fmt.Errorf("internal error: %v%s", p, saved)
}

// load reads the file name into the buffer, as :e does.
func (v *vi) load(name string) {
	*v = vi{env: v.env, files: v.files, file: v.file, readOnly: v.readOnly, name: name,
		reg: v.reg, pattern: v.pattern, lastRepl: v.lastRepl, re: v.re, backward: v.backward, number: v.number, icase: v.icase,
		cols: v.cols, rows: v.rows, dot: v.dot}
	v.lines = [][]rune{{}}
	if name == "" {
		return
	}
	path := v.env.Path(name)
	var b []byte
	fi, err := os.Stat(path)
	if err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		// A device or a pipe may never end.
		v.msg = strconv.Quote(name) + " is not a regular file"
		return
	}
	if err == nil {
		b, err = os.ReadFile(path)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		v.newFile, v.noLines = true, true
		v.msg = strconv.Quote(name) + " [New file]"
	case err != nil:
		v.msg = cmds.Message(v.env.OpErr(err, name))
	default:
		v.lines, v.noEOL = splitLines(b)
		v.noLines = len(b) == 0
		v.msg = strconv.Quote(name) + " " + sizeNote(v.lines, len(b))
		if v.noEOL {
			v.msg += " [noeol]"
		}
	}
}

// sizeNote is how many lines and bytes a file has, as vi says it.
func sizeNote(lines [][]rune, bytes int) string {
	n := len(lines)
	if bytes == 0 {
		n = 0
	}
	return strconv.Itoa(n) + "L, " + strconv.Itoa(bytes) + "C"
}

// write saves the buffer to name, in place, so that the file keeps its
// owner, mode and links.
func (v *vi) write(name string, force bool) bool {
	switch {
	case name == "":
		v.msg = "No current filename"
		return false
	case v.readOnly && !force && name == v.name:
		v.msg = "'" + name + "' is read only (add ! to override)"
		return false
	}
	b := v.text()
	f, err := os.OpenFile(v.env.Path(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err == nil {
		_, err = f.Write(b)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		v.msg = cmds.Message(v.env.OpErr(err, name))
		return false
	}
	v.msg = strconv.Quote(name) + " " + sizeNote(v.lines, len(b)) + " written"
	if name == v.name {
		v.endChange()
		v.saved = nil
		if len(v.undo) > 0 {
			v.saved = v.undo[len(v.undo)-1]
		}
		v.newFile = false
	}
	return true
}

// key runs one key.
func (v *vi) key(k term.Key) {
	if k == term.None {
		return
	}
	if v.mode != cmdline {
		v.msg = ""
	}
	switch v.mode {
	case insert, replace:
		v.rec = append(v.rec, k)
		v.insertKey(k)
	case cmdline:
		if v.opPending != 0 {
			v.rec = append(v.rec, k)
		}
		v.cmdlineKey(k)
	default:
		if len(v.pending) == 0 {
			v.rec, v.changed = v.rec[:0], false
		}
		v.rec = append(v.rec, k)
		v.pending = append(v.pending, k)
		if !v.command(v.pending) {
			return // more keys to come
		}
		v.pending = v.pending[:0]
		if v.mode == normal || v.mode == cmdline {
			v.endChange()
			v.remember()
		}
	}
}

// remember keeps the keys of a change that is complete, for ".".
func (v *vi) remember() {
	if v.changed && !v.replayed {
		v.dot = slices.Clone(v.rec)
	}
	v.changed = false
}

// bell says that a key could not be done, as vi beeps.
func (v *vi) bell() { v.beep = true }
