package coreutils

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "truncate", Usage: "[-c] -s [+-<>/%]SIZE[KMG] FILE...", Summary: "shrink or extend files to a size", Run: truncate, Quick: true})

// truncate takes BusyBox's sizes (k or K 1024, kB or KB 1000, M, MB, G,
// GB) and, as GNU's does, a prefix: + and - change the size, < and >
// only shrink or only extend to SIZE, / and % round down or up to a
// multiple of it.
func truncate(e *cmds.Env, args []string) error {
	var f cmds.Flags
	noCreate := f.Bool('c', "no-create", "do not create missing files")
	sizeArg := f.String('s', "size", "", "the size to set, or to change by")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *sizeArg == "" {
		return cmds.Usagef("missing -s SIZE")
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing file operand")
	}
	op := byte(0)
	s := *sizeArg
	if strings.IndexByte("+-<>/%", s[0]) >= 0 {
		op, s = s[0], s[1:]
	}
	size, err := parseSize(s, sizeSuffixes)
	if err != nil || ((op == '/' || op == '%') && size == 0) {
		return fmt.Errorf("invalid number '%s'", *sizeArg)
	}
	for _, name := range ops {
		flags := os.O_WRONLY | syscall.O_NONBLOCK
		if !*noCreate {
			flags |= os.O_CREATE
		}
		file, err := os.OpenFile(e.Path(name), flags, 0o666)
		if err != nil {
			if !os.IsNotExist(err) || !*noCreate {
				e.Warnf("%s: open: %s", name, cmds.Message(errnoOf(err)))
			}
			continue
		}
		n := size
		if op != 0 {
			fi, err := file.Stat()
			if err != nil {
				file.Close()
				e.Warn(e.OpErr(err, name))
				continue
			}
			n = resize(fi.Size(), op, size)
		}
		if err := file.Truncate(n); err != nil {
			e.Warnf("%s: truncate: %s", name, cmds.Message(errnoOf(err)))
		}
		file.Close()
	}
	return nil
}

// resize applies a relative size to the current one.
func resize(cur int64, op byte, n int64) int64 {
	switch op {
	case '+':
		return cur + n
	case '-':
		return max(cur-n, 0)
	case '<':
		return min(cur, n)
	case '>':
		return max(cur, n)
	case '/':
		return cur / n * n
	case '%':
		return (cur + n - 1) / n * n
	}
	return n
}

// sizeSuffixes are BusyBox's kMG_suffixes; dd adds c, w and b.
const sizeSuffixes = "kB:1000 kD:1000 k:1024 KB:1000 KD:1000 K:1024 MB:1000000 MD:1000000 M:1048576 GB:1000000000 GD:1000000000 G:1073741824"

// parseSize reads a decimal number with one of suffixes ("NAME:FACTOR"
// separated by spaces).
func parseSize(s, suffixes string) (int64, error) {
	digits := strings.TrimRight(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	n, err := strconv.ParseUint(digits, 10, 63)
	if err != nil {
		return 0, err
	}
	if sfx := s[len(digits):]; sfx != "" {
		for _, pair := range strings.Fields(suffixes) {
			name, factor, _ := strings.Cut(pair, ":")
			if name == sfx {
				m, _ := strconv.ParseUint(factor, 10, 63)
				if m != 0 && n > (1<<63-1)/m {
					return 0, strconv.ErrRange
				}
				return int64(n * m), nil
			}
		}
		return 0, strconv.ErrSyntax
	}
	return int64(n), nil
}

// errnoOf strips Go's "open /full/path:" from err, for messages that
// name the operand themselves.
func errnoOf(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
