// Package vm starts a QEMU virtual machine for a kernel and initramfs,
// wires its serial console to the caller and ends it: every VM it starts
// is killed by PID when its context ends or Kill is called, so none
// outlives the program or test that started it.
package vm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"pidone.dev/pkg/fserr"
)

// Config says what to boot and how.
type Config struct {
	Kernel string // path to the kernel image (bzImage)
	Initrd string // path to the initramfs
	Append string // extra kernel command line, after pidone's defaults
	Mem    int    // guest RAM in MiB; 0 means 256
	CPUs   int    // virtual CPUs; 0 means 1
	Arch   string // GOARCH of the guest; "" means the host's
	// Machine is QEMU's machine type: MicroVM (the default) or PC.
	Machine string
	// Accel is KVM or TCG ("" means TCG); AccelAuto must have been
	// resolved with ResolveAccel.
	Accel string

	// Verbose keeps all the kernel's boot messages (no loglevel=5).
	Verbose bool

	// NoReboot makes a guest reboot or kernel panic end QEMU instead of
	// restarting the machine: what tests and one-shot runs want.
	NoReboot bool

	Net    *Net    // nil: no network device at all
	Disks  []Disk  // virtio-blk disks: /dev/vda, /dev/vdb, ...
	Shares []Share // host directories over virtio-9p
	NoRNG  bool    // leave out the virtio-rng device
	Ports  []Port  // virtio-serial ports to the guest

	// Log, if set, receives the lines pidone's own helpers that QEMU
	// runs (the guestfwd relay) print on QEMU's stderr, as they come.
	Log io.Writer

	// Incoming, if set, is a snapshot (VM.Snapshot's stream) to restore
	// instead of booting: the machine must be configured as the one
	// saved (same kernel, image, memory and devices).
	Incoming io.Reader

	// Extra QEMU arguments, appended last.
	Extra []string

	runDir string // set by Start: where the VM's sockets go
}

// QEMUNotFoundError is returned when the QEMU binary for the guest
// architecture is not installed.
type QEMUNotFoundError struct{ Binary, Package string }

func (e *QEMUNotFoundError) Error() string {
	return fmt.Sprintf("%s not found: install QEMU (apt-get install %s) or run make, which does", e.Binary, e.Package)
}

// tscKHz is the host's TSC frequency for tsc_early_khz=: on microvm
// under TCG, the kernel sometimes fails to calibrate the TSC and hangs
// before printing anything ("could not calculate TSC khz"); telling it the
// frequency avoids that (0 hangs in 45 boots, against 1 in 5 without).
var tscKHz = sync.OnceValue(func() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "cpu MHz" {
			if mhz, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && mhz > 0 {
				return strconv.Itoa(int(mhz * 1000))
			}
		}
	}
	return ""
})

// Binary returns the QEMU binary name for a GOARCH.
func Binary(goarch string) (string, error) {
	a, err := LookupArch(goarch)
	if err != nil {
		return "", err
	}
	return a.QEMU, nil
}

// Console returns the serial console device of goarch ("ttyS0"; "" for
// an architecture pidone does not boot).
func Console(goarch string) string {
	a, err := LookupArch(goarch)
	if err != nil {
		return ""
	}
	return a.Console
}

// Check reports whether QEMU for goarch is installed, so that callers can
// fail before building anything.
func Check(goarch string) error {
	if err := hostOK(); err != nil {
		return err
	}
	a, err := LookupArch(goarch)
	if err != nil {
		return err
	}
	if _, err := exec.LookPath(a.QEMU); err != nil {
		return &QEMUNotFoundError{a.QEMU, a.Package}
	}
	return nil
}

