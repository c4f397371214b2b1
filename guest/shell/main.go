package shell

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"
)

const usage = "usage: sh [-aefilnuvx] [-o OPTION]... [-c COMMAND [NAME [ARG]...] | -s [ARG]... | FILE [ARG]...]"

// Main is the sh command: argv[0] starting with "-" makes a login shell.
// exe is the multi-call binary for running commands as processes.
func Main(args []string, exe string) int {
	return Command(context.Background(), os.Stdin, os.Stdout, os.Stderr, nil, "", exe, args)
}

// Command runs sh with args (args[0] is its name) and the given stdio,
// environment and directory, and returns its exit status. The options
// are POSIX sh's, before the operands: -c (the first operand is the
// script), -s (read standard input; the operands are $1...), -i, -l, and
// set's -a -e -f -n -u -v -x and -o NAME, each also with + to turn it
// off, so that "#!/bin/sh -eu" scripts and "sh -x script" work.
func Command(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, env []string, dir, exe string, args []string) int {
	s := &Shell{Exe: exe, Stdin: stdin, Stdout: stdout, Stderr: stderr, Env: env, Dir: dir}
	s.login = len(args) > 0 && strings.HasPrefix(args[0], "-")
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "sh: "+format+"\n%s\n", append(a, usage)...)
		return 2
	}
	hasScript, interactive, fromStdin := false, false, false
	rest := args[1:]
	for len(rest) > 0 {
		opt := rest[0]
		if opt == "--" {
			rest = rest[1:]
			break
		}
		if len(opt) < 2 || opt[0] != '-' && opt[0] != '+' {
			break
		}
		rest = rest[1:]
		on := opt[0] == '-'
		for _, c := range opt[1:] {
			switch {
			case c == 'c' && on:
				hasScript = true
			case c == 'i' && on:
				interactive = true
			case c == 'l' && on:
				s.login = true
			case c == 's' && on:
				fromStdin = true
			case c == 'v':
				s.Verbose = on
			case strings.ContainsRune("aefnux", c):
				s.Options = append(s.Options, string(opt[0])+string(c))
			case c == 'o':
				if len(rest) == 0 {
					return bad("%c%c needs an option name (%s)", opt[0], c, strings.Join(setOptions, ", "))
				}
				name := rest[0]
				rest = rest[1:]
				switch {
				case name == "verbose":
					s.Verbose = on
				case slices.Contains(setOptions, name):
					s.Options = append(s.Options, string(opt[0])+"o", name)
				default:
					return bad("%co %s: unknown option (%s)", opt[0], name, strings.Join(setOptions, ", "))
				}
			default:
				return bad("%c%c: unknown option", opt[0], c)
			}
		}
	}
	switch {
	case hasScript:
		if len(rest) == 0 {
			return bad("-c needs a command")
		}
		script := rest[0]
		name, params := "sh", rest[1:]
		if len(params) > 0 {
			name, params = params[0], params[1:]
		}
		return s.RunString(ctx, script, name, params...)
	case !fromStdin && len(rest) > 0 && rest[0] != "-":
		return s.RunFile(ctx, rest[0], rest[1:]...)
	case !fromStdin && len(rest) > 0:
		rest = rest[1:] // "sh -": standard input, as -s
	}
	if f, ok := stdin.(*os.File); interactive || ok && term.IsTerminal(int(f.Fd())) {
		return s.Interactive(ctx)
	}
	if err := s.init(append([]string{"--"}, rest...)); err != nil {
		fmt.Fprintf(stderr, "sh: %v\n", err)
		return 2
	}
	return s.run(ctx, stdin, "")
}

// setOptions are the long names of set's options that the interpreter
// implements, for sh -o; verbose (-v) is the shell's own.
var setOptions = []string{"allexport", "errexit", "noexec", "noglob", "nounset", "pipefail", "verbose", "xtrace"}
