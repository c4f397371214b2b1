package editors

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/benhoyt/goawk/interp"
	"github.com/benhoyt/goawk/lexer"
	"github.com/benhoyt/goawk/parser"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "awk", Usage: "[-F SEP] [-v VAR=VALUE]... [-f PROGFILE | PROGRAM] [FILE]...", Summary: "scan and process patterns (POSIX awk)", Run: awk})

func awk(e *cmds.Env, args []string) error {
	// GoAWK opens files (operands, getline <, print >) relative to the
	// process's directory, which in the shell is not the command's.
	// When they differ, awk runs as a process of its own in the
	// command's directory.
	if e.Dir != "" {
		if wd, err := os.Getwd(); err != nil || !sameDir(wd, e.Dir) {
			return awkProcess(e, args)
		}
	}
	var progFiles, vars []string
	fs, hasFS := "", false
	i := 0
loop:
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			break
		}
		opt, val := a[:2], a[2:]
		switch opt {
		case "-F", "-f", "-v", "-e":
		default:
			return cmds.Usagef("unknown option %s", a)
		}
		if val == "" {
			if i+1 == len(args) {
				return cmds.Usagef("option %s needs a value", opt)
			}
			i++
			val = args[i]
		}
		switch opt {
		case "-F":
			fs, hasFS = val, true
		case "-f":
			progFiles = append(progFiles, val)
		case "-v":
			vars = append(vars, val)
		case "-e": // BusyBox's: program text as an option
			progFiles = append(progFiles, "\x00"+val)
			continue loop
		}
	}
	ops := args[i:]
	var src strings.Builder
	if len(progFiles) == 0 {
		if len(ops) == 0 {
			return cmds.Usagef("no program")
		}
		src.WriteString(ops[0])
		ops = ops[1:]
	}
	for _, pf := range progFiles {
		if text, ok := strings.CutPrefix(pf, "\x00"); ok {
			src.WriteString(text + "\n")
			continue
		}
		r, err := e.Open(pf)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return e.ReadErr(err, pf)
		}
		src.Write(b)
		src.WriteByte('\n')
	}
	prog, err := parser.ParseProgram([]byte(src.String()), nil)
	if err != nil {
		var pe *parser.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(e.Stderr, "awk: line %d, column %d: %s\n", pe.Position.Line, pe.Position.Column, pe.Message)
		} else {
			fmt.Fprintf(e.Stderr, "awk: %v\n", err)
		}
		return cmds.ExitStatus(1)
	}
	config := &interp.Config{
		Stdin:        e.Input(),
		Error:        e.Stderr,
		Argv0:        "awk",
		Args:         ops,
		ShellCommand: []string{"/bin/sh", "-c"},
		Environ:      []string{},
	}
	for _, kv := range e.Environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			config.Environ = append(config.Environ, k, v)
		}
	}
	if hasFS {
		if fs == "t" {
			fs = "\t" // POSIX: -Ft is a tab
		}
		config.Vars = append(config.Vars, "FS", unescape(fs))
	}
	for _, v := range vars {
		name, value, ok := strings.Cut(v, "=")
		if !ok {
			return cmds.Usagef("-v wants VAR=VALUE, not %s", cmds.Quote(v))
		}
		config.Vars = append(config.Vars, name, unescape(value))
	}
	var out *bufio.Writer
	if e.Terminal() {
		config.Output = e.Stdout // lines as they come, for people
	} else {
		out = bufio.NewWriterSize(e.Stdout, 32<<10)
		config.Output = out
	}
	status := 0
	it, err := interp.New(prog)
	if err == nil {
		status, err = it.ExecuteContext(e.Context(), config)
	}
	if out != nil {
		if ferr := out.Flush(); ferr != nil && err == nil {
			err = ferr
		}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		fmt.Fprintf(e.Stderr, "awk: %s\n", cmds.Message(err))
		return cmds.ExitStatus(1) // BusyBox's status for any error
	}
	if status != 0 {
		return cmds.ExitStatus(status)
	}
	return nil
}

// unescape reads C escapes in -v values and -F, as POSIX asks; a
// value that does not unescape is taken as it is.
func unescape(s string) string {
	if u, err := lexer.Unescape(s); err == nil {
		return u
	}
	return s
}

func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// awkProcess runs this binary as awk in e.Dir.
func awkProcess(e *cmds.Env, args []string) error {
	c := exec.CommandContext(e.Context(), "/proc/self/exe", args...)
	c.Args[0] = "awk"
	c.Dir, c.Env = e.Dir, e.Environ
	c.Stdin, c.Stdout, c.Stderr = e.Stdin, e.Stdout, e.Stderr
	err := c.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		if e.Context().Err() != nil {
			return e.Context().Err()
		}
		return cmds.ExitStatus(ee.ExitCode())
	case err != nil:
		return err
	}
	return nil
}
