package coreutils

import (
	"io"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "uname", Usage: "[-asnrvmpio]", Summary: "show system information", Run: uname, Quick: true})

func uname(e *cmds.Env, args []string) error {
	var f cmds.Flags
	all := f.Bool('a', "all", "all of the below, except unknown -p and -i")
	s := f.Bool('s', "kernel-name", "kernel name")
	n := f.Bool('n', "nodename", "host name")
	r := f.Bool('r', "kernel-release", "kernel release")
	v := f.Bool('v', "kernel-version", "kernel version")
	m := f.Bool('m', "machine", "machine (hardware) name")
	p := f.Bool('p', "processor", "processor type, unknown")
	i := f.Bool('i', "hardware-platform", "hardware platform, unknown")
	o := f.Bool('o', "operating-system", "operating system")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return err
	}
	if !(*all || *n || *r || *v || *m || *p || *i || *o) {
		*s = true
	}
	// The order is fixed, whatever the order of the flags, as in
	// coreutils. -p and -i are "unknown" there and in busybox: Linux does
	// not say, and scripts that want the architecture use -m.
	var out []string
	for _, x := range []struct {
		on    bool
		value string
	}{
		{*all || *s, "Linux"},
		{*all || *n, unix.ByteSliceToString(u.Nodename[:])},
		{*all || *r, unix.ByteSliceToString(u.Release[:])},
		{*all || *v, unix.ByteSliceToString(u.Version[:])},
		{*all || *m, unix.ByteSliceToString(u.Machine[:])},
		{*p, "unknown"},
		{*i, "unknown"},
		// Not "GNU/Linux": pidone's userland is not GNU.
		{*all || *o, "Linux"},
	} {
		if x.on {
			out = append(out, x.value)
		}
	}
	_, err = io.WriteString(e.Stdout, strings.Join(out, " ")+"\n")
	return err
}
