package coreutils

import (
	"fmt"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "basename", Usage: "NAME [SUFFIX] | -a [-s SUFFIX] NAME...", Summary: "strip the directory (and a suffix) from names", Run: basename, Quick: true})

func basename(e *cmds.Env, args []string) error {
	var f cmds.Flags
	multiple := f.Bool('a', "multiple", "take every operand as a NAME")
	suffix := f.String('s', "suffix", "", "remove SUFFIX too; implies -a")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	if !*multiple && *suffix == "" {
		switch len(ops) {
		case 1:
		case 2:
			*suffix, ops = ops[1], ops[:1]
		default:
			return cmds.Usagef("extra operand %s", cmds.Quote(ops[2]))
		}
	}
	for _, name := range ops {
		fmt.Fprintln(e.Stdout, baseName(name, *suffix))
	}
	return nil
}

// baseName is POSIX basename: trailing slashes do not count, "/" stays
// "/", and a suffix that is the whole name is kept.
func baseName(name, suffix string) string {
	s := strings.TrimRight(name, "/")
	if s == "" {
		if name == "" {
			return ""
		}
		return "/"
	}
	s = s[strings.LastIndexByte(s, '/')+1:]
	if suffix != "" && s != suffix {
		s = strings.TrimSuffix(s, suffix)
	}
	return s
}
