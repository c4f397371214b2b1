package cmds

// Helpers shared by the system commands (mount, df, ps, id, ...): the
// kernel's and /etc's tables, and errors that need root.

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

// MountEntry is one line of /proc/mounts.
type MountEntry struct {
	Source, Dir, Type, Opts string
}

// ParseMounts reads the /proc/mounts format. The kernel escapes space,
// tab, newline and backslash in names as \ooo octal.
func ParseMounts(r io.Reader) []MountEntry {
	var ms []MountEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		ms = append(ms, MountEntry{UnescapeMount(f[0]), UnescapeMount(f[1]), UnescapeMount(f[2]), UnescapeMount(f[3])})
	}
	return ms
}

// UnescapeMount undoes the kernel's \ooo escapes in a field of
// /proc/mounts or /proc/self/mountinfo.
func UnescapeMount(s string) string {
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

// Mounts lists the mounted filesystems, in mount order.
func Mounts() ([]MountEntry, error) {
	f, err := os.Open("/proc/mounts")
	if err != nil {
		return nil, fmt.Errorf("%s (is /proc mounted?)", Message(err))
	}
	defer f.Close()
	return ParseMounts(f), nil
}

// Account is one line of /etc/passwd (ID is the uid, GID the primary
// group) or of /etc/group (ID is the gid, Members the other users in it).
type Account struct {
	Name    string
	ID, GID int
	Members []string
}

// ParseAccounts reads the /etc/passwd format, or with group the
// /etc/group one. Comments and malformed lines are skipped.
func ParseAccounts(text string, group bool) []Account {
	var as []Account
	for _, line := range strings.Split(text, "\n") {
		f := strings.Split(line, ":")
		if len(f) < 3 || f[0] == "" || strings.HasPrefix(f[0], "#") {
			continue
		}
		id, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		a := Account{Name: f[0], ID: id, GID: -1}
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

// Accounts reads /etc/passwd or, with group, /etc/group. A system
// without them is normal (not every pidone image has them): it just has
// no names.
func Accounts(group bool) []Account {
	path := "/etc/passwd"
	if group {
		path = "/etc/group"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return ParseAccounts(string(b), group)
}

// AccountNames maps uids (or, with group, gids) to names, for commands
// that name many owners. Read it once per run, not per file.
func AccountNames(group bool) map[int]string {
	m := map[int]string{}
	for _, a := range Accounts(group) {
		if _, dup := m[a.ID]; !dup {
			m[a.ID] = a.Name
		}
	}
	return m
}

// IDName names an id from AccountNames' map, or spells the number when
// it has no name.
func IDName(names map[int]string, id int) string {
	if n, ok := names[id]; ok {
		return n
	}
	return strconv.Itoa(id)
}

// RootHint adds the usual fix to a permission error: most system
// commands need root, and the bare "Operation not permitted" does not
// say so.
func RootHint(err error) error {
	if (errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)) && os.Geteuid() != 0 {
		return fmt.Errorf("%s (run as root)", Message(err))
	}
	return err
}

// SysFail is "what: reason" for a failed system call, with RootHint's
// fix.
func SysFail(what string, err error) error {
	return fmt.Errorf("%s: %s", what, Message(RootHint(err)))
}

// WriteTable prints rows as aligned columns, as ps, df and lsblk do;
// right marks the columns that are right-aligned (numbers). The last
// column is never padded.
func WriteTable(w io.Writer, rows [][]string, right []bool) {
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