// Args returns QEMU's command line for c, without the binary.
func (c *Config) Args() ([]string, error) {
	a, err := LookupArch(c.Arch)
	if err != nil {
		return nil, err
	}
	m, err := a.Machine(c.Machine)
	if err != nil {
		return nil, err
	}
	mem, cpus := c.Mem, c.CPUs
	if mem == 0 {
		mem = 256
	}
	if cpus == 0 {
		cpus = 1
	}
	cmdline, err := c.cmdline(a, m)
	if err != nil {
		return nil, err
	}
	aa := accelArgs[c.accel()]
	args := append([]string(nil), m.Args...)
	args = append(args, aa.qemu...)
	cpu := a.TCGCPU
	if c.accel() == KVM {
		cpu = "host"
	}
	args = append(args, "-cpu", cpu,
		"-m", strconv.Itoa(mem),
		"-smp", strconv.Itoa(cpus),
		"-kernel", c.Kernel,
		"-append", cmdline,
		"-display", "none",
		"-vga", "none",
		"-no-user-config",
		"-nodefaults",
		// mon:stdio multiplexes the monitor on the console, so Ctrl-A X
		// quits and Ctrl-A C reaches the monitor, as with -nographic.
		"-serial", "mon:stdio",
		"-rtc", "base=utc",
		// A kernel panic reaches QEMU through this device (the guest's
		// pvpanic driver, which init loads first), and pidone learns of
		// it from QEMU rather than from console text anyone can print.
		"-device", m.Panic,
	)
	devs, err := c.deviceArgs(m)
	if err != nil {
		return nil, err
	}
	args = append(args, devs...)
	args = append(args, c.portArgs(m)...)
	if c.Initrd != "" {
		args = append(args, "-initrd", c.Initrd)
	}
	if c.NoReboot {
		args = append(args, "-no-reboot")
	}
	return append(args, c.Extra...), nil
}

// Cmdline returns the kernel command line c boots with: the console,
// the architecture's and the machine's options, then Append. A browser's
// emulator (host/web) boots with it too, so that its guest is told what
// QEMU's is.
func (c *Config) Cmdline() (string, error) {
	a, err := LookupArch(c.Arch)
	if err != nil {
		return "", err
	}
	m, err := a.Machine(c.Machine)
	if err != nil {
		return "", err
	}
	return c.cmdline(a, m)
}

func (c *Config) accel() string {
	if c.Accel == "" {
		return TCG
	}
	return c.Accel
}

func (c *Config) cmdline(a *Arch, m *Machine) (string, error) {
	var cmdline []string
	// A console= of the caller's replaces pidone's: the last console=
	// is /dev/console, and people who name one mean that one.
	if !hasWord(c.Append, "console=") {
		cmdline = append(cmdline, "console="+a.Console)
	}
	if !c.Verbose {
		// Warnings and worse only: few enough not to slow a boot under
		// TCG, and enough to explain a failed one ("check access for
		// rdinit=", the OOM killer) where "quiet" would hide them.
		cmdline = append(cmdline, "loglevel=5")
	}
	if c.NoReboot {
		cmdline = append(cmdline, "panic=-1")
	}
	aa, ok := accelArgs[c.accel()]
	if !ok {
		return "", fmt.Errorf("accelerator %q: use kvm or tcg (resolve auto first)", c.Accel)
	}
	cmdline = appendOptions(cmdline, c.Append, a.Cmdline...)
	if c.accel() == TCG {
		cmdline = appendOptions(cmdline, c.Append, a.TCGCmdline...)
	}
	if m.TSCKHz && aa.tscKHz && tscKHz() != "" && !hasWord(c.Append, "tsc_early_khz=") {
		cmdline = append(cmdline, "tsc_early_khz="+tscKHz())
	}
	cmdline = appendOptions(cmdline, c.Append, m.Cmdline...)
	// Timestamps tell the kernel's lines from a program's until init has
	// started (host/bootdiag).
	cmdline = appendOptions(cmdline, c.Append, "printk.time=1")
	if c.Append != "" {
		cmdline = append(cmdline, c.Append)
	}
	return strings.Join(cmdline, " "), nil
}

// appendOptions appends each kernel option of opts to cmdline unless the
// caller's own command line sets it ("tsc=reliable" gives way to any
// "tsc=").
func appendOptions(cmdline []string, caller string, opts ...string) []string {
	for _, o := range opts {
		key, _, hasValue := strings.Cut(o, "=")
		if hasValue {
			key += "="
		}
		if !hasWord(caller, key) {
			cmdline = append(cmdline, o)
		}
	}
	return cmdline
}

