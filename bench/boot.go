package main

// Boots: to the prompt, to power-off, memory in use at the prompt, and
// the bisection of the least RAM that gives a working prompt. Every QEMU
// is started through host/system, as pidone run starts it, and killed by
// its PID (deferred) whatever happens.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/expect"
	"pidone.dev/vmtest"
)

// pidonePrompt is pidone's shell prompt, pidone:/# , as the tests see it.
var pidonePrompt = vmtest.Prompt

// target is one thing being booted: a system on a kernel and an
// architecture.
type target struct {
	name      string
	kernel    string           // kernel image; "" is the bencher's
	arch      string           // GOARCH; "" is the host's
	accel     string           // vm.KVM or vm.TCG, resolved once (resolveAccel); "" is the bencher's
	runs      int              // the first rounds it takes part in; 0 is every one
	initrd    string           // image that boots to a prompt; "" if none
	offInitrd string           // image that powers off at once; "" if none
	off       bootopts.Options // init options that make it power off
	runInitrd string           // pidone's image for pidone run -- CMD; "" if not measured
	prompt    *regexp.Regexp   // its shell prompt
	meminfo   bool             // read memory in use at the prompt
	err       error            // why it cannot be booted at all
}

// in reports whether t takes part in round i (from 1).
func (t *target) in(i int) bool { return t.runs == 0 || i <= t.runs }

// bencher boots systems on one kernel with one set of QEMU flags; a
// target may name a kernel and an architecture of its own.
type bencher struct {
	kernel  string
	accel   string // vm.KVM or vm.TCG, resolved once for kernel
	mem     int
	timeout time.Duration
	verbose bool
}

// config is the same for every target: only the initrd and the target's
// own init options differ.
func (b *bencher) config(initrd string, boot bootopts.Options, mem int) *system.System {
	return &system.System{Kernel: b.kernel, Accel: b.accel, Initrd: initrd, Boot: boot, Mem: mem, NoReboot: true}
}

// system is config for t: its kernel, architecture and accelerator.
func (b *bencher) system(t *target, initrd string, boot bootopts.Options, mem int) *system.System {
	s := b.config(initrd, boot, mem)
	if t.kernel != "" {
		s.Kernel = t.kernel
	}
	if t.accel != "" {
		s.Accel = t.accel
	}
	s.Arch = t.arch
	return s
}

// resolveAccel finds the accelerator t's boots get (KVM when the probe
// says it runs guests here, else TCG: see host/vm), as pidone run would
// choose it, and pins it on t so that every boot of t uses that one and
// its figures can say which. It returns the VM's QEMU arguments.
func (b *bencher) resolveAccel(ctx context.Context, t *target) ([]string, error) {
	initrd := t.initrd
	if initrd == "" {
		initrd = t.offInitrd
	}
	s := b.system(t, initrd, bootopts.Options{}, b.mem)
	s.Accel = vm.AccelAuto
	cfg, err := s.Config(ctx)
	if err != nil {
		return nil, err
	}
	t.accel = cfg.Accel
	return cfg.Args()
}

// start boots s and attaches a console reader. The caller must Kill the
// VM.
func (b *bencher) start(ctx context.Context, s *system.System) (*vm.VM, *expect.Console, error) {
	m, err := s.Start(ctx)
	if err != nil {
		return nil, nil, err
	}
	var log io.Writer
	if b.verbose {
		log = os.Stderr
	}
	return m.VM, expect.New(m.Console, m.Console, log), nil
}

// enter is the key a terminal sends for Return; both line editors take it.
const enter = "\r"

// checkCmd must print ok-42 on a working shell; the typed line itself
// does not contain that text.
const checkCmd = "echo ok-$((6*7))"

// memCmd prints MemTotal and MemAvailable with shell built-ins only, so
// that neither system starts a process (and pays for it) to measure.
const memCmd = `while read -r k v u; do case $k in Mem*) echo "mi $k $v";; esac; done </proc/meminfo`

var (
	memTotalRe = regexp.MustCompile(`mi MemTotal: (\d+)\n`)
	memAvailRe = regexp.MustCompile(`mi MemAvailable: (\d+)\n`)
)

// retypeAfter is how long the check may take before it is typed again.
const retypeAfter = 5 * time.Second

// promptResult is what one boot to the prompt found.
type promptResult struct {
	elapsed time.Duration // from starting QEMU to the prompt
	usedKiB int64         // MemTotal - MemAvailable, if asked for
	retyped bool          // the check had to be typed twice
}

