package shell

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

const usage = "usage: sh [-i] [-c COMMAND [NAME [ARG]...]] [FILE [ARG]...]"

// Main is the sh command: argv[0] starting with "-" makes a login shell.
// exe is the multi-call binary for running commands as processes.
func Main(args []string, exe string) int {
	return Command(context.Background(), os.Stdin, os.Stdout, os.Stderr, nil, "", exe, args)
}

// Command runs sh with args (args[0] is its name) and the given stdio,
// environment and directory, and returns its exit status.
func Command(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, env []string, dir, exe string, args []string) int {
	s := &Shell{Exe: exe, Stdin: stdin, Stdout: stdout, Stderr: stderr, Env: env, Dir: dir}
	s.login = len(args) > 0 && strings.HasPrefix(args[0], "-")
	var script string
	hasScript, interactive := false, false
	rest := args[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") && rest[0] != "-" {
		opt := rest[0]
		rest = rest[1:]
		if opt == "--" {
			break
		}
		for _, c := range opt[1:] {
			switch c {
			case 'c':
				if len(rest) == 0 {
					fmt.Fprintf(stderr, "sh: -c needs a command\n%s\n", usage)
					return 2
				}
				script, hasScript = rest[0], true
				rest = rest[1:]
			case 'i':
				interactive = true
			case 'l':
				s.login = true
			case 's':
			default:
				fmt.Fprintf(stderr, "sh: -%c: unknown option\n%s\n", c, usage)
				return 2
			}
		}
	}
	switch {
	case hasScript:
		name := "sh"
		if len(rest) > 0 {
			name, rest = rest[0], rest[1:]
		}
		return s.RunString(ctx, script, name, rest...)
	case len(rest) > 0 && rest[0] != "-":
		return s.RunFile(ctx, rest[0], rest[1:]...)
	}
	if f, ok := stdin.(*os.File); interactive || ok && term.IsTerminal(int(f.Fd())) {
		return s.Interactive(ctx)
	}
	if err := s.init(nil); err != nil {
		fmt.Fprintf(stderr, "sh: %v\n", err)
		return 2
	}
	return s.run(ctx, stdin, "")
}
