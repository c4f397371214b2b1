package procps

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "pidof", Usage: "[-s] [-o PID]... NAME...", Summary: "print the process IDs of programs by name", Run: pidof, Quick: true})

func pidof(e *cmds.Env, args []string) error {
	var f cmds.Flags
	single := f.Bool('s', "single-shot", "one process ID per NAME")
	omitArgs := f.Strings('o', "omit-pid", "leave out PID (%PPID: the parent)")
	names, err := f.Parse(args)
	if err != nil {
		return err
	}
	var omit []int
	for _, a := range *omitArgs {
		if a == "%PPID" {
			omit = append(omit, shellPID(e))
			continue
		}
		n, err := strconv.Atoi(a)
		if err != nil {
			return cmds.Usagef("invalid number '%s'", a)
		}
		omit = append(omit, n)
	}
	procs, err := readProcs(procRoot, true)
	if err != nil {
		return err
	}
	line := pidofLine(procs, names, omit, *single)
	if line == "" {
		return cmds.ExitStatus(1)
	}
	_, err = io.WriteString(e.Stdout, line)
	return err
}

// shellPID is %PPID, the shell that ran pidof: our parent when pidof is
// a process of its own, ourselves when the shell runs it in-process.
func shellPID(e *cmds.Env) int {
	if filepath.Base(os.Args[0]) == e.Name() {
		return os.Getppid()
	}
	return os.Getpid()
}

// pidofLine lists the matching process IDs on one line, newest first
// for each name as BusyBox (and sysvinit) list them, or "" for none.
func pidofLine(procs []proc, names []string, omit []int, single bool) string {
	var pids []string
	for _, name := range names {
		for i := len(procs) - 1; i >= 0; i-- {
			p := &procs[i]
			if !nameMatches(p, name) || slices.Contains(omit, p.pid) {
				continue
			}
			pids = append(pids, strconv.Itoa(p.pid))
			if single {
				break
			}
		}
	}
	if len(pids) == 0 {
		return ""
	}
	return strings.Join(pids, " ") + "\n"
}
