package procps

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var (
	_ = cmds.Register(&cmds.Cmd{Name: "pgrep", Usage: "[-flanovx] [-s SID|-P PPID|-u USER] PATTERN", Summary: "print the process IDs of processes whose name matches a pattern", Run: pgrep, Quick: true})
	_ = cmds.Register(&cmds.Cmd{Name: "pkill", Usage: "[-l|-SIG] [-fnovx] [-s SID|-P PPID|-u USER] PATTERN", Summary: "signal processes whose name matches a pattern", Run: pgrep, Quick: true})
)

// pgrepOpts is what selects processes, as BusyBox's pgrep and pkill
// take it (and procps' -u).
type pgrepOpts struct {
	full, exact, invert, first, last bool
	sid, ppid                        int // -1: any
	uids                             []int
	re                               *regexp.Regexp // nil: every process
}

// pgrep is both pgrep and pkill, as in BusyBox.
func pgrep(e *cmds.Env, args []string) error {
	kill := e.Name() == "pkill"
	sig := syscall.SIGTERM
	// pkill's -SIG comes first, or not at all.
	if kill && len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		if s, err := cmds.ParseSignal(args[0][1:]); err == nil {
			sig, args = s, args[1:]
		}
	}
	var f cmds.Flags
	list := f.Bool('l', "list-name", "pgrep: print the name with the ID; pkill: list the signals")
	listFull := f.Bool('a', "list-full", "print the whole command line with the ID")
	full := f.Bool('f', "full", "match the whole command line, not just the name")
	exact := f.Bool('x', "exact", "the pattern must match all the name (or command line)")
	invert := f.Bool('v', "inverse", "select the processes that do not match")
	newest := f.Bool('n', "newest", "only the last one (highest ID)")
	oldest := f.Bool('o', "oldest", "only the first one (lowest ID)")
	sid := f.String('s', "session", "", "only in session SID (0: ours)")
	ppid := f.String('P', "parent", "", "only children of PPID")
	users := f.String('u', "euid", "", "only processes of USER[,USER]...")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if kill && *list {
		return killallList(e, nil)
	}
	o := pgrepOpts{full: *full, exact: *exact, invert: *invert, first: *oldest, last: *newest, sid: -1, ppid: -1}
	number := func(flag byte, s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, cmds.Usagef("-%c: invalid number '%s'", flag, s)
		}
		return n, nil
	}
	if *sid != "" {
		if o.sid, err = number('s', *sid); err != nil {
			return err
		}
		if o.sid == 0 {
			o.sid, _ = unix.Getsid(0)
		}
	}
	if *ppid != "" {
		if o.ppid, err = number('P', *ppid); err != nil {
			return err
		}
	}
	if *users != "" {
		names := cmds.Accounts(false)
	user:
		for _, u := range strings.Split(*users, ",") {
			for _, a := range names {
				if a.Name == u {
					o.uids = append(o.uids, a.ID)
					continue user
				}
			}
			n, err := strconv.Atoi(u)
			if err != nil {
				return cmds.Usagef("invalid user name: %s", u)
			}
			o.uids = append(o.uids, n)
		}
	}
	// One pattern, unless -s, -P or -u select already.
	if len(ops) > 1 || (len(ops) == 0 && o.sid < 0 && o.ppid < 0 && o.uids == nil) {
		return cmds.Usagef("want one PATTERN")
	}
	if len(ops) == 1 {
		expr, err := cmds.TranslateRegexp(ops[0], true)
		if err == nil && o.exact {
			expr = "^(?:" + expr + ")$"
		}
		if err == nil {
			o.re, err = cmds.CompileRegexp(expr)
		}
		if err != nil {
			return cmds.Usagef("%s: %v", ops[0], err)
		}
	}
	procs, err := readProcs(procRoot, false)
	if err != nil {
		return err
	}
	matched := pgrepSelect(procs, &o, os.Getpid())
	if len(matched) == 0 {
		return cmds.ExitStatus(1)
	}
	w := e.BufOut()
	defer w.Flush()
	for _, m := range matched {
		switch {
		case kill:
			if err := unix.Kill(m.pid, sig); err != nil {
				e.Warnf("can't kill pid %d: %s", m.pid, cmds.Message(err))
			}
		case *listFull:
			fmt.Fprintf(w, "%d %s\n", m.pid, m.cmdline)
		case *list:
			fmt.Fprintf(w, "%d %s\n", m.pid, m.name)
		default:
			fmt.Fprintf(w, "%d\n", m.pid)
		}
	}
	return nil
}

// pgrepMatch is a selected process: its ID, the name that matched
// (argv[0], or the kernel's name) and its whole command line.
type pgrepMatch struct {
	pid           int
	name, cmdline string
}

// pgrepSelect picks the processes as BusyBox does, leaving out self. A
// process matches if the pattern matches its argv[0] (its whole command
// line with -f) or else its kernel name (comm); -v inverts the whole
// test, -s -P and -u included.
func pgrepSelect(procs []proc, o *pgrepOpts, self int) []pgrepMatch {
	var out []pgrepMatch
	for i := range procs {
		p := &procs[i]
		if p.pid == self {
			continue
		}
		ok := (o.sid < 0 || p.session == o.sid) && (o.ppid < 0 || p.ppid == o.ppid) && (o.uids == nil || slices.Contains(o.uids, p.uid))
		name, cmdline := p.comm, p.comm
		if len(p.argv) > 0 {
			name, cmdline = pgrepSpaces(p.argv[0]), pgrepSpaces(strings.Join(p.argv, " "))
		}
		if ok && o.re != nil {
			subject := name
			if o.full {
				subject = cmdline
			}
			if !o.re.MatchString(subject) {
				ok, name = o.re.MatchString(p.comm), p.comm
			}
		}
		if ok == o.invert {
			continue
		}
		out = append(out, pgrepMatch{pid: p.pid, name: name, cmdline: cmdline})
		if o.first {
			break
		}
	}
	if o.last && len(out) > 0 {
		out = out[len(out)-1:]
	}
	return out
}

// pgrepSpaces shows control characters as spaces, as BusyBox does.
func pgrepSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
}
