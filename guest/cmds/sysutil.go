package cmds

// Helpers shared by the system commands (mount, df, ps, id, ...). Their
// names start with "sys" so that they stay clear of the file commands'.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// sysMount is one line of /proc/mounts.
type sysMount struct {
	Source, Dir, Type, Opts string
}

// sysParseMounts reads the /proc/mounts format. The kernel escapes
// space, tab, newline and backslash in names as \ooo octal.
func sysParseMounts(r io.Reader) []sysMount {
	var ms []sysMount
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		ms = append(ms, sysMount{sysUnescape(f[0]), sysUnescape(f[1]), sysUnescape(f[2]), sysUnescape(f[3])})
	}
	return ms
}

func sysUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// sysMounts lists the mounted filesystems, in mount order.
func sysMounts() ([]sysMount, error) {
	f, err := os.Open("/proc/mounts")
	if err != nil {
		return nil, fmt.Errorf("%s (is /proc mounted?)", Message(err))
	}
	defer f.Close()
	return sysParseMounts(f), nil
}

// sysAccount is one line of /etc/passwd (ID is the uid, GID the primary
// group) or of /etc/group (ID is the gid, Members the other users in it).
type sysAccount struct {
	Name    string
	ID, GID int
	Members []string
}

func sysParseAccounts(text string, group bool) []sysAccount {
	var as []sysAccount
	for _, line := range strings.Split(text, "\n") {
		f := strings.Split(line, ":")
		if len(f) < 3 || f[0] == "" || strings.HasPrefix(f[0], "#") {
			continue
		}
		id, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		a := sysAccount{Name: f[0], ID: id, GID: -1}
		switch {
		case group && len(f) > 3 && f[3] != "":
			a.Members = strings.Split(f[3], ",")
		case !group && len(f) > 3:
			if gid, err := strconv.Atoi(f[3]); err == nil {
				a.GID = gid
			}
		}
		as = append(as, a)
	}
	return as
}

// sysAccounts reads /etc/passwd or /etc/group. A system without them is
// normal (not every pidone image has them): it just has no names.
func sysAccounts(group bool) []sysAccount {
	path := "/etc/passwd"
	if group {
		path = "/etc/group"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return sysParseAccounts(string(b), group)
}

// sysNames maps ids to names, for commands that name many owners.
func sysNames(group bool) map[int]string {
	m := map[int]string{}
	for _, a := range sysAccounts(group) {
		if _, dup := m[a.ID]; !dup {
			m[a.ID] = a.Name
		}
	}
	return m
}

// sysName names an id, or spells the number when it has no name.
func sysName(names map[int]string, id int) string {
	if n, ok := names[id]; ok {
		return n
	}
	return strconv.Itoa(id)
}

// sysHint adds the usual fix to a permission error: most system commands
// need root, and the bare "Operation not permitted" does not say so.
func sysHint(err error) error {
	if (errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)) && os.Geteuid() != 0 {
		return fmt.Errorf("%s (run as root)", Message(err))
	}
	return err
}

// sysFail is "what: reason" for a failed system call, with sysHint's fix.
func sysFail(what string, err error) error {
	return fmt.Errorf("%s: %s", what, Message(sysHint(err)))
}

// sysTable prints rows as aligned columns; right marks the columns that
// are right-aligned (numbers). The last column is never padded.
func sysTable(w io.Writer, rows [][]string, right []bool) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len(c))
		}
	}
	bw := bufio.NewWriter(w)
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len(c))
			switch {
			case i < len(right) && right[i]:
				bw.WriteString(pad + c)
			case i == len(r)-1:
				bw.WriteString(c)
			default:
				bw.WriteString(c + pad)
			}
			if i < len(r)-1 {
				bw.WriteByte(' ')
			}
		}
		bw.WriteByte('\n')
	}
	bw.Flush()
}

// sysTermWidth is the width of the terminal the command writes to, or 0.
func sysTermWidth(e *Env) int {
	f, ok := e.Stdout.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
