package coreutils

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "chmod", Usage: "[-Rcfv] MODE FILE...", Summary: "change file permissions", Run: chmod, Quick: true})

func chmod(e *cmds.Env, args []string) error {
	// A mode such as "-w" looks like an option, so the options are the
	// leading words made only of known option letters; the next is the mode.
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "-") || len(a) < 2 || (!strings.HasPrefix(a, "--") && strings.Trim(a[1:], "Rcfv") != "") {
			break
		}
	}
	var f cmds.Flags
	recursive := f.Bool('R', "recursive", "change directories' contents too")
	changes := f.Bool('c', "changes", "report changes")
	silent := f.Bool('f', "silent", "suppress most error messages")
	verbose := f.Bool('v', "verbose", "report every file")
	if _, err := f.Parse(args[:i]); err != nil {
		return err
	}
	ops := args[i:]
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	if len(ops) == 1 {
		return cmds.Usagef("missing operand after %s", cmds.Quote(ops[0]))
	}
	spec, err := parseChmod(ops[0])
	if err != nil {
		return err
	}
	umask := processUmask()
	warn := e.Warn
	if *silent {
		warn = func(error) { e.Fail() }
	}
	change := func(path, shown string, old uint32, isDir bool) {
		mode := spec.apply(old&07777, isDir, umask)
		if mode != old&07777 {
			if err := syscall.Chmod(path, mode); err != nil {
				warn(cmds.NamedErr(shown, err))
				return
			}
		}
		switch {
		case mode != old&07777 && (*verbose || *changes):
			fmt.Fprintf(e.Stdout, "mode of %s changed from %04o (%s) to %04o (%s)\n",
				cmds.Quote(shown), old&07777, cmds.ModeLetters(old)[1:], mode, cmds.ModeLetters(old&^07777 | mode)[1:])
		case mode == old&07777 && *verbose:
			fmt.Fprintf(e.Stdout, "mode of %s retained as %04o (%s)\n", cmds.Quote(shown), mode, cmds.ModeLetters(old)[1:])
		}
	}
	for _, op := range ops[1:] {
		if err := e.Context().Err(); err != nil {
			return err
		}
		p := e.Path(op)
		fi, err := os.Stat(p)
		if err != nil {
			warn(e.OpErr(err, op))
			continue
		}
		change(p, op, cmds.RawStat(fi).Mode, fi.IsDir())
		if !*recursive || !fi.IsDir() {
			continue
		}
		// WalkDir does not follow symlinks, and chmod must not either:
		// changing a link's mode changes its target, wherever that is.
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				warn(cmds.ShownErr(err, p, op))
				return nil
			}
			if path == p || d.Type()&fs.ModeSymlink != 0 {
				return nil
			}
			if err := e.Context().Err(); err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				warn(cmds.ShownErr(err, p, op))
				return nil
			}
			change(path, filepath.Join(op, path[len(p):]), cmds.RawStat(info).Mode, d.IsDir())
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// chmodSpec is a parsed mode: octal, or symbolic clauses applied in turn.
type chmodSpec struct {
	octal   bool
	digits  int
	bits    uint32
	clauses []chmodClause
}

type chmodClause struct {
	who     uint32 // the bits the clause may touch; 0 when no u, g, o or a
	actions []chmodAction
}

type chmodAction struct {
	op    byte   // '+', '-' or '='
	perms string // letters of rwxXst
	copy  byte   // u, g or o for "g=u", else 0
}

// parseChmod parses an octal mode ("755") or a symbolic one
// ("u+x,go-w", "a=r", "+X", "g=u").
func parseChmod(s string) (*chmodSpec, error) {
	bad := fmt.Errorf("invalid mode: %s", cmds.Quote(s))
	if s != "" && strings.Trim(s, "01234567") == "" {
		n, err := strconv.ParseUint(s, 8, 32)
		if err != nil || n > 07777 {
			return nil, bad
		}
		return &chmodSpec{octal: true, digits: len(s), bits: uint32(n)}, nil
	}
	spec := &chmodSpec{}
	for _, part := range strings.Split(s, ",") {
		var c chmodClause
		i := 0
		for ; i < len(part) && strings.IndexByte("ugoa", part[i]) >= 0; i++ {
			c.who |= map[byte]uint32{'u': 04700, 'g': 02070, 'o': 01007, 'a': 07777}[part[i]]
		}
		if i == len(part) {
			return nil, bad
		}
		for i < len(part) {
			a := chmodAction{op: part[i]}
			if a.op != '+' && a.op != '-' && a.op != '=' {
				return nil, bad
			}
			i++
			j := i
			for j < len(part) && strings.IndexByte("rwxXst", part[j]) >= 0 {
				j++
			}
			a.perms = part[i:j]
			if j == i && j < len(part) && strings.IndexByte("ugo", part[j]) >= 0 {
				a.copy = part[j]
				j++
			}
			i = j
			c.actions = append(c.actions, a)
		}
		spec.clauses = append(spec.clauses, c)
	}
	return spec, nil
}

// apply computes the new permission bits (07777) from the old ones.
func (s *chmodSpec) apply(old uint32, isDir bool, umask uint32) uint32 {
	if s.octal {
		// GNU keeps a directory's set-id bits unless five digits say otherwise.
		if isDir && s.digits < 5 {
			return s.bits | old&06000
		}
		return s.bits
	}
	mode := old & 07777
	for _, c := range s.clauses {
		who, mask := c.who, c.who
		if who == 0 {
			// No who: like "a", but bits set in the umask are left alone.
			who, mask = 07777, 07777&^umask
		}
		for _, a := range c.actions {
			var perm uint32
			for _, p := range a.perms {
				switch p {
				case 'r':
					perm |= 0444
				case 'w':
					perm |= 0222
				case 'x':
					perm |= 0111
				case 'X':
					if isDir || mode&0111 != 0 {
						perm |= 0111
					}
				case 's':
					perm |= 06000
				case 't':
					perm |= 01000
				}
			}
			if a.copy != 0 {
				shift := map[byte]uint{'u': 6, 'g': 3, 'o': 0}[a.copy]
				v := mode >> shift & 7
				perm = v<<6 | v<<3 | v
			}
			switch a.op {
			case '+':
				mode |= perm & mask
			case '-':
				mode &^= perm & mask
			case '=':
				clear := who
				if isDir && !strings.Contains(a.perms, "s") {
					clear &^= 06000
				}
				mode = mode&^clear | perm&mask
			}
		}
	}
	return mode & 07777
}

// processUmask reads the umask without setting it: umask(2) would change
// it for every goroutine of this process for a moment.
func processUmask() uint32 {
	data, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return uint32(n)
				}
			}
		}
	}
	return 022
}
