package coreutils

import (
	"io"
	"os"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "tee", Usage: "[-ai] [FILE]...", Summary: "copy standard input to standard output and files", Run: tee})

func tee(e *cmds.Env, args []string) error {
	var f cmds.Flags
	appendTo := f.Bool('a', "append", "append to the files, do not overwrite")
	f.Bool('i', "ignore-interrupts", "accepted for compatibility")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if *appendTo {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	type out struct {
		w    io.Writer
		name string
	}
	outs := []*out{{w: e.Stdout, name: "standard output"}}
	for _, op := range ops {
		if op == "-" {
			// As in BusyBox: standard output once more.
			outs = append(outs, &out{w: e.Stdout, name: "standard output"})
			continue
		}
		fh, err := os.OpenFile(e.Path(op), flags, 0o666)
		if err != nil {
			e.Warn(e.OpErr(err, op))
			continue
		}
		defer fh.Close()
		outs = append(outs, &out{w: fh, name: op})
	}
	// Unbuffered: "cmd | tee log" should show each line as cmd writes it.
	in := e.Input()
	buf := make([]byte, 32<<10)
	for {
		n, rerr := in.Read(buf)
		if n > 0 {
			for _, o := range outs {
				if o.w == nil {
					continue
				}
				if _, err := o.w.Write(buf[:n]); err != nil {
					e.Warn(cmds.ShownErr(err, e.Path(o.name), o.name))
					o.w = nil // a full disk for one file must not stop the others
				}
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}
