package procps

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// proc is a process as pidof, killall, pgrep, pkill and top see it.
type proc struct {
	procStat
	uid  int
	argv []string // /proc/PID/cmdline split at its NULs; none for kernel threads
	exe  string   // where /proc/PID/exe points, if readable (readExe)
}

// procRoot is where the processes are read from: /proc, or in tests a
// directory laid out like it.
const procRoot = "/proc"

// readProcs reads every process under root, in PID order, with where
// their executables are if exe is set (pidof and killall match on it;
// it costs a readlink per process). Processes that end while being read
// are left out.
func readProcs(root string, exe bool) ([]proc, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var procs []proc
	for _, ent := range ents {
		if _, err := strconv.Atoi(ent.Name()); err != nil {
			continue
		}
		dir := filepath.Join(root, ent.Name())
		b, err := os.ReadFile(dir + "/stat")
		if err != nil {
			continue
		}
		st, err := parseProcStat(string(b))
		if err != nil {
			continue
		}
		p := proc{procStat: st}
		if fi, err := os.Stat(dir); err == nil {
			if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
				p.uid = int(sys.Uid)
			}
		}
		cmdline, _ := os.ReadFile(dir + "/cmdline")
		p.argv = splitCmdline(cmdline)
		if exe {
			p.exe, _ = os.Readlink(dir + "/exe")
		}
		procs = append(procs, p)
	}
	slices.SortFunc(procs, func(a, b proc) int { return a.pid - b.pid })
	return procs, nil
}

// splitCmdline splits /proc/PID/cmdline into its words. A process that
// rewrote its arguments may have left no NUL at the end, or only spaces
// between words; what is there is kept.
func splitCmdline(b []byte) []string {
	s := strings.TrimRight(string(b), "\x00")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

// nameMatches is how pidof and killall find a process by name, as
// BusyBox's find_pid_by_name does: the kernel's name for it (comm,
// which keeps 15 bytes; a script's is the script's name), the base name
// of its argv[0] (a link to a multi-call binary), or where its
// executable is, whole for a name with a slash ("pidof /bin/sh").
func nameMatches(p *proc, name string) bool {
	switch {
	case commMatches(p, name):
		return true
	case len(p.argv) > 0 && filepath.Base(p.argv[0]) == name:
		return true
	case p.exe != "" && strings.HasPrefix(name, "/"):
		return p.exe == name
	case p.exe != "":
		return filepath.Base(p.exe) == name
	}
	return false
}

// commMatches compares the kernel's name for p with name. A 15-byte
// comm may be a longer name cut short: then it matches only if it is
// the start of name and argv[1] is name (a script run by its
// interpreter, whose comm is the script's name).
func commMatches(p *proc, name string) bool {
	const commLen = 15
	if len(p.comm) < commLen {
		return p.comm == name
	}
	if !strings.HasPrefix(name, p.comm[:commLen]) {
		return false
	}
	return len(p.argv) > 1 && filepath.Base(p.argv[1]) == name
}
