// Package initd is pidone's PID 1: it mounts the basic filesystems, starts
// the shell (or the configured program) on the console as a session leader
// with a controlling terminal, respawns it, reaps every zombie, and powers
// off cleanly on request, on Ctrl-Alt-Del or after a panic of its own. It
// never exits: PID 1 exiting is a kernel panic.
package initd

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"pidone.dev/guest/power"
	"pidone.dev/pkg/bootopts"
)

// Main runs init. It does not return.
func Main() {
	in := &initd{}
	defer func() {
		// A Go panic in init must not become "Attempted to kill init":
		// log it and power off cleanly instead.
		if r := recover(); r != nil {
			in.logf("panic: %v\n%s", r, debug.Stack())
			in.logf("powering off after the panic above")
			in.shutdown(power.Poweroff)
		}
	}()
	in.run()
}

type initd struct {
	opts        bootopts.Options
	switched    bool          // into the root disk (root=)
	rootErr     string        // why not, when root= was given
	modulesDone chan struct{} // closed when startModules is done
	services    []*service
	shutting    bool
}

func (in *initd) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "init: "+format+"\n", args...)
}

// debugf prints only when pidone.debug is on the command line.
func (in *initd) debugf(format string, args ...any) {
	if in.opts.Debug {
		in.logf(format, args...)
	}
}

func (in *initd) run() {
	sigs := in.boot(bootMode{
		execInit: true,
		report:   func(err error) { in.logf("%v", err) },
	})
	opts := in.opts
	if opts.CrashTest {
		panic("pidone.crashtest: init panicked on purpose")
	}
	tty := consoleTTY()
	in.debugf("console is %s", tty)
	if opts.Winsize != (bootopts.Winsize{}) {
		setWinsize(tty, opts.Winsize)
	}
	if opts.Exec || opts.Run != "" {
		in.waitNetwork() // a one-shot command wants the network it was given
	}
	switch {
	case in.switched && !opts.Exec:
		// In the root disk, what runs is its init (which replaces this
		// one) or its image's entrypoint, which is the whole system.
		s := in.afterSwitch(tty)
		if s == nil {
			in.shutdown(power.Poweroff)
		}
		entrypointDir(s.dir)
		in.services = append(in.services, s)
	case opts.Exec:
		if s := in.runMode(); s != nil {
			in.services = append(in.services, s)
		}
	case opts.Run != "":
		in.services = append(in.services, &service{
			name: "pidone.run", argv: []string{"sh", "-c", opts.Run}, tty: tty, once: true,
		})
	default:
		in.services = append(in.services, in.apps()...)
		if !opts.NoShell {
			in.services = append(in.services, &service{
				name: "shell", argv: []string{"-sh"}, tty: tty, respawn: true,
			})
		}
	}
	if !opts.Quiet {
		in.logf("up at %ss since kernel start", uptime())
	}
	for _, s := range in.services {
		in.start(s)
	}
	in.loop(sigs)
}

func uptime() string {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return "?"
	}
	f, _, _ := strings.Cut(string(b), " ")
	if v, err := strconv.ParseFloat(f, 64); err == nil {
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return f
}

// since is a small helper for log lines about timing.
func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }
