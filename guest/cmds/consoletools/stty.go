package consoletools

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

// Not Quick: "stty raw" and the like change the terminal the shell
// shares, so in an interactive shell it runs in the foreground as its
// own process, after which the shell puts back its own settings.
var _ = cmds.Register(&cmds.Cmd{Name: "stty", Usage: "[-a|-g] [-F DEVICE] [SETTING]...", Summary: "show or change the terminal's settings and size (stty rows 50 cols 132)", Run: stty})

// stty is BusyBox's: the same settings, the same output for no
// settings, -a and -g, and the same two passes, so that nothing is
// changed if any word is wrong. On a serial console, which knows no
// size until told, "stty rows N cols N" is what makes full-screen
// programs (top, vi) and ls's columns fit.
func stty(e *cmds.Env, args []string) error {
	const (
		show = iota
		showAll
		showSaved
	)
	display, device := show, ""
	noSettings := true
	var settings []string
	// The first pass checks every word, as BusyBox's does.
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			if m := sttyFindMode(a[1:]); m != nil {
				if m.flags&sttyRev == 0 {
					return sttyInvalid(e, a)
				}
				settings, noSettings = append(settings, a), false
				continue
			}
			for j := 1; j < len(a); j++ {
				switch a[j] {
				case 'a':
					if display == showSaved {
						return sttyFail(e, "-a and -g are mutually exclusive")
					}
					display = showAll
				case 'g':
					if display == showAll {
						return sttyFail(e, "-a and -g are mutually exclusive")
					}
					display = showSaved
				case 'F':
					if device != "" {
						return sttyFail(e, "only one device may be specified")
					}
					device = a[j+1:]
					if device == "" {
						if i+1 == len(args) {
							return sttyFail(e, "-F requires an argument")
						}
						i++
						device = args[i]
					}
					j = len(a)
				default:
					return sttyInvalid(e, a)
				}
			}
			continue
		}
		settings, noSettings = append(settings, a), false
		if sttyFindMode(a) != nil {
			continue
		}
		if need := sttyTakesValue(a); need {
			if i+1 == len(args) {
				return sttyFail(e, a+" requires an argument")
			}
			i++
			settings = append(settings, args[i])
			if err := sttyCheckValue(a, args[i]); err != nil {
				return sttyFail(e, err.Error())
			}
			continue
		}
		switch a {
		case "size", "speed":
			continue
		}
		if _, ok := sttyParseSaved(a, &unix.Termios{}); ok {
			continue
		}
		n, err := strconv.ParseUint(a, 10, 32)
		if err != nil {
			return sttyFail(e, fmt.Sprintf("invalid number '%s'", a))
		}
		if _, ok := sttyBaud(uint32(n)); !ok {
			return sttyInvalid(e, a)
		}
	}
	if display != show && !noSettings {
		return sttyFail(e, "modes may not be set when -a or -g is used")
	}

	name := "standard input"
	var fd int
	if device != "" {
		name = device
		f, err := os.OpenFile(e.Path(device), os.O_RDWR|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
		if err != nil {
			return sttyFail(e, fmt.Sprintf("can't open '%s': %s", device, cmds.Message(errors.Unwrap(err))))
		}
		defer f.Close()
		fd = int(f.Fd())
		unix.SetNonblock(fd, false)
	} else {
		f, ok := e.Stdin.(*os.File)
		if !ok {
			return sttyFail(e, name+": "+cmds.Message(unix.ENOTTY))
		}
		fd = int(f.Fd())
	}
	mode, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return sttyFail(e, name+": "+cmds.Message(err))
	}
	out := e.BufOut()
	defer out.Flush()
	if noSettings {
		if display == showSaved {
			io.WriteString(out, sttySaved(mode))
			return nil
		}
		size := ""
		if display == showAll {
			if ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ); err == nil && ws.Row > 0 {
				rows, cols := sttyDims(e, ws)
				size = fmt.Sprintf("rows %d; columns %d;", rows, cols)
			}
		}
		io.WriteString(out, sttyShow(mode, display == showAll, size, sttyWidth(e)))
		return nil
	}

	// The second pass does it.
	changed := false
	var failed error
	for i := 0; i < len(settings); i++ {
		a := settings[i]
		if m := sttyFindMode(strings.TrimPrefix(a, "-")); m != nil {
			sttySetMode(mode, m, strings.HasPrefix(a, "-"))
			changed = true
			continue
		}
		if sttyTakesValue(a) {
			i++
			v := settings[i]
			switch a {
			case "rows", "cols", "columns":
				if err := sttySetSize(fd, a, v); err != nil {
					failed = fmt.Errorf("%s: %s", name, cmds.Message(err))
					fmt.Fprintf(e.Stderr, "stty: %v\n", failed)
				}
			case "line":
				n, _ := sttyNumber(v, 0, 255)
				mode.Line = uint8(n)
				changed = true
			case "ispeed", "ospeed":
				n, _ := strconv.ParseUint(v, 10, 32)
				sttySetSpeed(mode, uint32(n))
				changed = true
			default:
				c, _ := sttyControlValue(a, v)
				mode.Cc[sttyFindControl(a).index] = c
				changed = true
			}
			continue
		}
		switch a {
		case "size":
			ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
			switch {
			case err != nil:
				fmt.Fprintf(e.Stderr, "stty: %s: %s\n", name, cmds.Message(err))
			case ws.Row == 0:
				// BusyBox prints nothing, and says so only vaguely.
				fmt.Fprintf(e.Stderr, "stty: %s: no size information for this device\n", name)
			default:
				rows, cols := sttyDims(e, ws)
				fmt.Fprintf(out, "%d %d\n", rows, cols)
			}
			continue
		case "speed":
			fmt.Fprintf(out, "%d\n", sttySpeed(mode))
			continue
		}
		if saved, ok := sttyParseSaved(a, mode); ok {
			*mode = *saved
			changed = true
			continue
		}
		n, _ := strconv.ParseUint(a, 10, 32)
		sttySetSpeed(mode, uint32(n))
		changed = true
	}
	if changed {
		// TCSETSW: as tcsetattr(TCSADRAIN), after pending output.
		if err := unix.IoctlSetTermios(fd, unix.TCSETSW, mode); err != nil {
			return sttyFail(e, name+": "+cmds.Message(err))
		}
		got, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			return sttyFail(e, name+": "+cmds.Message(err))
		}
		if got.Iflag != mode.Iflag || got.Oflag != mode.Oflag || got.Cflag != mode.Cflag || got.Lflag != mode.Lflag || got.Cc != mode.Cc {
			return sttyFail(e, name+": cannot perform all requested operations")
		}
	}
	if failed != nil {
		e.Fail()
	}
	return nil
}

