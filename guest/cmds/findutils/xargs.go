package findutils

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "xargs", Usage: "[-0rtx] [-n N] [-s N] [-P N] [-I STR] [-d DELIM] [-E STR] [-a FILE] [COMMAND [ARG]...]", Summary: "run a command with arguments read from standard input", Run: xargs})

// xargs follows BusyBox's: words split at blanks with '' "" and \
// quoting, a command line of at most 30 KiB (-s), and its exit
// statuses: 123 when a run exited 1 to 254, 124 (and stop) on 255, 125
// (and stop) when one was killed, 126 when the command cannot run, 127
// when it is not found. -d is GNU's (BusyBox 1.35 lacks it). The
// commands run as processes with standard input from /dev/null, as
// GNU's do: BusyBox hands them its own input, which they then eat.

// xargsReader splits the input into arguments.
type xargsReader struct {
	r      *bufio.Reader
	delim  int    // -0 or -d: every delimited item is one argument; -1 for blanks and quotes
	line   bool   // -I: every non-empty line (or -0 item) is one argument
	eof    string // -E: a word that ends the input (blank-separated words only)
	ended  bool
	quoted byte
}

func xargs(e *cmds.Env, args []string) error {
	var f cmds.Flags
	null := f.Bool('0', "null", "items end with NUL, not blanks")
	noEmpty := f.Bool('r', "no-run-if-empty", "do not run the command if there is no input")
	trace := f.Bool('t', "verbose", "print each command on standard error before running it")
	exitTooLong := f.Bool('x', "exit", "exit if a command line would be too long")
	maxArgs := f.Int('n', "max-args", 0, "at most N arguments a command")
	maxChars := f.Int('s', "max-chars", 0, "command lines of at most N bytes")
	procs := f.Int('P', "max-procs", 1, "run up to N commands at a time (0: many)")
	repl := f.String('I', "", "", "replace STR in the arguments with each input line")
	delim := f.String('d', "delimiter", "", "items end with DELIM (a character or \\n, \\t, \\0, \\NNN, \\xHH)")
	eofStr := f.String('E', "eof", "", "stop at a word equal to STR")
	argFile := f.String('a', "arg-file", "", "read the arguments from FILE, not standard input")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		ops = []string{"echo"}
	}
	in := e.Input()
	if *argFile != "" {
		rc, err := e.Open(*argFile)
		if err != nil {
			return err
		}
		defer rc.Close()
		in = rc
	}
	xr := &xargsReader{r: bufio.NewReader(in), delim: -1, line: *repl != "", eof: *eofStr}
	if *null {
		xr.delim = 0
	}
	if *delim != "" {
		d, err := xargsDelim(*delim)
		if err != nil {
			return err
		}
		xr.delim = int(d)
	}
	if xr.line && xr.delim < 0 {
		xr.delim = '\n'
	}
	limit := 32<<10 - 2048
	if *maxChars > 0 {
		limit = *maxChars
	}
	for _, a := range ops {
		limit -= len(a) + 1
	}
	if limit <= 0 {
		return errors.New("can't fit single argument within argument list size limit")
	}
	if *maxArgs <= 0 || xr.line {
		*maxArgs = int(^uint(0) >> 1)
	}
	if *procs <= 0 {
		*procs = 100
	}
	run := &xargsRunner{e: e, trace: *trace, slots: make(chan struct{}, *procs)}
	if *procs > 1 {
		// Children given a writer that is not a file copy into it from
		// goroutines of their own: parallel ones must take turns.
		if _, ok := e.Stdout.(*os.File); !ok {
			run.out = &lockedWriter{w: e.Stdout}
		}
		if _, ok := e.Stderr.(*os.File); !ok {
			run.errw = &lockedWriter{w: e.Stderr}
		}
	}
	ranOnce := false
	var carry *string
	for !run.stopped() {
		var argv []string
		if xr.line {
			item, ok, err := xr.next()
			if err != nil {
				run.wait()
				return err
			}
			if !ok {
				break
			}
			for _, a := range ops {
				argv = append(argv, strings.ReplaceAll(a, *repl, item))
			}
		} else {
			argv = append(argv, ops...)
			size, n := 0, 0
			for n < *maxArgs {
				var w string
				if carry != nil {
					w, carry = *carry, nil
				} else {
					var ok bool
					var err error
					if w, ok, err = xr.next(); err != nil {
						run.wait()
						return err
					} else if !ok {
						break
					}
				}
				if size+len(w)+1 > limit {
					if n == 0 || *exitTooLong {
						run.wait()
						return errors.New("argument line too long")
					}
					carry = &w
					break
				}
				size += len(w) + 1
				n++
				argv = append(argv, w)
			}
			if n == 0 && (*noEmpty || ranOnce) {
				break
			}
		}
		ranOnce = true
		run.start(argv)
	}
	run.wait()
	if run.status != 0 {
		return cmds.ExitStatus(run.status)
	}
	return nil
}

