// Package vmtest boots pidone systems in QEMU from Go tests, the way
// net/http/httptest starts servers: Start gives a running VM whose serial
// console the test drives like a person at a terminal, and the test's
// Cleanup ends it by its PID whether the test passed, failed or timed out.
package vmtest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pidone.dev/host/bootdiag"
	"pidone.dev/host/gobuild"
	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/expect"
)

// Timeout bounds each wait for console output. Boots under TCG take a
// few seconds; this is generous for a loaded 2-core machine.
var Timeout = 60 * time.Second

// Options describe the system to boot: a system.System, the recipe
// pidone run uses, so that a test boots what pidone run would boot with
// the same options. The zero value boots pidone's default system.
type Options = system.System

// VM is a running guest.
type VM struct {
	*expect.Console
	VM    *vm.VM
	Watch *bootdiag.Watcher
	t     testing.TB
}

// Prompt matches the shell's default prompt at the start of a line, or
// right after the ^C the terminal echoes for Ctrl-C: a program that
// handles SIGINT may print its last lines before that echo comes out,
// and then the prompt follows it on the same line, as in any shell.
var Prompt = regexp.MustCompile(`(^|\n|\^C)[a-z0-9.-]+:[^\n]*# $`)

type guestBuild struct {
	once sync.Once
	path string
	err  error
}

var guests sync.Map // build tags → *guestBuild

// Guest returns pidone's guest binary built with tags, once per test
// binary.
func Guest(t testing.TB, tags ...string) string {
	t.Helper()
	v, _ := guests.LoadOrStore(strings.Join(tags, ","), &guestBuild{})
	g := v.(*guestBuild)
	g.once.Do(func() {
		// In pidone's cache, where pidone run keeps it too: nothing is
		// left behind, and gobuild replaces it atomically for the test
		// binaries that run at once.
		dir, err := kernel.CacheDir()
		if err != nil {
			g.err = err
			return
		}
		g.path = gobuild.GuestFile(dir, "", tags...)
		g.err = gobuild.Guest(context.Background(), "", g.path, tags...)
	})
	if g.err != nil {
		t.Fatalf("building the guest: %v", g.err)
	}
	return g.path
}

// Kernel returns the kernel to boot, or fails the test saying how to get one.
func Kernel(t testing.TB) string {
	t.Helper()
	k, err := kernel.Find("")
	if err != nil {
		t.Fatalf("%v (make test fetches a kernel first)", err)
	}
	return k.Path
}

// Image builds the initramfs o boots, in pidone's cache, as pidone run
// builds it with the same options, and returns its path.
func Image(t testing.TB, o *Options) string {
	t.Helper()
	k, err := o.FindKernel()
	if err != nil {
		t.Fatalf("%v (make test fetches a kernel first)", err)
	}
	img, err := o.Image(context.Background(), k, false)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Start boots a VM and returns at once.
func Start(t testing.TB, o *Options) *VM {
	t.Helper()
	skipNested(t)
	sys := prepare(t, o)
	ctx, cancel := context.WithCancel(context.Background())
	m, err := sys.Start(ctx)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		m.VM.Kill()
	})
	var log io.Writer
	if testing.Verbose() && os.Getenv("PIDONE_CONSOLE") != "" {
		log = os.Stderr
	}
	c := expect.New(m.Console, m.Console, log)
	return &VM{Console: c, VM: m.VM, Watch: m.Watch, t: t}
}

// prepare copies o for a boot: with the relay built when the guest
// reaches host services, and pidone's notes in the test's log.
func prepare(t testing.TB, o *Options) *system.System {
	t.Helper()
	var sys system.System
	if o != nil {
		sys = *o
	}
	if len(sys.GuestFwds) > 0 {
		relay(t)
	}
	if sys.Log == nil {
		sys.Log = testLog{t}
	}
	return &sys
}