// bootPrompt boots s with mem MiB, waits for its prompt, checks that the
// shell runs a command and, if meminfo is set, reads /proc/meminfo.
func (b *bencher) bootPrompt(ctx context.Context, s *target, mem int, meminfo bool) (promptResult, error) {
	var r promptResult
	t0 := time.Now()
	v, c, err := b.start(ctx, b.system(s, s.initrd, bootopts.Options{}, mem))
	if err != nil {
		return r, err
	}
	defer v.Kill()
	if _, err := c.ExpectRegexp(s.prompt, b.timeout); err != nil {
		return r, bootError("no prompt", err, c)
	}
	r.elapsed = time.Since(t0)
	if err := c.Send(checkCmd + enter); err != nil {
		return r, err
	}
	// gosh has been seen to drop a line typed right after its first
	// prompt (1 boot in 10): as a person would, type it again. If the
	// first one was only slow, both print ok-42, which does no harm.
	if _, err := c.Expect("ok-42", retypeAfter); err != nil {
		if c.Closed() {
			return r, bootError("the shell did not run "+checkCmd, err, c)
		}
		r.retyped = true
		if err := c.Send(checkCmd + enter); err != nil {
			return r, err
		}
		if _, err := c.Expect("ok-42", b.timeout); err != nil {
			return r, bootError("the shell did not run "+checkCmd+", typed twice", err, c)
		}
	}
	if !meminfo {
		return r, nil
	}
	if err := c.Send(memCmd + enter); err != nil {
		return r, err
	}
	total, err := c.ExpectRegexp(memTotalRe, b.timeout)
	if err != nil {
		return r, bootError("reading /proc/meminfo", err, c)
	}
	avail, err := c.ExpectRegexp(memAvailRe, b.timeout)
	if err != nil {
		return r, bootError("reading /proc/meminfo", err, c)
	}
	t, _ := strconv.ParseInt(total[1], 10, 64)
	a, _ := strconv.ParseInt(avail[1], 10, 64)
	r.usedKiB = t - a
	return r, nil
}

// bootOff boots s's power-off image and returns the time until QEMU has
// exited after the guest powered off.
func (b *bencher) bootOff(ctx context.Context, s *target) (time.Duration, error) {
	t0 := time.Now()
	v, c, err := b.start(ctx, b.system(s, s.offInitrd, s.off, b.mem))
	if err != nil {
		return 0, err
	}
	defer v.Kill()
	select {
	case <-v.Done():
	case <-time.After(b.timeout):
		return 0, bootError("no power-off", fmt.Errorf("QEMU still running after %v", b.timeout), c)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	elapsed := time.Since(t0)
	if err := v.Wait(); err != nil {
		return 0, err
	}
	// -no-reboot makes a reboot or a panic end QEMU with status 0 too:
	// only the kernel's own "reboot: Power down" proves a power-off.
	if _, err := c.Expect("Power down", 5*time.Second); err != nil {
		return 0, bootError("QEMU exited without a power-off", err, c)
	}
	return elapsed, nil
}

var panicRe = regexp.MustCompile(`Kernel panic - not syncing: ([^\n]*)`)

// bootError says what went wrong: the kernel's panic message if it
// panicked, else the last console line.
func bootError(what string, err error, c *expect.Console) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	out := strings.TrimSpace(c.Output())
	if i := strings.LastIndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	if len(out) > 160 {
		out = out[len(out)-160:]
	}
	reason := err.Error()
	if strings.Contains(reason, "timed out") {
		reason = "timed out"
	} else if strings.Contains(reason, expect.ErrClosed.Error()) {
		reason = "QEMU exited"
	}
	if m := panicRe.FindStringSubmatch(c.Output()); m != nil {
		reason += ", kernel panic: " + strings.TrimSpace(m[1])
		out = ""
	}
	if out == "" {
		return fmt.Errorf("%s (%s)", what, reason)
	}
	return fmt.Errorf("%s (%s); last console line: %q", what, reason, out)
}

// bootSamples are what the boots found, by target name.
type bootSamples struct {
	prompt, off, used map[string]*samples
	retyped           map[string]int // boots whose check had to be typed twice
	rounds            map[string]int // boots to the prompt tried
}

