package coreutils

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "hostname", Usage: "[-sfdi] [-F FILE] [NAME]", Summary: "show or set the host name", Run: hostname, Quick: true})

// hostname is BusyBox's: -f, -d and -i look the name up (in /etc/hosts:
// pidone's commands ask no DNS server), -s shortens it.
func hostname(e *cmds.Env, args []string) error {
	var f cmds.Flags
	short := f.Bool('s', "short", "only the part before the first dot")
	fqdn := f.Bool('f', "fqdn", "the full name, as /etc/hosts has it")
	domain := f.Bool('d', "domain", "the DNS domain: the full name after its first dot")
	addrs := f.Bool('i', "ip-address", "the name's IPv4 addresses, from /etc/hosts")
	file := f.String('F', "file", "", "set the name to FILE's first line (not a comment)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *file != "" {
		data, err := os.ReadFile(e.Path(*file))
		if err != nil {
			return err
		}
		name := ""
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" && l[0] != '#' {
				name = l
				break
			}
		}
		ops = []string{name}
	}
	switch len(ops) {
	case 0:
	case 1:
		if *fqdn || *domain || *addrs || *short {
			break
		}
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
	if *fqdn || *domain || *addrs {
		hosts, _ := os.ReadFile("/etc/hosts")
		canon, ips := lookupHost(string(hosts), name)
		if canon == "" {
			return fmt.Errorf("bad address '%s'", name)
		}
		_, dom, hasDot := strings.Cut(canon, ".")
		switch {
		case *fqdn:
			name = canon
		case *short:
			name, _, _ = strings.Cut(canon, ".")
		case *domain && !hasDot:
			return nil
		case *domain:
			name = dom
		default:
			name = strings.Join(ips, " ")
		}
	} else if *short {
		name, _, _ = strings.Cut(name, ".")
	}
	_, err = io.WriteString(e.Stdout, name+"\n")
	return err
}

// lookupHost finds name in the text of /etc/hosts as the C library's
// gethostbyname does there (with Debian's "multi on"): its canonical
// name is the first name of the first line that lists it, its
// addresses the IPv4 addresses of every such line.
func lookupHost(hosts, name string) (canon string, ips []string) {
	for _, line := range strings.Split(hosts, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 || strings.Count(f[0], ".") != 3 || strings.Contains(f[0], ":") {
			continue
		}
		for _, n := range f[1:] {
			if strings.EqualFold(n, name) {
				if canon == "" {
					canon = f[1]
				}
				ips = append(ips, f[0])
				break
			}
		}
	}
	return canon, ips
}
