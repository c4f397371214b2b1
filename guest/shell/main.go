package shell

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
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
		for _, c := range opt[1:] {
			flag := opt[:1] + string(c) // -e or +e
			switch {
			case flag == "-c":
				hasScript = true
			case flag == "-i":
				interactive = true
			case flag == "-l":
				s.login = true
			case flag == "-s":
				fromStdin = true
			case c == 'v':
				s.Verbose = flag == "-v"
			case c != 'o' && strings.ContainsRune("aefnux", c):
				s.Options = append(s.Options, flag)
			case c == 'o':
				if len(rest) == 0 {
					return usageError(stderr, flag+" needs an option name ("+setOptions+")")
				}
				name := rest[0]
				rest = rest[1:]
				switch {
				case name == "verbose":
					s.Verbose = flag == "-o"
				case strings.Contains(" "+setOptions+" ", " "+name+" "):
					s.Options = append(s.Options, flag, name)
				default:
					return usageError(stderr, flag+" "+name+": unknown option ("+setOptions+")")
				}
			default:
				return usageError(stderr, flag+": unknown option")
			}
		}
	}
	switch {
	case hasScript:
		if len(rest) == 0 {
			return usageError(stderr, "-c needs a command")
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
	// The script is standard input, read to its end before it runs: the
	// interpreter copies a reader that is not a file for its commands, and
	// would race the parser for it.
	script, err := io.ReadAll(stdin)
	if _, ok := stdin.(*os.File); !ok {
		s.Stdin = strings.NewReader("")
	}
	if err == nil {
		err = s.init(append([]string{"--"}, rest...))
	}
	if err != nil {
		fmt.Fprintf(stderr, "sh: %v\n", err)
		return 2
	}
	return s.run(ctx, bytes.NewReader(script), "")
}

// setOptions are the long names of set's options that the interpreter
// implements, for sh -o; verbose (-v) is the shell's own.
const setOptions = "allexport errexit noexec noglob nounset pipefail verbose xtrace"

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "sh: %s\n%s\n", msg, usage)
	return 2
}
