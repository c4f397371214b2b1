package coreutils

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "hostname", Usage: "[-sf] [NAME]", Summary: "show or set the host name", Run: hostname, Quick: true})

func hostname(e *cmds.Env, args []string) error {
	var f cmds.Flags
	short := f.Bool('s', "short", "only the part before the first dot")
	f.Bool('f', "fqdn", "the full name (there is no DNS to ask: the name as set)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	switch len(ops) {
	case 0:
	case 1:
		name := ops[0]
		if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\n/") {
			return fmt.Errorf("%q: invalid host name (at most 64 characters, no spaces or slashes)", name)
		}
		if err := unix.Sethostname([]byte(name)); err != nil {
			return cmds.RootHint(err)
		}
		return nil
	default:
		return cmds.Usagef("too many operands")
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return err
	}
	name := unix.ByteSliceToString(u.Nodename[:])
	if *short {
		name, _, _ = strings.Cut(name, ".")
	}
	_, err = io.WriteString(e.Stdout, name+"\n")
	return err
}
