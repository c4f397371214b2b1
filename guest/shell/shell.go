// Package shell is pidone's POSIX shell: mvdan.cc/sh's interpreter with
// pidone's commands run in-process, other programs run as processes, and
// job control (Ctrl-C, Ctrl-Z, jobs, fg, bg) built around the interpreter
// at its handler seams, plus a line editor for interactive use.
package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Shell is one shell instance.
type Shell struct {
	// Exe is the multi-call binary that runs pidone's commands as their
	// own processes (for job control and background jobs). Empty means
	// commands always run in-process.
	Exe string

	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            []string // KEY=value; nil means os.Environ()
	Dir            string   // "" means the process's working directory

	// Options are set's options to start with, as sh's command line
	// gives them: "-e", "-u", "-x", "+f", "-o", "pipefail"... (the
	// interpreter's, see interp.Params).
	Options []string
	// Verbose writes each statement of a script to standard error as it
	// is read, before running it (sh -v; the interpreter has no -v).
	Verbose bool

	runner      *interp.Runner
	jobs        *jobTable // nil unless job control is on
	login       bool
	interactive bool
	bg          bgJobs
	name        string // $0
}

func (s *Shell) init(params []string) error {
	if s.Stdin == nil {
		s.Stdin = os.Stdin
	}
	if s.Stdout == nil {
		s.Stdout = os.Stdout
	}
	if s.Stderr == nil {
		s.Stderr = os.Stderr
	}
	if s.Env == nil {
		s.Env = os.Environ()
	}
	opts := []interp.RunnerOption{
		interp.StdIO(s.Stdin, s.Stdout, s.Stderr),
		interp.Env(expand.ListEnviron(s.Env...)),
		interp.ExecHandlers(func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc { return s.exec }),
		interp.CallHandler(s.call),
		interp.Params(append(slices.Clip(s.Options), params...)...),
	}
	if s.Dir != "" {
		opts = append(opts, interp.Dir(s.Dir))
	}
	r, err := interp.New(opts...)
	if err != nil {
		return err
	}
	s.runner = r
	return nil
}

// parser returns a parser for POSIX sh with bash extensions, which is what
// people type.
func parser() *syntax.Parser { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }

// RunString runs a script given as text, as "sh -c" does, and returns its
// exit status.
func (s *Shell) RunString(ctx context.Context, script, name string, args ...string) int {
	if err := s.init(append([]string{"--"}, args...)); err != nil {
		fmt.Fprintf(s.Stderr, "sh: %v\n", err)
		return 2
	}
	return s.run(ctx, strings.NewReader(script), name)
}

// RunFile runs the script at path with args as "$@".
func (s *Shell) RunFile(ctx context.Context, path string, args ...string) int {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(s.Stderr, "sh: %s: %s\n", path, reason(err))
		return 127
	}
	defer f.Close()
	if err := s.init(append([]string{"--"}, args...)); err != nil {
		fmt.Fprintf(s.Stderr, "sh: %v\n", err)
		return 2
	}
	return s.run(ctx, f, path)
}

func (s *Shell) run(ctx context.Context, r io.Reader, name string) int {
	s.name = name
	if name == "" {
		s.name = "sh"
	}
	var src []byte // the script, for -v
	if s.Verbose {
		var err error
		if src, err = io.ReadAll(r); err != nil {
			fmt.Fprintf(s.Stderr, "sh: %v\n", err)
			return 2
		}
		r = bytes.NewReader(src)
	}
	file, err := parser().Parse(r, name)
	if err != nil {
		s.echo(src, 0, uint(len(src)))
		fmt.Fprintf(s.Stderr, "sh: %v\n", err)
		return 2
	}
	// Where each statement ends in src, taken before markBackground
	// rewrites some of them.
	ends := make([]uint, len(file.Stmts))
	for i, st := range file.Stmts {
		ends[i] = st.End().Offset()
	}
	markBackground(file)
	// Statement by statement rather than the whole file at once, so that
	// a script's "exit" and Ctrl-C end it between statements.
	echoed := uint(0)
	for i, st := range file.Stmts {
		echoed = s.echo(src, echoed, ends[i])
		err = s.runner.Run(ctx, s.file(st))
		if s.runner.Exited() || ctx.Err() != nil {
			break
		}
	}
	if !s.runner.Exited() && ctx.Err() == nil {
		s.echo(src, echoed, uint(len(src))) // what follows the last statement
	}
	s.bg.settle(2 * time.Second)
	return status(err)
}

// echo writes the script's lines from offset from to the end of the line
// holding offset to, for -v, and returns where it stopped. src is nil
// without -v.
func (s *Shell) echo(src []byte, from, to uint) uint {
	if src == nil || from >= uint(len(src)) || to < from {
		return from
	}
	end := uint(len(src))
	if i := bytes.IndexByte(src[min(to, end):], '\n'); i >= 0 {
		end = min(to, end) + uint(i) + 1
	}
	text := src[from:end]
	if text[len(text)-1] != '\n' {
		text = append(text[:len(text):len(text)], '\n')
	}
	s.Stderr.Write(text)
	return end
}

// file wraps one statement as a file, which is how the interpreter
// learns $0.
func (s *Shell) file(st *syntax.Stmt) *syntax.File {
	return &syntax.File{Name: s.name, Stmts: []*syntax.Stmt{st}}
}

// status turns the interpreter's result into an exit status.
func status(err error) int {
	if err == nil {
		return 0
	}
	if st, ok := interp.IsExitStatus(err); ok {
		return int(st)
	}
	if errors.Is(err, context.Canceled) {
		return 130
	}
	return 1
}

func reason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	s := err.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
