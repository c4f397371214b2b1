package coreutils

import (
	"fmt"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "dirname", Usage: "NAME...", Summary: "strip the last component from names", Run: dirname, Quick: true})

func dirname(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	for _, name := range ops {
		fmt.Fprintln(e.Stdout, dirName(name))
	}
	return nil
}

// dirName is POSIX dirname; unlike filepath.Dir it ignores trailing
// slashes ("a/b/" is in "a") and does not clean the rest.
func dirName(name string) string {
	// Exactly two leading slashes are a root of their own, which POSIX
	// leaves to the system: glibc's dirname, and so BusyBox's, keeps them
	// ("//" and "//a" are "//").
	root := "/"
	if strings.HasPrefix(name, "//") && !strings.HasPrefix(name, "///") {
		root = "//"
	}
	s := strings.TrimRight(name, "/")
	if s == "" {
		if name == "" {
			return "."
		}
		return root
	}
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return "."
	}
	s = strings.TrimRight(s[:i], "/")
	if s == "" {
		return root
	}
	return s
}
