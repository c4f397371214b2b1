package coreutils

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "id", Usage: "[-ugGnr] [USER]", Summary: "print user and group IDs", Run: id, Quick: true})

// idInfo is who a process or user is.
type idInfo struct {
	uid, gid, euid, egid int
	groups               []int // the process's supplementary groups, or the user's with the primary first
}

func id(e *cmds.Env, args []string) error {
	var f cmds.Flags
	u := f.Bool('u', "user", "only the user ID")
	g := f.Bool('g', "group", "only the group ID")
	gs := f.Bool('G', "groups", "only the group IDs")
	n := f.Bool('n', "name", "names instead of numbers, with -u, -g or -G")
	r := f.Bool('r', "real", "the real ID instead of the effective one, with -u or -g")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if (*u && *g) || (*u && *gs) || (*g && *gs) {
		return cmds.Usagef("only one of -u, -g and -G")
	}
	if (*n || *r) && !*u && !*g && !*gs {
		return cmds.Usagef("-n and -r need -u, -g or -G")
	}
	var who idInfo
	switch len(ops) {
	case 0:
		who = idSelf()
	case 1:
		if who, err = idUser(ops[0]); err != nil {
			return err
		}
	default:
		return cmds.Usagef("too many operands")
	}
	users, groups := cmds.AccountNames(false), cmds.AccountNames(true)
	show := func(names map[int]string, id int) string {
		if *n {
			return cmds.IDName(names, id)
		}
		return strconv.Itoa(id)
	}
	var out string
	switch {
	case *u && *r:
		out = show(users, who.uid)
	case *u:
		out = show(users, who.euid)
	case *g && *r:
		out = show(groups, who.gid)
	case *g:
		out = show(groups, who.egid)
	case *gs:
		// As BusyBox's: the real group, the effective one if it differs,
		// then the others.
		s := []string{show(groups, who.gid)}
		if who.egid != who.gid {
			s = append(s, show(groups, who.egid))
		}
		for _, g := range who.groups {
			if g != who.gid && g != who.egid {
				s = append(s, show(groups, g))
			}
		}
		out = strings.Join(s, " ")
	default:
		out = idLine(who, users, groups)
	}
	_, err = fmt.Fprintln(e.Stdout, out)
	return err
}

// idLine is id's full answer, as BusyBox prints it: groups= only when
// there are any (a process of init's has none beside its own group).
func idLine(who idInfo, users, groups map[int]string) string {
	named := func(names map[int]string, id int) string {
		if name, ok := names[id]; ok {
			return fmt.Sprintf("%d(%s)", id, name)
		}
		return strconv.Itoa(id)
	}
	s := fmt.Sprintf("uid=%s gid=%s", named(users, who.uid), named(groups, who.gid))
	if who.euid != who.uid {
		s += " euid=" + named(users, who.euid)
	}
	if who.egid != who.gid {
		s += " egid=" + named(groups, who.egid)
	}
	var gs []string
	for _, g := range who.groups {
		gs = append(gs, named(groups, g))
	}
	if len(gs) == 0 {
		return s
	}
	return s + " groups=" + strings.Join(gs, ",")
}

func idSelf() idInfo {
	who := idInfo{uid: os.Getuid(), gid: os.Getgid(), euid: os.Geteuid(), egid: os.Getegid()}
	who.groups, _ = os.Getgroups()
	return who
}

// idUser looks a user up by name or number in /etc/passwd, and their
// other groups in /etc/group.
func idUser(name string) (idInfo, error) {
	for _, a := range cmds.Accounts(false) {
		if a.Name != name && strconv.Itoa(a.ID) != name {
			continue
		}
		who := idInfo{uid: a.ID, gid: a.GID, euid: a.ID, egid: a.GID, groups: []int{a.GID}}
		for _, g := range cmds.Accounts(true) {
			if slices.Contains(g.Members, a.Name) && !slices.Contains(who.groups, g.ID) {
				who.groups = append(who.groups, g.ID)
			}
		}
		return who, nil
	}
	return idInfo{}, fmt.Errorf("'%s': no such user", name)
}
