// Package bootdiag explains failed boots: it watches the kernel's console
// output and, when a line shows a known failure, says in plain words what
// went wrong and how to fix it.
package bootdiag

import (
	"bytes"
	"strings"
	"sync"
)

// Diagnosis is a known failure seen on the console.
type Diagnosis struct {
	Line  string // the console line that showed it
	Cause string // what went wrong, in one sentence
	Fix   string // what to do about it, in one sentence
	Fatal bool   // the machine cannot go on (a kernel panic follows or happened)
}

func (d *Diagnosis) String() string {
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
	{"Initramfs unpacking failed", "The initramfs is not a valid cpio archive (corrupt, truncated or in a compression this kernel lacks).",
		"Rebuild it with pidone build, or pass the right file to --initrd.", true},
	{"check access for rdinit=", "The initramfs has no runnable /init.",
		"Build the image with pidone build, which installs /init, or fix the rdinit= path.", true},
	{"No working init found", "The kernel found no init program to run.",
		"Build the image with pidone build, which installs /init.", true},
	{"VFS: Unable to mount root fs", "The kernel had no initramfs to run and no root disk it could mount.",
		"Pass an initramfs (pidone run builds one) or a root= disk the kernel has drivers for.", true},
	{"Attempted to kill init", "PID 1 exited or crashed, which the kernel cannot survive.",
		"Check the messages above it; an /init of your own must never exit (pidone's init powers off instead).", true},
	{"Out of memory", "The guest ran out of memory.",
		"Give it more with --mem (MiB).", false},
	{"initramfs: Unable to allocate", "The guest has too little memory to unpack the initramfs.",
		"Give it more with --mem (MiB), or make the image smaller.", true},
	{"disagrees about version of symbol", "A kernel module was built for another kernel version.",
		"Rebuild the image against this kernel's modules (pidone build --kernel).", false},
	{"Kernel panic - not syncing", "The kernel panicked.",
		"See the lines above for why.", true},
}

// Watcher is an io.Writer that scans console output line by line.
type Watcher struct {
	mu    sync.Mutex
	line  []byte
	found *Diagnosis
	panic bool
	// Panicked, if set, is called once when a kernel panic is seen.
	Panicked func()
}

// Write scans p. It never fails.
func (w *Watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	var notify func()
	for _, c := range p {
		if c != '\n' {
			if len(w.line) < 4096 {
				w.line = append(w.line, c)
			}
			continue
		}
		if w.check(string(bytes.TrimRight(w.line, "\r"))) {
			notify = w.Panicked
		}
		w.line = w.line[:0]
	}
	w.mu.Unlock()
	if notify != nil {
		notify()
	}
	return len(p), nil
}

// check looks at one line and reports whether it is the first panic line.
func (w *Watcher) check(line string) bool {
	for _, r := range rules {
		if strings.Contains(line, r.match) {
			if w.found == nil {
				w.found = &Diagnosis{Line: strings.TrimSpace(line), Cause: r.cause, Fix: r.fix, Fatal: r.fatal}
			}
			break
		}
	}
	if !w.panic && strings.Contains(line, "Kernel panic - not syncing") {
		w.panic = true
		return true
	}
	return false
}

// Diagnosis returns the first known failure seen, or nil.
func (w *Watcher) Diagnosis() *Diagnosis {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.found
}

// Panicked reports whether the kernel panicked.
func (w *Watcher) KernelPanicked() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.panic
}