// boots runs n rounds of: every system to its prompt, then every system
// to power-off (each system in the rounds it takes part in).
func (b *bencher) boots(ctx context.Context, systems []*target, n int) (*bootSamples, error) {
	bs := &bootSamples{prompt: map[string]*samples{}, off: map[string]*samples{}, used: map[string]*samples{}, retyped: map[string]int{}, rounds: map[string]int{}}
	for _, s := range systems {
		if s.initrd != "" || (s.err != nil && s.prompt != nil) {
			bs.prompt[s.name] = &samples{}
			if s.meminfo {
				bs.used[s.name] = &samples{}
			}
		}
		if s.offInitrd != "" || s.err != nil {
			bs.off[s.name] = &samples{}
		}
	}
	for i := 1; i <= n; i++ {
		for _, s := range systems {
			if bs.prompt[s.name] == nil || !s.in(i) {
				continue
			}
			bs.rounds[s.name]++
			if s.err != nil {
				bs.prompt[s.name].add(0, s.err)
				bs.used[s.name].add(0, s.err)
				continue
			}
			r, err := b.bootPrompt(ctx, s, b.mem, s.meminfo)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			what := s.name + " boot"
			if r.retyped {
				bs.retyped[s.name]++
				what += " (check typed twice)"
			}
			report(what, i, s.runsOf(n), r.elapsed, err)
			bs.prompt[s.name].add(r.elapsed.Seconds(), err)
			bs.used[s.name].add(float64(r.usedKiB)/1024, err)
		}
		for _, s := range systems {
			if bs.off[s.name] == nil || !s.in(i) {
				continue
			}
			if s.err != nil {
				bs.off[s.name].add(0, s.err)
				continue
			}
			d, err := b.bootOff(ctx, s)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			report(s.name+" poweroff", i, s.runsOf(n), d, err)
			bs.off[s.name].add(d.Seconds(), err)
		}
	}
	return bs, nil
}

// runsOf is how many of n rounds t takes part in.
func (t *target) runsOf(n int) int {
	if t.runs == 0 {
		return n
	}
	return min(n, t.runs)
}

// mainRows are the rows for boot to prompt, boot to power-off and memory
// in use at the prompt of pidone, u-root and the floor on the bencher's
// kernel.
func (b *bencher) mainRows(bs *bootSamples, systems []*target) []Row {
	row := func(key, name, unit string, m map[string]*samples) Row {
		return Row{Key: key, Name: name, Unit: unit, Accel: b.accel, Pidone: m["pidone"].cell(), URoot: m["u-root"].cell(), Floor: m["floor"].cell()}
	}
	offRow := row("boot_poweroff", "boot to poweroff", "s", bs.off)
	offRow.Note = "pidone: pidone.run=true (init runs sh -c true, then a clean shutdown); u-root: -uinitcmd=poweroff (reboot(2) at once, no sync); floor: /init calling reboot(2)"
	promptNote := "from starting QEMU to the prompt on the console; pidone and the floor boot with compression " + runCompression + " as pidone run does, u-root its cpio as u-root writes it (raw)"
	if _, ok := bs.prompt["u-root"]; !ok {
		offRow.Note = "pidone: pidone.run=true (init runs sh -c true, then a clean shutdown); floor: /init calling reboot(2)"
		promptNote = "from starting QEMU to the prompt on the console; pidone and the floor boot with compression " + runCompression + " as pidone run does"
	}
	usedRow := row("mem_used", fmt.Sprintf("memory in use at prompt (-m %d)", b.mem), "MiB", bs.used)
	usedRow.Note = "MemTotal - MemAvailable, read with shell built-ins right after the prompt"
	promptRow := row("boot_prompt", "boot to prompt", "s", bs.prompt)
	promptRow.Note = promptNote
	for _, s := range systems {
		if s.name != "pidone" && s.name != "u-root" {
			continue
		}
		if k := bs.retyped[s.name]; k > 0 {
			promptRow.Note += fmt.Sprintf("; %s: the %s check after the prompt had to be typed twice in %d of %d boots", s.name, checkCmd, k, bs.rounds[s.name])
		}
	}
	return []Row{
		promptRow,
		offRow,
		usedRow,
	}
}

func report(what string, i, n int, d time.Duration, err error) {
	if err != nil {
		progress("%s %d/%d: failed: %v", what, i, n, err)
		return
	}
	progress("%s %d/%d: %.2f s", what, i, n, d.Seconds())
}

// Least RAM: bisect between 8 and 512 MiB for the smallest -m with which
// the prompt comes up and runs a command.
const (
	memLow  = 8
	memHigh = 512
)

