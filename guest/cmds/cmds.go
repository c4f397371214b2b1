// Package cmds is the table of pidone's multi-call set of everyday
// commands (ls, cat, mount, ps, ...) and what they share. Every command
// is a function with one signature, registered in one table; the shell
// runs them in-process and the guest binary runs them when invoked under
// their name (argv[0]).
//
// The commands themselves live in one package per family, as BusyBox
// groups them, so that the tree tells what the system can do:
// coreutils, findutils, procps, utillinux, modutils, networking,
// initutils and consoletools. Package all links every family. This
// package keeps what several families share: the table (Register,
// Lookup, All), Cmd and Env, the flag parser (Flags), error reporting
// (Env.Warn, Message, Usagef, ExitStatus), file and operand helpers
// (Env.Open, Env.OpErr, ShownErr, ModeLetters), /proc and /etc readers
// (Mounts, Accounts), output helpers (WriteTable, HumanSize) and POSIX
// regular expressions (TranslateRegexp). It also registers help, the
// table's own listing: the shell, which imports only this package,
// always has it.
//
// Adding a command is one file in its family (and its test): define a
// func(*Env, []string) error and register it with Register in a
// package-level declaration. Registration must do no other work, and
// neither may the family's other package-level variables (no regexp
// compiled, no map built): they run at every start of the guest binary,
// for ls as for init. Package all's tests check it.
package cmds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Cmd describes one command.
type Cmd struct {
	Name    string // what the user types
	Usage   string // one line: flags and operands, e.g. "[-lah] [FILE]..."
	Summary string // one short sentence for help
	Run     func(e *Env, args []string) error

	// Quick is true for commands that never wait on stdin, the terminal or
	// the clock. The interactive shell runs quick commands in-process even
	// with job control on; others run as their own process group there so
	// that Ctrl-C and Ctrl-Z act on them as on any program.
	Quick bool
}

// Env is what a running command sees of the world. Commands must use it
// rather than os.Stdin, os.Getwd or os.Getenv: in the shell many commands
// run in one process, each with its own directory and stdio.
type Env struct {
	Ctx     context.Context // cancelled on Ctrl-C when running in-process
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Dir     string   // working directory; relative paths resolve against it
	Environ []string // KEY=value pairs

	name   string
	failed bool
}

// Name is the name the command runs under, which its messages start with.
func (e *Env) Name() string { return e.name }

// Fail makes the command exit with status 1 once it is done, without a
// message: for failures that are quiet by request (chmod -f) or that
// the output already shows.
func (e *Env) Fail() { e.failed = true }

// Failed reports whether Warn or Fail has been called in this run.
func (e *Env) Failed() bool { return e.failed }

// Getenv returns the value of the environment variable key, or "".
func (e *Env) Getenv(key string) string {
	for i := len(e.Environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(e.Environ[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// Terminal reports whether the command's output goes to a terminal,
// for commands that colour or columnate output only for people.
func (e *Env) Terminal() bool {
	f, ok := e.Stdout.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// TermWidth is the width of the terminal the command writes to, or 0.
func (e *Env) TermWidth() int {
	f, ok := e.Stdout.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}

// Path resolves p against the command's working directory.
func (e *Env) Path(p string) string {
	if filepath.IsAbs(p) || e.Dir == "" {
		return p
	}
	return filepath.Join(e.Dir, p)
}

// Context returns the command's context, never nil.
func (e *Env) Context() context.Context {
	if e.Ctx == nil {
		return context.Background()
	}
	return e.Ctx
}

// Warn reports a non-fatal error in the usual "cmd: message" form and makes
// the command exit with status 1 once it is done. Commands that take many
// operands use it to go on with the next one.
func (e *Env) Warn(err error) {
	if err == nil {
		return
	}
	fmt.Fprintf(e.Stderr, "%s: %s\n", e.name, Message(err))
	e.failed = true
}

// Warnf is Warn with a format.
func (e *Env) Warnf(format string, args ...any) { e.Warn(fmt.Errorf(format, args...)) }

// ExitStatus is an error that carries an exit status without a message
// (grep's 1 for "no match", false's 1).
type ExitStatus int

func (s ExitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// UsageError reports bad flags or operands; Main prints it with the
// command's usage line and exits with status 2.
type UsageError struct{ Msg string }

func (u *UsageError) Error() string { return u.Msg }

// Usagef returns a *UsageError.
func Usagef(format string, args ...any) error { return &UsageError{fmt.Sprintf(format, args...)} }

// Message renders err the way shell users expect: "path: reason" with the
// reason as the C library says it ("No such file or directory"), without
// Go's "open " or "lstat " prefixes.
func Message(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + reason(pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Old + " -> " + le.New + ": " + reason(le.Err)
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return reason(se.Err)
	}
	// A wrapped errno ("mount /x: operation not permitted") ends with
	// the C library's wording too.
	var errno syscall.Errno
	if s := err.Error(); errors.As(err, &errno) && strings.HasSuffix(s, errno.Error()) {
		return s[:len(s)-len(errno.Error())] + reason(errno)
	}
	return err.Error()
}

func reason(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// table holds the commands in registration order. Register only appends,
// into room set aside in the binary's zeroed data, so that it allocates
// nothing (past 256 commands the slice grows as any other): it runs at
// every start of the guest binary, whichever command it is started as.
// Lookup's linear search costs less than a map built at every start
// would (one lookup per process), and All, which sorts, is where
// duplicates show.
var (
	tableRoom [256]*Cmd
	table     = tableRoom[:0]
)

// Register adds c to the table and returns it. A command's file calls it
// in a package-level declaration,
//
//	var _ = cmds.Register(&cmds.Cmd{Name: "true", ...})
//
// which runs at start-up like an init function but costs no function of
// its own in the binary (about 100 bytes a command). Registering must be
// all it does. Two commands of one name are a programming error, which
// All reports by panicking, and so any test of the whole set.
func Register(c *Cmd) *Cmd {
	table = append(table, c)
	return c
}

// Lookup returns the command called name, or nil.
func Lookup(name string) *Cmd {
	for _, c := range table {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns every command, sorted by name. It panics if two have the
// same name.
func All() []*Cmd {
	all := append([]*Cmd(nil), table...)
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	for i := 1; i < len(all); i++ {
		if all[i].Name == all[i-1].Name {
			panic("cmds: duplicate command " + all[i].Name)
		}
	}
	return all
}

// Main runs c with args (without the command name) and returns its exit
// status, printing any error as "name: message" on e.Stderr.
func (c *Cmd) Main(e *Env, args []string) (status int) {
	e.name = c.Name
	e.failed = false
	if e.Stdin == nil {
		e.Stdin = strings.NewReader("")
	}
	if e.Stdout == nil {
		e.Stdout = io.Discard
	}
	if e.Stderr == nil {
		e.Stderr = io.Discard
	}
	err := c.Run(e, args)
	var st ExitStatus
	var ue *UsageError
	switch {
	case err == nil && e.failed:
		return 1
	case err == nil:
		return 0
	case errors.As(err, &st):
		return int(st)
	case errors.As(err, &ue):
		fmt.Fprintf(e.Stderr, "%s: %s\nusage: %s %s\n", c.Name, ue.Msg, c.Name, c.Usage)
		return 2
	case errors.Is(err, context.Canceled):
		return 130
	case errors.Is(err, syscall.EPIPE):
		// The reader of a pipe is gone: silently, with the status of a
		// process SIGPIPE ends, as a command in a process of its own
		// ends (the shell runs most in its own process).
		return 128 + int(syscall.SIGPIPE)
	default:
		e.Warn(err)
		return 1
	}
}
