package initd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/modprobe"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/kmod"
)

// startModules starts loading the kernel modules the devices need
// (pidone.modules): "auto" (the default) loads the driver of every device
// that has none, "none" nothing, and a list of names those modules, with
// "auto" allowed among them (the devices' drivers come first). An image without modules has nothing to
// load, and that is no reason to say anything.
//
// It loads in the background, at a low priority, so that the shell's
// prompt does not wait for drivers it does not need: a coldplug takes a
// few hundred milliseconds under TCG, mostly in virtio_pci's set-up.
// What needs devices (the data disk, shares, a command from the host, the
// network card) waits for it with waitModules.
func (in *initd) startModules(afterPrompt bool) {
	done := make(chan struct{})
	in.modulesDone = done
	go func() {
		if afterPrompt {
			// Loading drivers wakes kernel threads (the hwrng filler,
			// device probes) that the scheduler does not know are less
			// urgent than the prompt: let the shell draw it first, but
			// never hold the drivers back long.
			if waitFile(bootopts.PromptFile, time.Second) {
				b, _ := os.ReadFile(bootopts.PromptFile)
				in.debugf("shell: first prompt at %ss since kernel start", strings.TrimSpace(string(b)))
			}
		}
		defer close(done)
		// For settle (and udevadm settle's users): the boot's drivers
		// are in.
		defer func() {
			os.MkdirAll(filepath.Dir(bootopts.SettledFile), 0o755)
			os.WriteFile(bootopts.SettledFile, nil, 0o644)
		}()
		defer func() {
			// A panic here must not take PID 1 down with it.
			if r := recover(); r != nil {
				in.logf("modules: panic: %v", r)
			}
		}()
		// This thread only, and it ends with the goroutine: a locked
		// thread is not reused.
		runtime.LockOSThread()
		unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 10)
		in.loadModulesNow()
	}()
}

// linkModprobe makes /sbin/modprobe, which the kernel runs to load a
// module on demand (mount -t 9p asks for fs-9p), once init is running.
// Images have none at boot (bootopts.ModprobeLink): the kernel runs it
// for every module it asks for while it boots (crypto algorithms,
// protocols: none of them in our images), and a Go program started for
// each made every boot 0.3 s slower under TCG.
//
// It also makes the device nodes of the image's modules that declare
// one (/dev/net/tun, /dev/fuse, /dev/loop-control), without loading
// them, as kmod's static-nodes does for udev: opening one makes the
// kernel ask /sbin/modprobe for its module.
func linkModprobe() error {
	if _, err := os.Lstat(bootopts.ModprobeLink); err != nil {
		return nil // no modules in this image
	}
	var errs []error
	if _, err := os.Lstat("/sbin/modprobe"); err != nil { // else the image's own
		os.MkdirAll("/sbin", 0o755)
		if err := os.Symlink(bootopts.ModprobeLink, "/sbin/modprobe"); err != nil {
			errs = append(errs, fmt.Errorf("modules: on-demand loading: %w", err))
		}
	}
	if _, err := modprobe.StaticNodes("/", ""); err != nil {
		errs = append(errs, fmt.Errorf("modules: %w", err))
	}
	return errors.Join(errs...)
}