// next returns the next argument; ok is false at the end of the input.
func (x *xargsReader) next() (string, bool, error) {
	if x.ended {
		return "", false, nil
	}
	var b []byte
	for {
		c, err := x.r.ReadByte()
		if err != nil {
			if err != io.EOF {
				return "", false, err
			}
			x.ended = true
			if len(b) == 0 {
				return "", false, nil
			}
			if x.quoted != 0 && x.delim < 0 {
				return "", false, xargsUnmatched(x.quoted)
			}
			return x.word(b)
		}
		switch {
		case x.delim >= 0:
			if int(c) != x.delim {
				if !x.line || len(b) > 0 || !xargsSpace(c) {
					b = append(b, c)
				}
				continue
			}
			if x.line && len(b) == 0 {
				continue // -I skips empty lines
			}
			return x.word(b)
		case x.quoted != 0:
			if c == x.quoted {
				x.quoted = 0
				continue
			}
			b = append(b, c)
		case xargsSpace(c):
			if len(b) > 0 {
				return x.word(b)
			}
		case c == '\\':
			if c, err = x.r.ReadByte(); err == nil {
				b = append(b, c)
			}
		case c == '\'' || c == '"':
			x.quoted = c
		default:
			b = append(b, c)
		}
	}
}

func (x *xargsReader) word(b []byte) (string, bool, error) {
	w := string(b)
	if x.eof != "" && x.delim < 0 && w == x.eof { // as BusyBox: not for -0 or -I
		x.ended = true
		return "", false, nil
	}
	return w, true, nil
}

func xargsUnmatched(q byte) error {
	if q == '\'' {
		return errors.New("unmatched single quote")
	}
	return errors.New("unmatched double quote")
}

// xargsSpace is isspace in the C locale.
func xargsSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// xargsDelim reads -d's character: itself, or a C escape.
func xargsDelim(s string) (byte, error) {
	if len(s) == 1 {
		return s[0], nil
	}
	if s[0] == '\\' {
		switch s[1:] {
		case "n":
			return '\n', nil
		case "t":
			return '\t', nil
		case "r":
			return '\r', nil
		case "\\":
			return '\\', nil
		case "a":
			return '\a', nil
		case "b":
			return '\b', nil
		case "f":
			return '\f', nil
		case "v":
			return '\v', nil
		}
		if s[1] == 'x' {
			if n, err := strconv.ParseUint(s[2:], 16, 8); err == nil {
				return byte(n), nil
			}
		} else if n, err := strconv.ParseUint(s[1:], 8, 8); err == nil {
			return byte(n), nil
		}
	}
	return 0, cmds.Usagef("invalid delimiter %s: one character or an escape", cmds.Quote(s))
}

// xargsRunner runs the commands, up to cap(slots) at a time, and keeps
// the exit status.
type xargsRunner struct {
	e         *cmds.Env
	trace     bool
	slots     chan struct{}
	out, errw *lockedWriter // with -P, for the children's output
	wg        sync.WaitGroup
	mu        sync.Mutex
	status    int
	stop      bool
}

func (r *xargsRunner) stopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stop
}

func (r *xargsRunner) wait() { r.wg.Wait() }

func (r *xargsRunner) start(argv []string) {
	if r.trace {
		fmt.Fprintln(r.stderr(), strings.Join(argv, " "))
	}
	r.slots <- struct{}{}
	r.wg.Add(1)
	done := func(err error) {
		r.finish(argv[0], err)
		<-r.slots
		r.wg.Done()
	}
	cmd, err := r.e.Command(argv)
	if err == nil {
		if r.out != nil {
			cmd.Stdout = r.out
		}
		if r.errw != nil {
			cmd.Stderr = r.errw
		}
		err = cmd.Start()
	}
	if err != nil || cap(r.slots) == 1 {
		if err == nil {
			err = cmd.Wait()
		}
		done(err)
		return
	}
	go func() { done(cmd.Wait()) }()
}

func (r *xargsRunner) stderr() io.Writer {
	if r.errw != nil {
		return r.errw
	}
	return r.e.Stderr
}

// finish takes in how one command ended, as BusyBox's xargs_exec does.
func (r *xargsRunner) finish(name string, err error) {
	code, sig, err := cmds.ExitOf(err)
	r.mu.Lock()
	defer r.mu.Unlock()
	status := 0
	switch {
	case err != nil:
		fmt.Fprintf(r.stderr(), "xargs: %s: %s\n", name, cmds.Message(err))
		status = 126
		if errors.Is(err, syscall.ENOENT) {
			status = 127
		}
	case sig != 0:
		fmt.Fprintf(r.stderr(), "xargs: %s terminated by signal %d\n", cmds.Quote(name), int(sig))
		status = 125
	case code == 255:
		fmt.Fprintf(r.stderr(), "xargs: %s: exited with status 255; aborting\n", name)
		status = 124
	case code != 0:
		if r.status == 0 {
			r.status = 123
		}
		return
	default:
		return
	}
	r.status, r.stop = status, true
}

// lockedWriter lets parallel children share one writer that is not a
// file (the shell's pipes and buffers are not safe for that).
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
