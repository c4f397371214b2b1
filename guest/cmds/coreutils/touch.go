package coreutils

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "touch", Usage: "[-acm] [-d DATE | -t STAMP | -r FILE] FILE...", Summary: "update file times, creating files", Run: touch, Quick: true})

func touch(e *cmds.Env, args []string) error {
	var f cmds.Flags
	noCreate := f.Bool('c', "no-create", "do not create missing files")
	onlyA := f.Bool('a', "", "change only the access time")
	onlyM := f.Bool('m', "", "change only the modification time")
	date := f.String('d', "date", "", "use DATE (2006-01-02 15:04:05, @SECONDS, ...)")
	stamp := f.String('t', "", "", "use [[CC]YY]MMDDhhmm[.ss] (or a DATE)")
	ref := f.String('r', "reference", "", "use FILE's times")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing file operand")
	}
	now := time.Now()
	atime, mtime := now, now
	switch {
	case *ref != "":
		fi, err := os.Stat(e.Path(*ref))
		if err != nil {
			return e.OpErr(err, *ref)
		}
		st := cmds.RawStat(fi)
		atime, mtime = time.Unix(st.Atim.Unix()), fi.ModTime()
	case *date != "" || *stamp != "":
		// BusyBox takes the same forms with -d and -t, date -d's.
		t, err := parseDate(*date+*stamp, now.In(zone(e)), true)
		if err != nil {
			return err
		}
		atime, mtime = t, t
	}
	// A zero time leaves that time as it is.
	if *onlyA && !*onlyM {
		mtime = time.Time{}
	}
	if *onlyM && !*onlyA {
		atime = time.Time{}
	}
	for _, op := range ops {
		p := e.Path(op)
		err := os.Chtimes(p, atime, mtime)
		if errors.Is(err, fs.ErrNotExist) {
			if *noCreate {
				continue
			}
			var fh *os.File
			if fh, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o666); err == nil {
				fh.Close()
				if *date != "" || *stamp != "" || *ref != "" || *onlyA || *onlyM {
					err = os.Chtimes(p, atime, mtime)
				}
			}
		}
		if err != nil {
			e.Warn(e.OpErr(err, op))
		}
	}
	return nil
}