// VM is a running QEMU process. Its console is the guest's serial line:
// write to it to type, read from it to see the output.
type VM struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	done   chan struct{}
	once   sync.Once
	dir    string // the VM's sockets; removed when QEMU has exited
	ports  []Port
	qmp    *qmp
	// restored is closed when a restored guest runs.
	restored chan struct{}

	mu       sync.Mutex
	waitErr  error
	stderr   stderrLog
	killed   bool   // ended by Kill
	shutdown string // QMP SHUTDOWN reason for a guest-initiated one
	panicked bool   // QMP GUEST_PANICKED
	feedErr  error  // reading the snapshot to restore failed
}

// Start boots c. The VM is killed when ctx is done.
func Start(ctx context.Context, c *Config) (*VM, error) {
	if err := hostOK(); err != nil {
		return nil, err
	}
	if _, err := c.Args(); err != nil { // every mistake before any file is made
		return nil, err
	}
	a, _ := LookupArch(c.Arch)
	if err := checkKernel(c.Kernel, a.GOARCH); err != nil {
		return nil, err
	}
	if c.Initrd != "" {
		if err := checkReadable("initrd", c.Initrd); err != nil {
			return nil, err
		}
	}
	bin, err := exec.LookPath(a.QEMU)
	if err != nil {
		return nil, &QEMUNotFoundError{a.QEMU, a.Package}
	}
	dir, err := runDir()
	if err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if !started {
			os.RemoveAll(dir)
		}
	}()
	// The VM's sockets live in its own directory: the QMP monitor, the
	// ports that name none, and the relays' connection slots.
	cfg := *c
	cfg.Ports = append([]Port(nil), c.Ports...)
	for i := range cfg.Ports {
		if cfg.Ports[i].Socket == "" {
			cfg.Ports[i].Socket = filepath.Join(dir, fmt.Sprintf("port%d", i))
		}
	}
	cfg.runDir = dir
	args, err := cfg.Args()
	if err != nil {
		return nil, err
	}
	qmpSocket := filepath.Join(dir, "qmp")
	args = append(args, qmpArgs(qmpSocket)...)
	var feed func() error
	var extra []*os.File
	if c.Incoming != nil {
		var qemuEnd *os.File
		qemuEnd, feed, err = incoming(c.Incoming)
		if err != nil {
			return nil, err
		}
		defer qemuEnd.Close()
		extra = append(extra, qemuEnd) // fd 3
		args = append(args, "-incoming", "fd:3")
	}
	cmd := exec.Command(bin, args...)
	// QEMU's temporary files (the overlays of Scratch disks) go in the
	// VM's directory, which goes with the VM however QEMU ends.
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	cmd.ExtraFiles = extra
	v := &VM{cmd: cmd, done: make(chan struct{}), dir: dir, ports: cfg.Ports,
		qmp: &qmp{ready: make(chan struct{}), replies: make(chan qmpMessage, 1)}, restored: make(chan struct{})}
	v.stderr.log = c.Log
	cmd.Stderr = &lockedWriter{mu: &v.mu, w: &v.stderr}
	cmd.SysProcAttr = procAttr()
	if v.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if v.stdout, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	// Pdeathsig is tied to the thread that forked; keep it from exiting.
	runtime.LockOSThread()
	err = cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", a.QEMU, err)
	}
	started = true
	if feed != nil {
		go func() {
			if err := feed(); err != nil {
				// QEMU sees a cut stream and fails; say why.
				v.mu.Lock()
				v.feedErr = err
				v.mu.Unlock()
			}
		}()
		go v.resume(ctx)
	}
	go func() {
		err := cmd.Wait()
		v.mu.Lock()
		v.waitErr = err
		v.mu.Unlock()
		os.RemoveAll(dir)
		close(v.done)
	}()
	go v.watchQMP(qmpSocket)
	go func() {
		select {
		case <-ctx.Done():
			v.Kill()
		case <-v.done:
		}
	}()
	return v, nil
}

