package coreutils

import (
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "printenv", Usage: "[NAME]...", Summary: "print the environment, or the values of some variables", Run: printenv, Quick: true})

// printenv prints every NAME=value, or the value of each NAME given;
// status 1 if one is not set.
func printenv(e *cmds.Env, args []string) error {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	w := e.BufOut()
	if len(args) == 0 {
		for _, kv := range e.Environ {
			w.WriteString(kv + "\n")
		}
		return w.Flush()
	}
	for _, name := range args {
		v, ok := lookupEnv(e.Environ, name)
		if !ok {
			e.Fail()
			continue
		}
		w.WriteString(v + "\n")
	}
	return w.Flush()
}

// lookupEnv finds name in environ, the last setting winning as in
// Env.Getenv, and tells an empty value from none.
func lookupEnv(environ []string, name string) (string, bool) {
	for i := len(environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(environ[i], "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}