// waitFile waits until path exists, at most d, and reports whether it does.
func waitFile(path string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// waitModules waits for startModules to finish. A module's init can block
// in the kernel (one waiting for firmware waits a minute): past
// modulesLimit the boot goes on and the loading finishes behind it.
func (in *initd) waitModules() {
	if in.modulesDone == nil {
		return
	}
	select {
	case <-in.modulesDone:
	case <-time.After(modulesLimit):
		in.logf("modules: still loading after %s; booting on without waiting", modulesLimit)
	}
}

// modulesLimit bounds how long the boot waits for modules to load.
const modulesLimit = 15 * time.Second

func (in *initd) loadModulesNow() {
	mode := strings.TrimSpace(in.opts.Modules)
	if mode == "" {
		mode = "auto"
	}
	if mode == "none" {
		return
	}
	start := time.Now()
	var names []string
	auto := false
	for _, w := range strings.Split(mode, ",") {
		switch w = strings.TrimSpace(w); w {
		case "auto":
			auto = true
		case "", "none":
		default:
			names = append(names, w)
		}
	}
	sys, err := modprobe.Open("/", "")
	if err != nil {
		if other := otherKernels(); errors.Is(err, modprobe.ErrNoModules) && len(other) > 0 {
			// The image was built for another kernel: none of its
			// drivers can load, and devices will be missing.
			var u unix.Utsname
			unix.Uname(&u)
			in.logf("modules: the image has modules for kernel %s, but this is %s; build the image for the kernel you boot (pidone build --kernel)",
				strings.Join(other, ", "), unix.ByteSliceToString(u.Release[:]))
			return
		}
		if errors.Is(err, modprobe.ErrNoModules) && len(names) == 0 {
			in.debugf("modules: %v", err)
			return
		}
		in.logf("pidone.modules=%s: %v; add modules with pidone build --modules", mode, err)
		return
	}
	if len(sys.Index.Modules) == 0 {
		// An image built with --modules none: nothing to load, but with
		// pidone.debug, init says what the devices lack.
		if in.opts.Debug {
			in.reportMissing(sys)
		}
		if len(names) == 0 {
			return
		}
	}
	var loaded []string
	if auto {
		loaded = append(loaded, in.coldplug(sys)...)
	}
	// Then the modules asked for by name (pidone run --modules
	// auto,NAME), after the devices' drivers so that those are not
	// later for them. What fails without failing the load (a soft
	// dependency, one module of an alias) is for pidone.debug.
	for _, n := range names {
		got, err := sys.Load(n, modprobe.Options{Note: func(format string, args ...any) {
			in.debugf("modules: "+format, args...)
		}})
		loaded = append(loaded, got...)
		var builtin *modprobe.BuiltinError
		switch {
		case errors.As(err, &builtin):
			in.debugf("modules: %v", err)
		case err != nil:
			in.logf("%v", err)
		}
	}
	if len(loaded) > 0 {
		in.debugf("modules: loaded %s in %s", strings.Join(loaded, " "), since(start))
	}
}

// coldplug loads the drivers of the devices that are there at boot and
// have none, as udev does with the kernel's "add" events. Loading a bus
// driver (virtio_pci) makes new devices appear (a virtio NIC, disk, RNG)
// that need drivers of their own, so it goes in passes until one loads
// nothing. It returns what it loaded.
func (in *initd) coldplug(sys *modprobe.System) []string {
	have, _ := sys.Loaded()
	tried := map[string]bool{}
	var loaded []string
	scan := &modprobe.Scanner{Root: "/"}
	for pass := 0; pass < 8; pass++ {
		var want []string
		var waiting []modprobe.Device
		// Each pass looks only at devices that are new since the last:
		// the others' modules have been tried.
		for _, d := range scan.Scan() {
			for _, m := range sys.Index.Lookup(d.Modalias) {
				if _, ok := have[m]; ok || tried[m] {
					continue
				}
				tried[m] = true
				want = append(want, m)
				waiting = append(waiting, d)
			}
		}
		if len(want) == 0 {
			break
		}
		for _, m := range want {
			got, err := sys.Load(m, modprobe.Options{})
			loaded = append(loaded, got...)
			if err != nil {
				in.logf("%v", err)
			}
		}
		have, _ = sys.Loaded()
		waitBound(waiting, 200*time.Millisecond)
	}
	if in.opts.Debug {
		in.reportMissing(sys)
	}
	return loaded
}

// waitBound waits until every device has a driver, at most limit. Most
// drivers probe while their module loads, so this returns at once; a
// driver that probes asynchronously gets a moment, so that the devices it
// adds are seen by the next pass. A device that no driver takes only
// costs the limit, once.
func waitBound(devs []modprobe.Device, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for _, d := range devs {
		link := filepath.Join("/sys/bus", d.Bus, "devices", d.Name, "driver")
		for {
			if _, err := os.Lstat(link); err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// reportMissing says which devices are left without a driver because the
// image lacks its module.
func (in *initd) reportMissing(sys *modprobe.System) {
	for _, d := range modprobe.Devices("/") {
		if d.Bound {
			continue
		}
		if mods := kmod.LookupIn(sys.Absent, d.Modalias); len(mods) > 0 {
			in.logf("no module for device %s (%s): %s is not in the image; add it with pidone build --modules", d.Name, d.Modalias, strings.Join(mods, ", "))
		}
	}
}

// otherKernels lists the kernel versions the image has modules for.
func otherKernels() []string {
	entries, _ := os.ReadDir("/lib/modules")
	var vs []string
	for _, e := range entries {
		if e.IsDir() {
			vs = append(vs, e.Name())
		}
	}
	return vs
}

// loadFilesystem loads the module of the filesystem fstype (its fs-TYPE
// alias, which every filesystem module has) for a mount that the kernel
// refused with ENODEV. It reports whether a module loaded; when the image
// has the module and it does not load, the error says why, so that the
// mount is not reported as a kernel without the filesystem.
func loadFilesystem(fstype string) (bool, error) {
	sys, err := modprobe.Open("/", "")
	if err != nil {
		return false, nil // no modules in the image
	}
	_, err = sys.Load("fs-"+fstype, modprobe.Options{})
	var nf *modprobe.NotFoundError
	var builtin *modprobe.BuiltinError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &nf), errors.As(err, &builtin):
		return false, nil
	}
	return false, &fsModuleError{fstype: fstype, err: err}
}

// fsModuleError is a filesystem whose module is in the image but did not
// load.
type fsModuleError struct {
	fstype string
	err    error
}

func (e *fsModuleError) Error() string {
	return fmt.Sprintf("the image has the %s module, but it did not load: %v", e.fstype, e.err)
}

func (e *fsModuleError) Unwrap() error { return e.err }
