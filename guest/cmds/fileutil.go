package cmds

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Helpers shared by the file and text commands (ls, cat, cp, grep, ...).

// shownErr makes err name the path the way the user typed it. Commands
// open e.Path(name), which differs from name whenever the shell's
// directory is not the process's, and "cat: /home/x/nope: ..." for
// "cat nope" would be confusing.
func shownErr(err error, full, shown string) error {
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

// opErr is shownErr for an operand resolved with e.Path.
func opErr(e *Env, err error, operand string) error {
	return shownErr(err, e.Path(operand), operand)
}

// namedErr builds the "path: reason" error of a check the kernel does
// not make for us (refusing to overwrite a directory and the like).
func namedErr(path string, err error) error {
	return &fs.PathError{Op: "", Path: path, Err: err}
}

// opOpen opens an operand for reading; "-" is standard input.
func opOpen(e *Env, name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(ctxReader{e.Context(), e.Stdin}), nil
	}
	f, err := os.Open(e.Path(name))
	if err != nil {
		return nil, opErr(e, err, name)
	}
	return f, nil
}

// opName is how headers and messages call an operand.
func opName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// ctxReader stops reading once the command is cancelled, so that Ctrl-C
// ends an in-process cat or grep between reads of a slow input.
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

// readErr names a read error after the operand: reads of a directory fail
// with EISDIR under the full path, which the user did not type.
func readErr(e *Env, err error, name string) error {
	if name == "-" {
		return err
	}
	return opErr(e, err, name)
}

// bufOut buffers a command's output; the caller flushes it.
func bufOut(e *Env) *bufio.Writer { return bufio.NewWriterSize(e.Stdout, 32<<10) }

// bufCopy copies r into w, keeping read errors apart from w: through
// bufio.Writer.ReadFrom a read error would stick to w and come back from
// every later Flush as if writing had failed.
func bufCopy(w *bufio.Writer, r io.Reader) (int64, error) {
	return io.Copy(struct{ io.Writer }{w}, r)
}

// rawStat returns the raw stat structure of fi, which only Linux exposes.
func rawStat(fi fs.FileInfo) *syscall.Stat_t {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st
	}
	return &syscall.Stat_t{}
}

// modeLetters renders a raw st_mode as ls -l and stat do ("drwxr-sr-t");
// fs.FileMode.String uses Go's own letters, which nobody expects here.
func modeLetters(m uint32) string {
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

// statFileType names the type of a raw st_mode as GNU stat's %F does.
func statFileType(m uint32, size int64) string {
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return "directory"
	case syscall.S_IFLNK:
		return "symbolic link"
	case syscall.S_IFCHR:
		return "character special file"
	case syscall.S_IFBLK:
		return "block special file"
	case syscall.S_IFIFO:
		return "fifo"
	case syscall.S_IFSOCK:
		return "socket"
	}
	if size == 0 {
		return "regular empty file"
	}
	return "regular file"
}

// devMajor and devMinor split a Linux dev_t.
func devMajor(d uint64) uint64 { return uint64(unix.Major(d)) }
func devMinor(d uint64) uint64 { return uint64(unix.Minor(d)) }

// ownerNames maps uids and gids to names from /etc/passwd and /etc/group,
// read once per command run: there is no libc and no NSS here.
type ownerNames struct {
	users, groups map[int]string
}

func (o *ownerNames) user(uid uint32) string {
	if o.users == nil {
		o.users = sysNames(false)
	}
	if n, ok := o.users[int(uid)]; ok {
		return n
	}
	return strconv.FormatUint(uint64(uid), 10)
}

func (o *ownerNames) group(gid uint32) string {
	if o.groups == nil {
		o.groups = sysNames(true)
	}
	if n, ok := o.groups[int(gid)]; ok {
		return n
	}
	return strconv.FormatUint(uint64(gid), 10)
}

// findInPath looks name up the way a shell does: names with a slash are
// taken as they are (relative to dir), others searched in the
// colon-separated list pathVar, where an empty entry means dir.
func findInPath(name, pathVar, dir string) (string, error) {
	abs := func(p string) string {
		if filepath.IsAbs(p) || dir == "" {
			return p
		}
		return filepath.Join(dir, p)
	}
	if strings.Contains(name, "/") {
		p := abs(name)
		return p, isExecutable(p)
	}
	for _, d := range filepath.SplitList(pathVar) {
		if d == "" {
			d = "."
		}
		p := abs(filepath.Join(d, name))
		if isExecutable(p) == nil {
			return p, nil
		}
	}
	return "", syscall.ENOENT
}

// isExecutable returns nil or the bare errno (ENOENT, EACCES, ...) that
// explains why p cannot be run.
func isExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	if fi.IsDir() {
		return syscall.EISDIR
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return syscall.EACCES
	}
	return nil
}

// quote puts a name in single quotes for messages that mention two names
// ("'a' -> 'b'"), as coreutils does.
func squote(s string) string { return "'" + s + "'" }

// bareColor turns "--color" (or "--colour") without a value into
// "--color=always", as GNU ls and grep take it; Flags would otherwise eat
// the next word as its value.
func bareColor(args []string) []string {
	for i, a := range args {
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
		if a == "--color" || a == "--colour" {
			out := append([]string(nil), args...)
			out[i] = a + "=always"
			return out
		}
	}
	return args
}