func checkReadable(what, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, path, fserr.Reason(err))
	}
	return f.Close()
}

// stderrLog keeps the start of QEMU's stderr, which holds its error, and
// passes pidone's own lines (from the relays QEMU runs) to log.
type stderrLog struct {
	buf  []byte
	line []byte
	log  io.Writer
}

// maxStderr bounds what is kept of QEMU's stderr: its error comes first,
// and a guest that makes QEMU warn in a loop must not grow pidone.
const maxStderr = 64 << 10

func (s *stderrLog) Write(p []byte) (int, error) {
	if n := maxStderr - len(s.buf); n > 0 {
		s.buf = append(s.buf, p[:min(n, len(p))]...)
	}
	if s.log == nil {
		return len(p), nil
	}
	for _, c := range p {
		if c != '\n' {
			if len(s.line) < 1024 {
				s.line = append(s.line, c)
			}
			continue
		}
		if bytes.HasPrefix(s.line, []byte("pidone: ")) {
			s.log.Write(append(s.line, '\n'))
		}
		s.line = s.line[:0]
	}
	return len(p), nil
}

func (s *stderrLog) String() string { return string(s.buf) }

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Console returns the guest's serial console.
func (v *VM) Console() io.ReadWriter {
	return struct {
		io.Reader
		io.Writer
	}{v.stdout, v.stdin}
}

// PID returns QEMU's process ID.
func (v *VM) PID() int { return v.cmd.Process.Pid }

// Done is closed when QEMU has exited.
func (v *VM) Done() <-chan struct{} { return v.done }

// Wait waits for QEMU to exit. It returns an error only when QEMU itself
// failed (Ending is Failed), saying QEMU's own message first; how the
// guest ended is Ending's to tell.
func (v *VM) Wait() error {
	<-v.done
	if v.Ending() != Failed {
		return nil
	}
	v.mu.Lock()
	werr := v.waitErr
	v.mu.Unlock()
	if msg := strings.TrimSpace(v.Stderr()); msg != "" {
		return &QEMUError{Msg: firstLine(msg), Err: werr}
	}
	return &QEMUError{Err: werr}
}

// QEMUError is QEMU exiting with an error of its own.
type QEMUError struct {
	Msg string // QEMU's first error line, "" if it printed none
	Err error  // its exit status
}

func (e *QEMUError) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("QEMU failed: %v", e.Err)
	}
	return fmt.Sprintf("QEMU failed: %s (%v)", e.Msg, e.Err)
}

func (e *QEMUError) Unwrap() error { return e.Err }

// Ending says how the VM ended; Running until QEMU has exited.
func (v *VM) Ending() Ending {
	select {
	case <-v.done:
		return v.ending()
	default:
		return Running
	}
}

// Stderr returns what QEMU itself printed (its errors and warnings), at
// most its first 64 KiB.
func (v *VM) Stderr() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.stderr.String()
}

// Kill ends QEMU at once by its PID and waits for it to be gone.
func (v *VM) Kill() {
	v.once.Do(func() {
		select {
		case <-v.done:
			return
		default:
		}
		v.mu.Lock()
		v.killed = true
		v.mu.Unlock()
		_ = v.cmd.Process.Kill()
	})
	select {
	case <-v.done:
	case <-time.After(10 * time.Second):
	}
}

// firstLine is QEMU's first error line, without its program name and
// without its warnings and notes ("info: QEMU waiting for connection").
func firstLine(s string) string {
	lines := strings.Split(s, "\n")
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.Contains(l, ": info: ") || strings.Contains(l, "warning: ") {
			continue
		}
		if i := strings.Index(l, ": "); i > 0 && strings.HasPrefix(l, "qemu-system-") {
			l = l[i+2:]
		}
		if l != "" {
			return l
		}
	}
	return strings.TrimSpace(lines[0])
}

// hasWord reports whether the command line has a word starting with prefix.
func hasWord(cmdline, prefix string) bool {
	for _, w := range strings.Fields(cmdline) {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}
