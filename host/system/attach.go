package system

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"pidone.dev/host/bootdiag"
	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
)

// Console is what Attach wires the guest's serial console to.
type Console struct {
	In  io.Reader // keys for the guest
	Out io.Writer // the console's output
	Err io.Writer // pidone's own lines: explanations, notes
	// Raw says Out and Err are a terminal in raw mode, where lines end
	// with CR LF.
	Raw bool
}

// Attach builds s's image (unless Initrd is set), boots it with its
// console wired to c until the guest powers off, boots it again when the
// guest reboots (unless NoReboot), and explains a boot that failed. What
// happened is QEMU's to say (vm.Ending); the console only explains a
// kernel that gave up before any program ran.
func (s *System) Attach(ctx context.Context, c Console) error {
	k, err := s.FindKernel()
	if err != nil {
		return err
	}
	if err := vm.Check(s.arch()); err != nil {
		return err
	}
	initrd, err := s.bootImage(ctx, k, false)
	if err != nil {
		return err
	}
	cfg, err := s.config(ctx, k, initrd, bootopts.Options{})
	if err != nil {
		return err
	}
	// QEMU always ends on a guest reboot or kernel panic, and pidone
	// boots again when the guest asked to reboot: a machine that resets
	// in a loop is seen, not left spinning.
	cfg.NoReboot = true
	if c.Raw && cfg.Log != nil {
		cfg.Log = crlf{cfg.Log}
	}
	keys := &keyboard{}
	go io.Copy(keys, c.In)
	quick := 0
	for {
		start := time.Now()
		rebooted, err := s.boot(ctx, cfg, keys, c)
		if err != nil || !rebooted || s.NoReboot {
			return err
		}
		// An init that dies at once makes the kernel panic and reset; a
		// kernel without the pvpanic driver cannot say it was a panic.
		// Booting again for ever would hide that.
		if time.Since(start) < quickReset {
			quick++
		} else {
			quick = 0
		}
		if quick >= maxQuickResets {
			return fmt.Errorf("the guest reset %d times in a row, each within %v of starting; stopping (run with -v to see the kernel's messages)", quick, quickReset)
		}
	}
}

// ErrInterrupted is the error of a system whose context ended before it
// booted.
var ErrInterrupted = errors.New("interrupted")

// A guest that resets this many times in a row, each this soon after
// starting, is in a reset loop rather than being rebooted by someone.
const (
	quickReset     = 15 * time.Second
	maxQuickResets = 3
)

// bootImage is the image to boot: Initrd, checked against the kernel's
// modules, or s's image built now.
func (s *System) bootImage(ctx context.Context, k *kernel.Kernel, exec bool) (string, error) {
	if s.Initrd == "" {
		img, err := s.Image(ctx, k, exec)
		if err != nil && ctx.Err() != nil {
			return "", fmt.Errorf("%w: stopped while building the image; nothing half-made was left behind", ErrInterrupted)
		}
		return img, err
	}
	if d := bootdiag.CheckModules(s.Initrd, k.Version); d != nil && s.Log != nil {
		// Said before the boot: once init runs, pidone no longer
		// believes the console.
		fmt.Fprintf(s.Log, "pidone: note: %s %s\n", d.Cause, d.Fix)
	}
	return s.Initrd, nil
}