// BusyBox's errors: "stty: message", status 1, no usage line.
func sttyFail(e *cmds.Env, msg string) error {
	fmt.Fprintf(e.Stderr, "stty: %s\n", msg)
	return cmds.ExitStatus(1)
}

func sttyInvalid(e *cmds.Env, arg string) error {
	return sttyFail(e, fmt.Sprintf("invalid argument '%s'", arg))
}

// sttyWidth is where stty's lines wrap: the width of the terminal on
// standard output ($COLUMNS first, as in BusyBox), else 80.
func sttyWidth(e *cmds.Env) int {
	if n, err := strconv.Atoi(e.Getenv("COLUMNS")); err == nil && n > 1 && n < 30000 {
		return n
	}
	if w := e.TermWidth(); w > 1 {
		return w
	}
	return 80
}

func sttyTakesValue(a string) bool {
	switch a {
	case "line", "rows", "cols", "columns", "ispeed", "ospeed":
		return true
	}
	return sttyFindControl(a) != nil
}

// sttyCheckValue is the first pass's check of "NAME VALUE".
func sttyCheckValue(a, v string) error {
	switch a {
	case "line", "rows", "cols", "columns":
		_, err := sttyNumber(v, 1, 1<<31-1)
		return err
	case "ispeed", "ospeed":
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return fmt.Errorf("invalid number '%s'", v)
		}
		if _, ok := sttyBaud(uint32(n)); !ok {
			return fmt.Errorf("invalid argument '%s'", v)
		}
		return nil
	}
	_, err := sttyControlValue(a, v)
	return err
}

