package system

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/host/vmexec"
)

// Warm starts. The first run of a system boots it to where init waits
// for its work (runproto.Ready), saves the VM there into pidone's cache
// (vm.VM.Snapshot), and runs the work on; every later run of the same
// system restores that snapshot instead of booting, and sends its work
// (the command, its files, the time, fresh entropy) after. Nothing of a
// run is in the snapshot, and a snapshot is found by a key over every
// input of the VM, so one whose inputs changed is never used.

// snapshotVersion changes whenever what a snapshot holds changes.
const snapshotVersion = "pidone-snapshot-1"

// coldReason says why s must boot rather than restore, or "".
func (s *System) coldReason() string {
	switch {
	case s.Cold:
		return "--cold"
	case len(s.Shares) > 0:
		// 9p's open fids live in QEMU and the guest both; a snapshot
		// of one is not another's.
		return "9p shares are not saved in snapshots"
	}
	for _, d := range s.disks() {
		if !d.ReadOnly {
			// The guest's view of a disk it writes (its page cache, the
			// journal) would not match the file the next time.
			return "a writable disk (" + d.Path + ") is not saved in snapshots"
		}
	}
	return ""
}

// runWarm runs o from s's snapshot, making it first if there is none.
func (s *System) runWarm(ctx context.Context, o *vmexec.Options, saved func(time.Duration, int64)) (*vmexec.Result, error) {
	say := func(format string, args ...any) {
		if s.Verbose && s.Log != nil {
			fmt.Fprintf(s.Log, "pidone: "+format+"\n", args...)
		}
	}
	if why := s.coldReason(); why != "" {
		say("booting cold: %s", why)
		return vmexec.Run(ctx, o)
	}
	key, err := snapshotKey(&o.Config)
	if err != nil {
		say("booting cold: %v", err)
		return vmexec.Run(ctx, o)
	}
	dir, err := kernel.CacheDir()
	if err != nil {
		return nil, err
	}
	dir = filepath.Join(dir, "snapshots")
	path := filepath.Join(dir, key+".snap")
	if f, err := os.Open(path); err == nil {
		defer f.Close()
		now := time.Now()
		os.Chtimes(path, now, now) // recently used, for the cache's pruning
		warm := *o
		warm.Config.Incoming = f
		res, err := vmexec.Run(ctx, &warm)
		var be *vmexec.BootError
		if err == nil || !errors.As(err, &be) || be.Ending != vm.Failed {
			return res, err
		}
		// QEMU could not restore it (a QEMU upgraded in place, a file
		// cut short): drop it and boot.
		say("the snapshot %s could not be restored (%v); booting cold", path, be)
		os.Remove(path)
	}
	cold := *o
	cold.Ready = func(v *vm.VM) error {
		t0 := time.Now()
		if err := save(ctx, v, dir, path); err != nil {
			// The run goes on; the next one tries again.
			say("no snapshot saved: %v", err)
		} else if st, err := os.Stat(path); err == nil {
			took := time.Since(t0)
			say("saved a snapshot for later runs in %v: %s (%.1f MiB)", took.Round(time.Millisecond), path, float64(st.Size())/(1<<20))
			if saved != nil {
				saved(took, st.Size())
			}
		}
		return v.Continue(ctx)
	}
	res, err := vmexec.Run(ctx, &cold)
	if max, merr := CacheMax(); merr == nil {
		_, _ = image.Prune(dir, max)
	}
	return res, err
}

// save writes v's snapshot to path, atomically: a run that restores it
// sees all of it or none.
func save(ctx context.Context, v *vm.VM, dir, path string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".snap-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := v.Snapshot(ctx, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

var tscKHz = regexp.MustCompile(`tsc_early_khz=\d+`)

// snapshotKey is a hash of every input of the VM: QEMU (its binary), the
// kernel and the image (by name, size and time: the image's name is
// itself the hash of its inputs), and QEMU's arguments, which hold the
// machine, memory, CPUs, accelerator, devices and kernel command line.
// Forwarded ports are left out: they are QEMU's side of the network,
// not the guest's.
func snapshotKey(c *vm.Config) (string, error) {
	args, err := c.Args()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	io.WriteString(h, snapshotVersion+"\x00")
	arch := c.Arch
	if arch == "" {
		arch = runtime.GOARCH
	}
	bin, err := vm.Binary(arch)
	if err != nil {
		return "", err
	}
	qemu, err := exec.LookPath(bin)
	if err != nil {
		return "", err
	}
	cache, err := kernel.CacheDir()
	if err != nil {
		return "", err
	}
	images := filepath.Join(cache, "images") + string(filepath.Separator)
	for _, f := range []string{qemu, c.Kernel, c.Initrd} {
		st, err := os.Stat(f)
		if err != nil {
			return "", err
		}
		mtime := st.ModTime().UnixNano()
		if strings.HasPrefix(f, images) {
			// Named by the hash of its inputs; its time only says when
			// the cache last used it.
			mtime = 0
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", f, st.Size(), mtime)
	}
	for _, d := range c.Disks {
		st, err := os.Stat(d.Path)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "disk\x00%s\x00%d\x00%d\x00", d.Path, st.Size(), st.ModTime().UnixNano())
	}
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "user,id=net0"):
			a = "user,id=net0" // the forwards are the host's business
		case strings.Contains(a, "tsc_early_khz="):
			// The host's clock rate, read afresh each time and never
			// quite the same: it matters only while a kernel boots.
			a = strings.Join(strings.Fields(tscKHz.ReplaceAllString(a, "")), " ")
		}
		fmt.Fprintf(h, "%d\x00%s", len(a), a)
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}
