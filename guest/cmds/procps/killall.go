package procps

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "killall", Usage: "[-q] [-SIG | -s SIG] NAME... | -l [SIG]...", Summary: "send a signal to processes by name", Run: killall, Quick: true})

// killall parses its words as BusyBox's does, by hand: "-9", "-KILL"
// and "-s KILL" name the signal, which Flags cannot take. Its mistakes
// are errors of status 1, as BusyBox's are.
func killall(e *cmds.Env, args []string) error {
	if len(args) > 0 && args[0] == "-l" {
		return killallList(e, args[1:])
	}
	sig, quiet := syscall.SIGTERM, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		args = args[1:]
		switch {
		case a == "--":
			goto names
		case a == "-q":
			quiet = true
			continue
		case a == "-s" && len(args) > 0:
			a, args = "-"+args[0], args[1:]
		}
		s, err := cmds.ParseSignal(a[1:])
		if err != nil {
			return fmt.Errorf("bad signal name '%s'", a[1:])
		}
		sig = s
	}
names:
	if len(args) == 0 {
		return fmt.Errorf("you need to specify whom to kill")
	}
	procs, err := readProcs(procRoot, true)
	if err != nil {
		return err
	}
	failed := 0
	for _, name := range args {
		found := false
		for i := range procs {
			p := &procs[i]
			// Never ourselves: in the shell, that is the shell.
			if !nameMatches(p, name) || p.pid == os.Getpid() {
				continue
			}
			found = true
			if err := unix.Kill(p.pid, sig); err != nil {
				failed++
				if !quiet {
					fmt.Fprintf(e.Stderr, "killall: can't kill pid %d: %s\n", p.pid, cmds.Message(err))
				}
			}
		}
		if !found {
			failed++
			if !quiet {
				fmt.Fprintf(e.Stderr, "killall: %s: no process killed\n", name)
			}
		}
	}
	// BusyBox's status: how many names or processes failed.
	if failed > 0 {
		return cmds.ExitStatus(min(failed, 255))
	}
	return nil
}

// killallList is "killall -l" (and "pkill -l"): BusyBox's numbered list
// of the classic signals, or each SIG's name or number. A number is
// taken modulo 128, so that "killall -l $?" names a killing signal.
func killallList(e *cmds.Env, args []string) error {
	w := e.BufOut()
	defer w.Flush()
	if len(args) == 0 {
		for n := 1; n < 32; n++ {
			fmt.Fprintf(w, "%2d) %s\n", n, busyboxSigName(syscall.Signal(n)))
		}
		return nil
	}
	for _, a := range args {
		if a != "" && a[0] >= '0' && a[0] <= '9' {
			n, err := strconv.Atoi(a)
			if err != nil {
				w.Flush()
				fmt.Fprintf(e.Stderr, "%s: unknown signal '%s'\n", e.Name(), a)
				return cmds.ExitStatus(1)
			}
			fmt.Fprintln(w, busyboxSigName(syscall.Signal(n&0x7f)))
			continue
		}
		sig, err := cmds.ParseSignal(a)
		if err != nil {
			w.Flush()
			fmt.Fprintf(e.Stderr, "%s: unknown signal '%s'\n", e.Name(), a)
			return cmds.ExitStatus(1)
		}
		fmt.Fprintln(w, int(sig))
	}
	return nil
}

// busyboxSigName names a signal as BusyBox's lists do: SIGIO is POLL,
// and a signal without a name is its number.
func busyboxSigName(sig syscall.Signal) string {
	if sig == syscall.SIGIO {
		return "POLL"
	}
	if n := cmds.SignalName(sig); n != "" {
		return n
	}
	return strconv.Itoa(int(sig))
}