// sttyNumber reads a number as BusyBox's xatoul_range_sfx does for
// stty: with b (512), k or B (1024) multiplying it.
func sttyNumber(s string, lo, hi uint64) (uint64, error) {
	mult := uint64(1)
	if n := len(s); n > 1 {
		switch s[n-1] {
		case 'b':
			mult, s = 512, s[:n-1]
		case 'k', 'B':
			mult, s = 1024, s[:n-1]
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || (s != "" && (s[0] < '0' || s[0] > '9')) {
		return 0, fmt.Errorf("invalid number '%s'", s)
	}
	n *= mult
	if n < lo || n > hi {
		return 0, fmt.Errorf("number %d is not in %d..%d range", n, lo, hi)
	}
	return n, nil
}

// sttyDims is the size as BusyBox shows it: $LINES and $COLUMNS, when
// set, win over the terminal's (BusyBox's get_terminal_width_height;
// GNU's stty shows the terminal's), and a dimension of 0 or 1 (or
// absurdly large) is shown as the 24 rows or 80 columns it is taken for.
func sttyDims(e *cmds.Env, ws *unix.Winsize) (rows, cols int) {
	dim := func(v int, env string, def int) int {
		if s, ok := sttyLookupEnv(e, env); ok {
			v = sttyAtoi(s)
		}
		if v <= 1 || v >= 30000 {
			return def
		}
		return v
	}
	return dim(int(ws.Row), "LINES", 24), dim(int(ws.Col), "COLUMNS", 80)
}

func sttyLookupEnv(e *cmds.Env, key string) (string, bool) {
	for i := len(e.Environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(e.Environ[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// sttyAtoi is C's atoi: the leading digits, 0 for none.
func sttyAtoi(s string) int {
	s = strings.TrimLeft(s, " \t")
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1<<20; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// sttySetSize changes one dimension of the window size.
func sttySetSize(fd int, which, v string) error {
	n, _ := sttyNumber(v, 0, 1<<31-1)
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil {
		if err != unix.EINVAL {
			return err
		}
		ws = &unix.Winsize{}
	}
	if which == "rows" {
		ws.Row = uint16(n)
	} else {
		ws.Col = uint16(n)
	}
	return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, ws)
}

// sttySaved is -g's line: the four flag words and NCCS control
// characters in hex, glibc's 32 (the kernel keeps 19; the rest are 0),
// so that the line is BusyBox's and GNU's and either reads it back.
func sttySaved(m *unix.Termios) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%x:%x:%x:%x", m.Iflag, m.Oflag, m.Cflag, m.Lflag)
	for i := 0; i < sttyNCCS; i++ {
		c := uint8(0)
		if i < len(m.Cc) {
			c = m.Cc[i]
		}
		fmt.Fprintf(&b, ":%x", c)
	}
	b.WriteByte('\n')
	return b.String()
}

const sttyNCCS = 32

// sttyParseSaved reads -g's line back onto a copy of m (whose line
// discipline it keeps). The kernel's 19 control characters are taken
// from the 32; a line of just the kernel's 19 is taken too.
func sttyParseSaved(s string, m *unix.Termios) (*unix.Termios, bool) {
	f := strings.Split(s, ":")
	if len(f) != 4+sttyNCCS && len(f) != 4+len(m.Cc) {
		return nil, false
	}
	var v []uint64
	for _, x := range f {
		n, err := strconv.ParseUint(x, 16, 32)
		if err != nil || x == "" {
			return nil, false
		}
		v = append(v, n)
	}
	out := *m
	out.Iflag, out.Oflag, out.Cflag, out.Lflag = uint32(v[0]), uint32(v[1]), uint32(v[2]), uint32(v[3])
	for i := range out.Cc {
		if v[4+i] > 0xff {
			return nil, false
		}
		out.Cc[i] = uint8(v[4+i])
	}
	return &out, true
}

// sttyControlValue reads a control character's setting: one character
// as itself, ^X, ^? for DEL, ^- or undef for none, or a number (min
// and time take only numbers).
func sttyControlValue(name, v string) (uint8, error) {
	if name == "min" || name == "time" {
		n, err := sttyNumber(v, 0, 0xff)
		return uint8(n), err
	}
	switch {
	case len(v) <= 1:
		if v == "" {
			return 0, nil
		}
		return v[0], nil
	case v == "^-" || v == "undef":
		return 0, nil
	case v[0] == '^':
		if v[1] == '?' {
			return 0x7f, nil
		}
		return v[1] & 0x1f, nil
	}
	n, err := sttyNumber(v, 0, 0xff)
	return uint8(n), err
}

// sttyShow is the display of stty with no settings (what differs from
// sane) or of stty -a (everything), wrapped at width as BusyBox wraps
// it. size is "rows N; columns N;" or empty.
func sttyShow(m *unix.Termios, all bool, size string, width int) string {
	w := &sttyWrapper{width: width}
	// Linux keeps one speed for both directions.
	w.add(fmt.Sprintf("speed %d baud;", sttySpeed(m)))
	if all && size != "" {
		w.add(size)
	}
	w.add(fmt.Sprintf("line = %d;\n", m.Line))
	for _, c := range sttyControls {
		if c.name == "min" {
			break
		}
		s := "<undef>"
		if ch := m.Cc[c.index]; ch != 0 {
			s = sttyVisible(ch)
		}
		w.add(c.name + " = " + s + ";")
	}
	w.add(fmt.Sprintf("min = %d; time = %d;", m.Cc[unix.VMIN], m.Cc[unix.VTIME]))
	w.newline()
	prev := sttyControl
	for i := range sttyModes {
		md := &sttyModes[i]
		if md.flags&sttyOmit != 0 {
			continue
		}
		if md.kind != prev {
			w.newline()
			prev = md.kind
		}
		word := sttyFlagWord(m, md.kind)
		mask := md.mask
		if mask == 0 {
			mask = md.bits
		}
		if *word&mask == md.bits {
			if all || md.flags&sttySaneUnset != 0 {
				w.add(md.name)
			}
		} else if (all && md.flags&sttyRev != 0) || (!all && md.flags&(sttySaneSet|sttyRev) == sttySaneSet|sttyRev) {
			w.add("-" + md.name)
		}
	}
	w.newline()
	return w.b.String()
}

// sttyWrapper lays words out as BusyBox's wrapf: separated by spaces,
// a new line before a word that would reach the width.
type sttyWrapper struct {
	b     strings.Builder
	col   int
	width int
}

func (w *sttyWrapper) add(s string) {
	if w.col > 0 {
		w.col++
		if s[0] != '\n' {
			if w.col+len(s) >= w.width {
				w.col = 0
				w.b.WriteByte('\n')
			} else {
				w.b.WriteByte(' ')
			}
		}
	}
	w.b.WriteString(s)
	w.col += len(s)
	if strings.HasSuffix(s, "\n") {
		w.col = 0
	}
}

func (w *sttyWrapper) newline() {
	if w.col != 0 {
		w.add("\n")
	}
}

// sttyVisible shows a control character as BusyBox's visible(): ^C,
// ^? for DEL, M- for the upper half; tab and newline as themselves.
func sttyVisible(c uint8) string {
	if c == '\t' || c == '\n' {
		return string(rune(c))
	}
	s := ""
	if c >= 128 {
		c -= 128
		s = "M-"
	}
	if c < 32 || c == 127 {
		return s + "^" + string(rune(c^0x40))
	}
	return s + string(rune(c))
}