// boot runs one QEMU until it ends and reports whether the guest asked to
// reboot.
func (s *System) boot(ctx context.Context, cfg *vm.Config, keys *keyboard, c Console) (bool, error) {
	nl := "\n"
	if c.Raw {
		nl = "\r\n"
	}
	vctx, cancel := context.WithCancel(ctx)
	defer cancel()
	v, err := vm.Start(vctx, cfg)
	if err != nil {
		return false, err
	}
	defer v.Kill()
	watch := newWatcher(cfg)
	watch.Noticed = func(d *bootdiag.Diagnosis) {
		if !d.Fatal {
			// The boot goes on; say now what the kernel's line means.
			fmt.Fprintf(c.Err, "%spidone: note: %s %s%s", nl, d.Cause, d.Fix, nl)
		}
	}
	// A kernel that says nothing for this long will not start talking:
	// say what usually causes it, once, and leave the VM running.
	silence := time.AfterFunc(SilentAfter, func() {
		if d := watch.Silent(false, cfg.Mem, vm.Console(cfg.Arch)); d != nil {
			fmt.Fprintf(c.Err, "%spidone: %s%s", nl, d, nl)
		}
	})
	defer silence.Stop()
	con := v.Console()
	keys.set(con)
	defer keys.set(nil)
	out := c.Out
	if !cfg.Verbose {
		out = bootdiag.QuietFilter(out)
	}
	copied := make(chan struct{})
	go func() {
		io.Copy(io.MultiWriter(out, watch), con)
		close(copied)
	}()
	err = v.Wait()
	select {
	case <-copied:
	case <-time.After(time.Second):
	}
	fatal := func() error {
		if d := watch.Diagnosis(); d != nil && d.Fatal {
			return fmt.Errorf("boot failed: %s", d)
		}
		return nil
	}
	switch v.Ending() {
	case vm.Failed:
		return false, err
	case vm.Killed:
		if ctx.Err() != nil {
			return false, errors.New("stopped by a signal; the VM was ended")
		}
		return false, nil // Ctrl-A X
	case vm.Panic:
		if err := fatal(); err != nil {
			return false, err
		}
		return false, errors.New("the guest kernel panicked; see the messages above")
	case vm.Reset:
		if !watch.Started() {
			// No program has run yet: the kernel gave up booting.
			if err := fatal(); err != nil {
				return false, err
			}
			if d := watch.Silent(true, cfg.Mem, vm.Console(cfg.Arch)); d != nil {
				return false, fmt.Errorf("boot failed: %s", d)
			}
		}
		return true, nil
	}
	return false, nil // powered off
}

// newWatcher watches a boot of cfg.
func newWatcher(cfg *vm.Config) *bootdiag.Watcher {
	w := &bootdiag.Watcher{Initrd: cfg.Initrd, Cmdline: cfg.Append, Mem: cfg.Mem}
	if st, err := os.Stat(cfg.Initrd); err == nil && st.Size() == 0 {
		w.Initrd = "" // an empty file is no initramfs to the kernel
	}
	return w
}

// SilentAfter is how long Attach waits for the kernel's first message
// before explaining the silence (boots under TCG take a few seconds).
// PIDONE_SILENT_AFTER shortens it, for the test that provokes silence.
var SilentAfter = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("PIDONE_SILENT_AFTER")); err == nil && d > 0 {
		return d
	}
	return 30 * time.Second
}()

// keyboard forwards the terminal's keys to whichever VM is running: one
// reader for the terminal's whole session, across guest reboots. Keys
// typed while no VM runs (before the first boot, during a reboot) wait
// for the next one: the shell takes what was typed ahead.
type keyboard struct {
	mu   sync.Mutex
	cond *sync.Cond
	w    io.Writer
}

func (k *keyboard) Write(p []byte) (int, error) {
	k.mu.Lock()
	if k.cond == nil {
		k.cond = sync.NewCond(&k.mu)
	}
	for k.w == nil {
		k.cond.Wait()
	}
	w := k.w
	k.mu.Unlock()
	if _, err := w.Write(p); err != nil {
		// The VM ended as the keys went: nobody reads them.
		return len(p), nil
	}
	return len(p), nil
}

func (k *keyboard) set(w io.Writer) {
	k.mu.Lock()
	if k.cond == nil {
		k.cond = sync.NewCond(&k.mu)
	}
	k.w = w
	k.cond.Broadcast()
	k.mu.Unlock()
}

// crlf ends lines with CR LF, for a terminal in raw mode.
type crlf struct{ w io.Writer }

func (c crlf) Write(p []byte) (int, error) {
	_, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n")))
	return len(p), err
}
