package coreutils

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "nproc", Usage: "[--all] [--ignore=N]", Summary: "print the number of processors available", Run: nproc, Quick: true})

func nproc(e *cmds.Env, args []string) error {
	var f cmds.Flags
	all := f.Bool(0, "all", "all online processors, not only those this process may use")
	ignore := f.Int(0, "ignore", 0, "leave out N processors")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return cmds.Usagef("unexpected operand %s", ops[0])
	}
	// NumCPU honours the affinity mask, as coreutils' nproc does.
	n := runtime.NumCPU()
	if *all {
		if b, err := os.ReadFile("/sys/devices/system/cpu/online"); err == nil {
			if c := cpuListCount(strings.TrimSpace(string(b))); c > 0 {
				n = c
			}
		}
	}
	_, err = fmt.Fprintln(e.Stdout, max(1, n-*ignore))
	return err
}

// cpuListCount counts the CPUs in a kernel CPU list like "0-3,5,7-8".
func cpuListCount(s string) int {
	n := 0
	for _, r := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return 0
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return 0
			}
		}
		n += b - a + 1
	}
	return n
}
