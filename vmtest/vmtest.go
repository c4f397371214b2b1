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

	"pidone.dev/guest/cmds"
	"pidone.dev/host/bootdiag"
	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/expect"
)

// Timeout bounds each wait for console output. Boots under TCG take a
// few seconds; this is generous for a loaded 2-core machine.
var Timeout = 60 * time.Second

// Options adjust the VM. The zero value boots pidone's default image.
type Options struct {
	Mem      int          // MiB; 0 means 256
	Append   string       // extra kernel command line
	Cmdline  string       // init options baked into the image
	Files    []image.File // extra files in the image
	Initrd   string       // boot this file instead of building an image
	NoReboot bool         // a guest reboot ends QEMU
	Net      *vm.Net      // a restricted user-mode network
	Disks    []vm.Disk    // virtio-blk disks
	Shares   []vm.Share   // 9p shares
	Kernel   string       // boot this kernel; "" for the one Kernel returns
	Machine  string       // QEMU machine (vm.MicroVM, the default, or vm.PC)
	// Modules are the kernel modules in the image, as pidone build
	// --modules takes them: "" is auto (the virtio drivers), like pidone
	// run; "none", or names.
	Modules string
}

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

// Image builds an initramfs for o in the test's temporary directory.
func Image(t testing.TB, o *Options) string {
	t.Helper()
	var names []string
	for _, c := range cmds.All() {
		names = append(names, c.Name)
	}
	// Uncompressed: the kernel unpacks it sooner, and the test writes it
	// faster.
	out := filepath.Join(t.TempDir(), "initramfs.cpio")
	var tags []string
	if o.Net != nil {
		tags = append(tags, gobuild.NetTag)
	}
	// The modules come from the kernel that boots, as with pidone run.
	// Without a kernel there are none, and Start says why it cannot boot.
	k, err := kernel.Find(o.Kernel)
	if err != nil {
		k = nil
	}
	mods, err := image.ModulesFor(k, o.Modules)
	if err != nil {
		t.Fatal(err)
	}
	err = image.WriteFile(out, &image.Spec{Init: Guest(t, tags...), Commands: names, Files: o.Files, Cmdline: o.Cmdline, Modules: mods, Compression: "none"})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Start boots a VM and returns at once.
func Start(t testing.TB, o *Options) *VM {
	t.Helper()
	skipNested(t)
	if o == nil {
		o = &Options{}
	}
	initrd := o.Initrd
	if initrd == "" {
		initrd = Image(t, o)
	}
	kpath := o.Kernel
	if kpath == "" {
		kpath = Kernel(t)
	}
	netw := withRelay(t, o.Net)
	ctx, cancel := context.WithCancel(context.Background())
	v, err := vm.Start(ctx, &vm.Config{
		Kernel: kpath, Initrd: initrd, Mem: o.Mem, Append: o.Append, NoReboot: o.NoReboot,
		Net: netw, Disks: o.Disks, Shares: o.Shares, Machine: o.Machine,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		v.Kill()
	})
	watch := &bootdiag.Watcher{}
	con := v.Console()
	var log io.Writer
	if testing.Verbose() && os.Getenv("PIDONE_CONSOLE") != "" {
		log = os.Stderr
	}
	c := expect.New(teeReader{con, watch}, con, log)
	return &VM{Console: c, VM: v, Watch: watch, t: t}
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
	return v
}

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

// teeReader shows the boot watcher everything the console says.
type teeReader struct {
	r io.Reader
	w *bootdiag.Watcher
}

func (t teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.w.Write(p[:n])
	}
	return n, err
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

// withRelay gives a network with guest forwards pidone's relay, so that
// each guest connection reaches the host service afresh, as with pidone
// run.
func withRelay(t testing.TB, n *vm.Net) *vm.Net {
	t.Helper()
	if n == nil || len(n.GuestFwds) == 0 || n.Relay != "" {
		return n
	}
	cli, err := cliOnce()
	if err != nil {
		t.Fatalf("building pidone for the guestfwd relay: %v", err)
	}
	c := *n
	c.Relay = cli
	return &c
}