// testLog writes pidone's notes to the test's log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Boot starts a VM and waits for the shell prompt.
func Boot(t testing.TB, o *Options) *VM {
	t.Helper()
	v := Start(t, o)
	v.WaitPrompt()
	// Init loads drivers behind the prompt; tests want the devices.
	if out := v.Run("settle"); strings.Contains(out, "settle:") {
		t.Fatalf("settle: %s", out)
	}
	if o != nil && (o.Net || len(o.Forwards) > 0 || len(o.GuestFwds) > 0) {
		// init takes its lease in the background and says so on the
		// console, maybe in the middle of a prompt: wait for that line,
		// then for a prompt after it, so that Run sees only its own.
		deadline := time.Now().Add(Timeout)
		for !dhcpLine.MatchString(v.Output()) {
			if time.Now().After(deadline) {
				v.fail("waiting for init's DHCP line", fmt.Errorf("none after %v", Timeout))
			}
			time.Sleep(20 * time.Millisecond)
		}
		v.Send("echo sync-$((6*7))\n")
		v.MustExpect("sync-42\n")
		v.WaitPrompt()
	}
	return v
}

// dhcpLine is init's word on the network card's lease, whatever it was.
var dhcpLine = regexp.MustCompile(`init: (eth0: |pidone\.net=dhcp: )`)

// WaitPrompt waits for the shell's prompt.
func (v *VM) WaitPrompt() {
	v.t.Helper()
	if _, err := v.ExpectRegexp(Prompt, Timeout); err != nil {
		v.fail("waiting for the shell prompt", err)
	}
}

// Run types line and Enter, waits for the next prompt and returns the
// command's output (without the echoed line).
func (v *VM) Run(line string) string {
	v.t.Helper()
	if err := v.Send(line + "\n"); err != nil {
		v.fail("typing "+line, err)
	}
	out, err := v.expectPromptOutput()
	if err != nil {
		v.fail("running "+line, err)
	}
	// The first line is the shell echoing what was typed.
	if _, rest, ok := strings.Cut(out, "\n"); ok {
		return rest
	}
	return ""
}

func (v *VM) expectPromptOutput() (string, error) {
	var out string
	m, err := v.ExpectRegexp(regexp.MustCompile(`(?s)^(.*?\n)[a-z0-9.-]+:[^\n]*# $`), Timeout)
	if len(m) > 1 {
		out = m[1]
	}
	return out, err
}

// MustExpect waits for text and fails the test if it does not come.
func (v *VM) MustExpect(text string) string {
	v.t.Helper()
	before, err := v.Expect(text, Timeout)
	if err != nil {
		v.fail("", err)
	}
	return before
}

// Exit waits for QEMU to end and returns its error.
func (v *VM) Exit(timeout time.Duration) error {
	v.t.Helper()
	select {
	case <-v.VM.Done():
		return v.VM.Wait()
	case <-time.After(timeout):
		return fmt.Errorf("QEMU still running after %v", timeout)
	}
}

func (v *VM) fail(what string, err error) {
	v.t.Helper()
	msg := err.Error()
	if d := v.Watch.Diagnosis(); d != nil {
		msg += "\nboot diagnosis: " + d.String()
	}
	if what != "" {
		msg = what + ": " + msg
	}
	v.t.Fatal(msg)
}

var cliOnce = sync.OnceValues(func() (string, error) {
	dir, err := kernel.CacheDir()
	if err != nil {
		return "", err
	}
	// The host's pidone, beside the programs pidone builds for guests
	// (built atomically, like them).
	out := filepath.Join(dir, "programs", "host", "pidone")
	src, err := gobuild.SourceDir()
	if err != nil {
		return "", err
	}
	return out, gobuild.Build(context.Background(), src, "./cmd/pidone", "", out)
})

// relay makes pidone's CLI the guestfwd relay, as with pidone run: each
// guest connection then reaches the host service afresh. A test binary
// is not pidone, so the CLI is built for it, once.
func relay(t testing.TB) {
	t.Helper()
	cli, err := cliOnce()
	if err != nil {
		t.Fatalf("building pidone for the guestfwd relay: %v", err)
	}
	relayOnce.Do(func() { system.RelayProgram = cli })
}

var relayOnce sync.Once
