package modutils

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/modprobe"
	"pidone.dev/pkg/kmod"
)

var (
	_ = cmds.Register(&cmds.Cmd{Name: "modprobe", Usage: "[-qvn] [-r] NAME [PARAM=VALUE]... | -a NAME...", Summary: "load or remove a kernel module with what it needs", Run: modprobeCmd, Quick: true})
	_ = cmds.Register(&cmds.Cmd{Name: "insmod", Usage: "FILE [PARAM=VALUE]...", Summary: "load a kernel module file", Run: insmodCmd, Quick: true})
	_ = cmds.Register(&cmds.Cmd{Name: "rmmod", Usage: "NAME...", Summary: "unload kernel modules", Run: rmmodCmd, Quick: true})
	_ = cmds.Register(&cmds.Cmd{Name: "lsmod", Usage: "", Summary: "list the loaded kernel modules", Run: lsmodCmd, Quick: true})
)

// modRoot is where the module commands find /lib/modules and /proc:
// tests point it at a tree of their own.
var modRoot = "/"

func modprobeCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	remove := f.Bool('r', "remove", "remove the modules, and what they needed that nothing else uses")
	quiet := f.Bool('q', "quiet", "say nothing about modules that are not there")
	verbose := f.Bool('v', "verbose", "show each insmod and rmmod")
	dry := f.Bool('n', "dry-run", "show what would be done, do nothing")
	all := f.Bool('a', "all", "every operand is a module name")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("no module named")
	}
	names, params := ops[:1], strings.Join(ops[1:], " ")
	if *all || *remove {
		names, params = ops, ""
	}
	opts := modprobe.Options{Params: params, DryRun: *dry}
	if *verbose || *dry {
		opts.Log = func(format string, a ...any) {
			fmt.Fprintln(e.Stdout, strings.TrimSpace(fmt.Sprintf(format, a...)))
		}
	}
	// With no modules in the image at all, every name gets the same
	// answer as a module the image lacks, which is what the user needs
	// to hear.
	sys, err := modprobe.Open(modRoot, "")
	if err != nil && !errors.Is(err, modprobe.ErrNoModules) {
		return err
	}
	for _, name := range names {
		var err error
		if *remove {
			_, err = sys.Remove(name, opts)
		} else {
			_, err = sys.Load(name, opts)
		}
		var nf *modprobe.NotFoundError
		var builtin *modprobe.BuiltinError
		switch {
		case err == nil:
		case errors.As(err, &builtin):
			// Nothing to do, which is success, as with kmod.
			if !*quiet {
				fmt.Fprintf(e.Stdout, "modprobe: %v\n", err)
			}
		case errors.As(err, &nf) && *quiet:
			// modprobe -q is how the kernel asks for modules on demand:
			// a miss is normal there.
			e.Fail()
		default:
			e.Warn(err)
		}
	}
	return nil
}

func insmodCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("no module file named")
	}
	return modprobe.Insmod(e.Path(ops[0]), strings.Join(ops[1:], " "))
}

func rmmodCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("no module named")
	}
	for _, name := range ops {
		// "rmmod /lib/modules/.../virtio-rng.ko" names virtio_rng.
		e.Warn(modprobe.Rmmod(kmod.Name(name)))
	}
	return nil
}

func lsmodCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	fh, err := os.Open(filepath.Join(modRoot, "proc/modules"))
	if err != nil {
		return fmt.Errorf("%s (is /proc mounted?)", cmds.Message(err))
	}
	defer fh.Close()
	ms, err := modprobe.ParseProcModules(fh)
	if err != nil {
		return err
	}
	return lsmodWrite(e.Stdout, ms)
}

// lsmodWrite prints modules as kmod's lsmod does.
func lsmodWrite(w io.Writer, ms []modprobe.ProcModule) error {
	var b strings.Builder
	b.WriteString("Module                  Size  Used by\n")
	for _, m := range ms {
		refs := "-"
		if m.Refs >= 0 {
			refs = fmt.Sprint(m.Refs)
		}
		fmt.Fprintf(&b, "%-19s %8d  %s", m.Name, m.Size, refs)
		if len(m.Users) > 0 {
			b.WriteString(" " + strings.Join(m.Users, ","))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
