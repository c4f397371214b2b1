// Package bootdiag explains failed boots: it watches the kernel's console
// output and, when a line shows a known failure, says in plain words what
// went wrong and how to fix it. It also explains silence: a kernel that
// prints nothing at all.
//
// It reads only what the kernel printed before the first program did.
// Until then the kernel is the console's only writer, and its lines carry
// a timestamp (pidone boots with printk.time=1); the first line without
// one is init's, and from there on any program in the guest can print
// anything, "Kernel panic - not syncing" included. So nothing after that
// point is read, and callers learn of a panic, a reboot or a power-off
// from QEMU (host/vm's Ending), never from the console.
package bootdiag

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
)

// Diagnosis is a known failure seen on the console.
type Diagnosis struct {
	Line  string // the console line that showed it ("" for silence)
	Cause string // what went wrong, in one sentence
	Fix   string // what to do about it, in one sentence
	Fatal bool   // the machine cannot go on (a kernel panic follows or happened)
}

func (d *Diagnosis) String() string {
	if d.Line == "" {
		return d.Cause + " " + d.Fix
	}
	return d.Cause + " " + d.Fix + "\n    kernel: " + d.Line
}

type rule struct {
	match      string
	cause, fix string
	fatal      bool
}

// Rules are checked in order; the first failure seen is the one reported,
// since later lines (the panic) are usually its consequences.
var rules = []rule{
	{match: "invoked oom-killer", fatal: true,
		cause: "The guest ran out of memory while unpacking the initramfs.",
		fix:   "Give it more with --mem (MiB), or make the image smaller (a compressed image needs less: --compress gzip)."},
	{match: "Out of memory and no killable processes", fatal: true,
		cause: "The guest ran out of memory while unpacking the initramfs.",
		fix:   "Give it more with --mem (MiB), or make the image smaller (a compressed image needs less: --compress gzip)."},
	{match: "Initramfs unpacking failed: write error", fatal: true,
		cause: "The guest ran out of memory while unpacking the initramfs (the files did not fit in RAM).",
		fix:   "Give it more with --mem (MiB), or make the image smaller."},
	{match: "Initramfs unpacking failed", fatal: true,
		cause: "The initramfs is not a valid cpio archive (corrupt, truncated or in a compression this kernel lacks).",
		fix:   "Rebuild it with pidone build, or pass the right file to --initrd."},
	{match: "check access for rdinit=", fatal: true,
		cause: "The initramfs has no runnable program at the rdinit= path.",
		fix:   "Build the image with pidone build, which installs /init, or fix the rdinit= path in --append."},
	{match: "Failed to execute /init (error -8)", fatal: true,
		cause: "/init is not a program this kernel can run (built for another architecture?).",
		fix:   "Build the guest for the kernel's architecture (pidone build --arch)."},
	{match: "No working init found", fatal: true,
		cause: "The kernel found no init program to run.",
		fix:   "Build the image with pidone build, which installs /init."},
	{match: "VFS: Unable to mount root fs", fatal: true,
		cause: "The kernel had no initramfs to run and no root disk it could mount.",
		fix:   "Pass an initramfs (pidone run builds one) or a root= disk the kernel has drivers for."},
	{match: "Attempted to kill init", fatal: true,
		cause: "PID 1 exited or crashed, which the kernel cannot survive.",
		fix:   "Check the messages above it; an /init of your own must never exit (pidone's init powers off instead)."},
	{match: "version magic", fatal: false,
		cause: "A kernel module was built for another kernel version than the one booted.",
		fix:   "Build the image with this kernel's modules (pidone build --kernel K), or boot the kernel the modules came from."},
	{match: "disagrees about version of symbol",
		cause: "A kernel module was built for another kernel version than the one booted.",
		fix:   "Build the image with this kernel's modules (pidone build --kernel K), or boot the kernel the modules came from."},
	{match: "System is deadlocked on memory", fatal: true,
		cause: "The guest ran out of memory while unpacking the initramfs.",
		fix:   "Give it more with --mem (MiB), or make the image smaller (a compressed image needs less: --compress gzip)."},
	{match: "Out of memory",
		cause: "The guest ran out of memory while booting.",
		fix:   "Give it more with --mem (MiB)."},
	{match: "Kernel panic - not syncing", fatal: true,
		cause: "The kernel panicked.",
		fix:   "See the lines above for why."},
}

// Watcher is an io.Writer that scans console output line by line, up to
// the first line a program printed.
type Watcher struct {
	mu        sync.Mutex
	line      []byte
	found     *Diagnosis
	kernel    bool // any kernel message seen
	userspace bool // a line that is not the kernel's seen: init runs
	bytes     int
	// Initrd is the initramfs the machine was given ("" for none), and
	// Cmdline its kernel command line: a root-mount panic means different
	// things with and without one.
	Initrd, Cmdline string
	Mem             int // guest RAM in MiB, 0 if unknown
	// Noticed, if set, is called once with the first failure seen, fatal
	// or not, as soon as its line has arrived.
	Noticed func(*Diagnosis)
}