// bisector finds the least m in (lo, hi] for which a monotone test
// passes, knowing that it passes at hi. It first checks hi itself.
type bisector struct {
	lo, hi  int // lo fails (or is below the range), hi passes
	checked bool
	failed  bool // hi itself failed: nothing in range works
}

func newBisector(low, high int) *bisector { return &bisector{lo: low - 1, hi: high} }

// next returns the next -m to try, or 0 when the answer is known.
func (b *bisector) next() int {
	switch {
	case b.failed:
		return 0
	case !b.checked:
		return b.hi
	case b.hi-b.lo <= 1:
		return 0
	}
	return b.lo + (b.hi-b.lo)/2
}

// record notes the outcome of trying m.
func (b *bisector) record(m int, ok bool) {
	if !b.checked {
		b.checked = true
		b.failed = !ok
		return
	}
	if ok {
		b.hi = m
	} else {
		b.lo = m
	}
}

// result is the least working -m, or 0 if none in range works.
func (b *bisector) result() int {
	if b.failed {
		return 0
	}
	return b.hi
}

// bisectRow bisects every system in step: one probe of each in turn.
func (b *bencher) bisectRow(ctx context.Context, systems []*target) Row {
	row := Row{Key: "min_mem", Name: "least RAM for a working prompt", Unit: "MiB", Accel: b.accel,
		Note: fmt.Sprintf("bisected over -m %d..%d; a try passes if the prompt appears and %s prints ok-42 within the timeout", memLow, memHigh, checkCmd)}
	bs := map[string]*bisector{}
	cells := map[string]*Cell{}
	for _, s := range systems {
		if s.err != nil {
			cells[s.name] = failed(s.err)
			continue
		}
		bs[s.name] = newBisector(memLow, memHigh)
	}
	for busy := true; busy && ctx.Err() == nil; {
		busy = false
		for _, s := range systems {
			bi := bs[s.name]
			if bi == nil {
				continue
			}
			m := bi.next()
			if m == 0 {
				continue
			}
			busy = true
			r, err := b.bootPrompt(ctx, s, m, false)
			if ctx.Err() != nil {
				break
			}
			if err != nil {
				progress("%s -m %d: fails: %v", s.name, m, err)
			} else {
				progress("%s -m %d: works (prompt in %.2f s)", s.name, m, r.elapsed.Seconds())
			}
			bi.record(m, err == nil)
		}
	}
	for name, bi := range bs {
		if m := bi.result(); m > 0 {
			cells[name] = value(float64(m))
		} else {
			cells[name] = failed(fmt.Errorf("no working prompt even with -m %d", memHigh))
		}
	}
	row.Pidone, row.URoot = cells["pidone"], cells["u-root"]
	return row
}

// runTrue times "pidone run -- true" on each target with a runInitrd,
// interleaved round by round: boot, run the command over the
// virtio-serial ports, return its status, power off.
func (b *bencher) runTrue(ctx context.Context, targets []*target, n int) map[string]*samples {
	m := map[string]*samples{}
	for _, t := range targets {
		if t.runInitrd != "" || t.err != nil {
			m[t.name] = &samples{}
		}
	}
	for i := 1; i <= n && ctx.Err() == nil; i++ {
		for _, t := range targets {
			if m[t.name] == nil || !t.in(i) || ctx.Err() != nil {
				continue
			}
			if t.err != nil {
				m[t.name].add(0, t.err)
				continue
			}
			t0 := time.Now()
			sys := b.system(t, t.runInitrd, bootopts.Options{}, b.mem)
			sys.Cold = true // every run boots: the warm row is warm.go's
			res, err := sys.Run(ctx, &system.Command{Argv: []string{"true"}, Timeout: b.timeout})
			d := time.Since(t0)
			if err == nil && res.Status != 0 {
				err = fmt.Errorf("true exited %d", res.Status)
			}
			report(t.name+" run -- true", i, t.runsOf(n), d, err)
			m[t.name].add(d.Seconds(), err)
		}
	}
	return m
}

// runRow is "pidone run -- true" on the bencher's kernel. The floor's
// boot-to-poweroff (from off) is its reference: what pidone adds to it
// is the cost of running a command this way.
func (b *bencher) runRow(run map[string]*samples, off Row) Row {
	return Row{Key: "run_true", Name: "pidone run -- true, cold", Unit: "s", Accel: b.accel, Pidone: run["pidone"].cell(), Floor: off.Floor,
		Note: "boot, run true over virtio-serial, exit status back, clean power-off; against the floor's boot to poweroff"}
}
