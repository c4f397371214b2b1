package initd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/switchroot"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/runproto"
)

// rootWait bounds the wait for root='s device: its driver loads at boot.
const rootWait = 10 * time.Second

// newRoot is where the root disk is mounted before the switch.
const newRoot = "/newroot"

// switchRoot does what an initramfs is for when root= is on the command
// line: find the disk (waiting for its driver), mount it, and switch into
// it (package switchroot). It reports whether it did; when it could not,
// it says why (in.rootErr) and the boot goes on in the initramfs, with a
// shell to look around, or, for a host's command, the run fails.
func (in *initd) switchRoot() bool {
	spec := in.opts.Root
	fail := func(format string, args ...any) bool {
		in.rootErr = fmt.Sprintf("root=%s: ", spec) + fmt.Sprintf(format, args...)
		in.logf("%s; staying in the initramfs", in.rootErr)
		return false
	}
	dev, info, err := findDevice(spec, rootWait)
	if err != nil {
		return fail("%v; block devices: %s", err, blockDevices())
	}
	if err := os.MkdirAll(newRoot, 0o755); err != nil {
		return fail("%v", err)
	}
	flags := uintptr(unix.MS_RELATIME)
	if in.opts.RootReadOnly {
		flags |= unix.MS_RDONLY
	}
	fstype := info.Type
	if fstype == "ext2" || fstype == "ext3" {
		fstype = "ext4" // whose driver mounts both
	}
	if err := mountFS(dev, newRoot, fstype, flags, ""); err != nil {
		return fail("%v", mountError(err, dev, fstype))
	}
	if err := switchroot.Switch(newRoot); err != nil {
		unix.Unmount(newRoot, unix.MNT_DETACH)
		return fail("%v", err)
	}
	in.debugf("switched into %s (%s, label %q)", dev, fstype, info.Label)
	return true
}

// blockDevices names the block devices the kernel has, for a message.
func blockDevices() string {
	entries, _ := os.ReadDir("/sys/class/block")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, " ")
}

// rootInits are what the kernel tries when init= names nothing.
var rootInits = []string{"/sbin/init", "/etc/init", "/bin/init", "/bin/sh"}

// afterSwitch starts what runs in the switched root. init= runs in
// pidone's place; else a root made from a container image
// (bootopts.EntrypointFile) runs its entrypoint on the console, with
// pidone's init staying PID 1 to supervise it and power off cleanly when
// it ends; else the root's own init runs, found as the kernel finds it.
// It returns the entrypoint's service, or nil when nothing is left for
// pidone's init to do but the host's command (run mode).
func (in *initd) afterSwitch(tty string) *service {
	if in.opts.Exec {
		return nil // the host's command runs in the new root
	}
	if p := in.opts.RootInit; p != "" {
		in.execRootInit([]string{p})
	}
	if req, err := readEntrypoint(); err == nil {
		env := append(os.Environ(), req.Env...)
		return &service{
			name: "entrypoint", argv: req.Argv, tty: tty, once: true,
			env: req.Env, dir: req.Dir, path: lookPath(req.Argv[0], env),
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		in.logf("%s: %v", bootopts.EntrypointFile, err)
	}
	in.execRootInit(rootInits)
	in.logf("no init in the root disk (tried %s); powering off", strings.Join(rootInits, ", "))
	return nil
}

// execRootInit execs the first of paths that runs, as the kernel would.
func (in *initd) execRootInit(paths []string) {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		err := syscall.Exec(p, []string{p}, os.Environ())
		in.logf("init %s: %v", p, err)
	}
}

// readEntrypoint reads what a root made from a container image runs.
func readEntrypoint() (*runproto.Request, error) {
	f, err := os.Open(bootopts.EntrypointFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var req runproto.Request
	if err := runproto.NewReader(f).Read(&req); err != nil {
		return nil, err
	}
	if len(req.Argv) == 0 {
		return nil, fmt.Errorf("no command in it")
	}
	return &req, nil
}

// entrypointDir makes the entrypoint's working directory if the image
// names one it does not have, as container runtimes do.
func entrypointDir(dir string) {
	if dir != "" {
		os.MkdirAll(filepath.Clean(dir), 0o755)
	}
}