// Write scans p. It never fails.
func (w *Watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.bytes += len(p)
	for _, c := range p {
		if w.userspace {
			break
		}
		if c != '\n' {
			if len(w.line) < 4096 {
				w.line = append(w.line, c)
			}
			continue
		}
		had := w.found
		w.check(string(bytes.TrimRight(w.line, "\r")))
		if had == nil && w.found != nil && w.Noticed != nil {
			d := *w.found
			f := w.Noticed
			defer f(&d)
		}
		w.line = w.line[:0]
	}
	w.mu.Unlock()
	return len(p), nil
}

// check looks at one line while only the kernel has written.
func (w *Watcher) check(line string) {
	switch t := strings.TrimSpace(line); {
	case t == "" || strings.HasPrefix(t, "Probing EDD"):
		// The x86 real-mode set-up's line, before the kernel proper.
		return
	case !KernelLine(t):
		w.userspace = true
		return
	}
	w.kernel = true
	if w.found != nil {
		return
	}
	for _, r := range rules {
		if !strings.Contains(line, r.match) {
			continue
		}
		w.found = &Diagnosis{Line: strings.TrimSpace(line), Cause: r.cause, Fix: r.fix, Fatal: r.fatal}
		if r.match == "VFS: Unable to mount root fs" && w.Initrd != "" {
			w.noInit()
		}
		if r.match == "Initramfs unpacking failed" && w.Mem > 0 && w.Mem < 96 {
			// With this little memory the kernel's copy of the
			// image is overwritten before it is unpacked.
			w.found.Cause = fmt.Sprintf("The kernel could not unpack the initramfs, which with only %d MiB of memory is usually too little memory rather than a bad image.", w.Mem)
			w.found.Fix = "Give it more with --mem (MiB); if that does not help, rebuild the image with pidone build."
		}
		return
	}
}

// KernelLine reports whether a console line has the form of the kernel's
// own messages: "[    1.234567] text", as printk.time=1 makes them.
func KernelLine(line string) bool {
	rest, ok := strings.CutPrefix(strings.TrimLeft(line, "\r"), "[")
	if !ok {
		return false
	}
	stamp, _, ok := strings.Cut(rest, "]")
	if !ok {
		return false
	}
	secs, frac, ok := strings.Cut(strings.TrimLeft(stamp, " "), ".")
	return ok && secs != "" && frac != "" && digits(secs) && digits(frac)
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Started reports whether a program in the guest has written to the
// console: from then on the Watcher reads nothing.
func (w *Watcher) Started() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.userspace
}

// Diagnosis returns the first known failure seen, or nil.
func (w *Watcher) Diagnosis() *Diagnosis {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.found
}

// Silent explains a console on which the kernel said nothing: called when
// QEMU has ended (exited is true) or has run for a while without a kernel
// message. mem is the guest RAM in MiB and console the console= device.
// It returns nil if the kernel did speak.
func (w *Watcher) Silent(exited bool, mem int, console string) *Diagnosis {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.kernel || w.userspace || spoke(string(w.line)) {
		return nil
	}
	if exited {
		// The decompressor and early setup print nothing on the serial
		// line; with too little RAM they give up and the machine resets.
		return &Diagnosis{Fatal: true,
			Cause: fmt.Sprintf("The machine reset before the kernel printed anything, which is what too little memory (%d MiB) does.", mem),
			Fix:   "Give it more with --mem (most kernels need 128 MiB or more with pidone's image)."}
	}
	return &Diagnosis{
		Cause: "The kernel has printed nothing on the console yet.",
		Fix:   fmt.Sprintf("Check console= in --append: this machine needs console=%s, and a kernel with its serial driver built in.", console),
	}
}

// spoke reports whether a console line comes from the kernel or what it
// started, rather than from the firmware's real-mode setup, which prints
// "Probing EDD" before the kernel even decompresses.
func spoke(line string) bool {
	line = strings.TrimSpace(line)
	return line != "" && !strings.HasPrefix(line, "Probing EDD")
}

// noInit explains a root-mount panic despite an initramfs: the kernel
// found no init in it (newer kernels no longer say so), so it went
// looking for a root disk.
func (w *Watcher) noInit() {
	path := "/init"
	for _, f := range strings.Fields(w.Cmdline) {
		if p, ok := strings.CutPrefix(f, "rdinit="); ok {
			path = p
		}
	}
	w.found.Cause = fmt.Sprintf("The initramfs has no runnable %s, so the kernel looked for a root disk instead and found none.", path)
	w.found.Fix = "Build the image with pidone build, which installs /init, or fix rdinit= in --append."
	if path != "/init" {
		w.found.Fix = fmt.Sprintf("Fix rdinit=%s in --append (pidone's images run /init), or add that file with --file.", path)
	}
}
