package cmds

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// Helpers shared by the commands that take files as operands (ls, cat,
// cp, grep, tee, blkid, wget, ...).

// ShownErr makes err name the path the way the user typed it: shown
// instead of full, or under shown for a path under full. Commands open
// e.Path(name), which differs from name whenever the shell's directory
// is not the process's, and "cat: /home/x/nope: ..." for "cat nope"
// would be confusing.
func ShownErr(err error, full, shown string) error {
	if full == shown || err == nil {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: shownPath(pe.Path, full, shown), Err: pe.Err}
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return &os.LinkError{Op: le.Op, Old: shownPath(le.Old, full, shown), New: shownPath(le.New, full, shown), Err: le.Err}
	}
	return err
}

// shownPath turns p, full or a path under it, into the same path under
// shown.
func shownPath(p, full, shown string) string {
	if p == full {
		return shown
	}
	if rest, ok := strings.CutPrefix(p, full+"/"); ok {
		return strings.TrimSuffix(shown, "/") + "/" + rest
	}
	return p
}

// OpErr is ShownErr for an operand resolved with e.Path.
func (e *Env) OpErr(err error, operand string) error {
	return ShownErr(err, e.Path(operand), operand)
}

// NamedErr builds the "path: reason" error of a check the kernel does
// not make for us (refusing to overwrite a directory and the like).
func NamedErr(path string, err error) error {
	return &fs.PathError{Op: "", Path: path, Err: err}
}

// Open opens an operand for reading; "-" is standard input (Input).
func (e *Env) Open(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(e.Input()), nil
	}
	f, err := os.Open(e.Path(name))
	if err != nil {
		return nil, e.OpErr(err, name)
	}
	return f, nil
}

// OpName is how headers and messages call an operand: "-" is
// "standard input".
func OpName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// Input is the command's standard input, which stops reading once the
// command is cancelled, so that Ctrl-C ends an in-process cat or grep
// between reads of a slow input.
func (e *Env) Input() io.Reader { return ctxReader{e.Context(), e.Stdin} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ReadErr names a read error after the operand: reads of a directory
// fail with EISDIR under the full path, which the user did not type.
func (e *Env) ReadErr(err error, name string) error {
	if name == "-" {
		return err
	}
	return e.OpErr(err, name)
}

// BufOut buffers the command's standard output; the caller flushes it.
func (e *Env) BufOut() *bufio.Writer { return bufio.NewWriterSize(e.Stdout, 32<<10) }

// BufCopy copies r into w, keeping read errors apart from w: through
// bufio.Writer.ReadFrom a read error would stick to w and come back from
// every later Flush as if writing had failed.
func BufCopy(w *bufio.Writer, r io.Reader) (int64, error) {
	return io.Copy(struct{ io.Writer }{w}, r)
}

// RawStat returns the raw stat structure of fi, which only Linux
// exposes (a zero one if fi has none).
func RawStat(fi fs.FileInfo) *syscall.Stat_t {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st
	}
	return &syscall.Stat_t{}
}

// ModeLetters renders a raw st_mode as ls -l and stat do ("drwxr-sr-t");
// fs.FileMode.String uses Go's own letters, which nobody expects here.
func ModeLetters(m uint32) string {
	var b [10]byte
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		b[0] = 'd'
	case syscall.S_IFLNK:
		b[0] = 'l'
	case syscall.S_IFCHR:
		b[0] = 'c'
	case syscall.S_IFBLK:
		b[0] = 'b'
	case syscall.S_IFIFO:
		b[0] = 'p'
	case syscall.S_IFSOCK:
		b[0] = 's'
	default:
		b[0] = '-'
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if m&(1<<(8-i)) != 0 {
			b[i+1] = rwx[i]
		} else {
			b[i+1] = '-'
		}
	}
	special := func(i int, bit uint32, set, unset byte) {
		if m&bit == 0 {
			return
		}
		if b[i] == 'x' {
			b[i] = set
		} else {
			b[i] = unset
		}
	}
	special(3, syscall.S_ISUID, 's', 'S')
	special(6, syscall.S_ISGID, 's', 'S')
	special(9, syscall.S_ISVTX, 't', 'T')
	return string(b[:])
}

// Quote puts a name in single quotes for messages that mention two
// names ("'a' -> 'b'"), as coreutils does.
func Quote(s string) string { return "'" + s + "'" }
