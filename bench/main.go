// Command bench measures pidone against u-root's "core" image and a floor
// (a Go /init that only powers off) on the same kernel, QEMU flags and
// machine, in one run:
//
//  1. boot to an interactive prompt on the serial console;
//  2. boot to power-off for a command that exits at once;
//  3. image size, raw and compressed;
//  4. cold build, warm rebuild and rebuild after a one-file edit;
//  5. the least guest RAM (-m) with which a working prompt comes up;
//  6. guest memory in use at the prompt (MemTotal - MemAvailable);
//  7. the first two, and pidone run -- true, on pidone's own tiny kernel
//     (pidone kernel build) against Debian's cloud kernel, with the floor
//     on the tiny kernel too (kernels.go);
//  8. boot to prompt and pidone run -- true on arm64, 386 and riscv64,
//     each on its kernel, in fewer runs (kernels.go).
//
// Every boot figure says whether it was taken under KVM or TCG: the
// accelerator is resolved once per system, as pidone run resolves it
// (host/vm's probe), and pinned for all its boots.
//  9. pidone web's page in headless Chromium, from opening it to the
//     prompt (v86, the browser's emulator: the i386 system).
//
// Runs of the systems are interleaved (pidone, u-root, floor, pidone, ...)
// so that a noisy machine weighs on all of them alike; only the ratios of
// one run mean anything. It prints a table and writes the figures as JSON.
//
// Usage:
//
//	go run ./bench [-n 10] [-quick] [-o bench/results.json] [-kernel K] [-mem 256] [-skip-build] [-skip-mem] [-skip-arches] [-skip-web] [-web-only]
//
// -quick is pidone against the floor, on the cloud and the tiny kernel
// (no u-root, no builds, no bisection, no browser, no other
// architectures unless -skip-arches=false), three runs each, for
// checking a change in about a minute. -web-only measures the browser
// alone (3 runs unless -n).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
)

// options are the command-line flags.
type options struct {
	n         int
	quick     bool
	out       string
	kernel    string
	mem       int
	skipBuild bool
	skipMem   bool
	skipArch  bool
	skipWeb   bool
	webOnly   bool
	timeout   time.Duration
	verbose   bool
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 10, "runs of each boot measurement")
	flag.BoolVar(&o.quick, "quick", false, "pidone against the floor only, 3 runs, no u-root, builds, bisection or other architectures")
	flag.StringVar(&o.out, "o", "", "JSON results `file` (default bench/results.json in the source tree; bench/results-quick.json with -quick)")
	flag.StringVar(&o.kernel, "kernel", "", "kernel `image` to boot (default: as pidone run finds it)")
	flag.IntVar(&o.mem, "mem", 256, "guest RAM in `MiB` for the boot and memory-in-use measurements")
	flag.BoolVar(&o.skipBuild, "skip-build", false, "skip the build-time measurements")
	flag.BoolVar(&o.skipMem, "skip-mem", false, "skip the bisection of the least guest RAM")
	flag.BoolVar(&o.skipArch, "skip-arches", false, "skip the boots on arm64, 386 and riscv64 (slow under TCG)")
	flag.BoolVar(&o.skipWeb, "skip-web", false, "skip the browser's boot (pidone web in headless Chromium)")
	flag.BoolVar(&o.webOnly, "web-only", false, "measure only the browser's boot (3 runs unless -n), into bench/results-web.json")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Second, "how long one boot may take to reach its prompt or power off")
	flag.BoolVar(&o.verbose, "v", false, "copy every guest console to stderr")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bench: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	// -n and -skip-arches given together with -quick or -web-only win.
	given := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if o.quick || o.webOnly {
		if !given["n"] {
			o.n = 3
		}
		if !given["skip-arches"] {
			o.skipArch = true
		}
		o.skipBuild, o.skipMem, o.skipWeb = true, true, o.quick
	}
	if o.n < 1 {
		fmt.Fprintln(os.Stderr, "bench: -n must be at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, &o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// progress prints one line of progress on stderr.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// Results is what the JSON file holds.
type Results struct {
	Started  time.Time  `json:"started"`
	Seconds  float64    `json:"seconds"` // wall time of the whole run
	Quick    bool       `json:"quick"`
	N        int        `json:"n"`
	Mem      int        `json:"mem_mib"`
	Kernel   string     `json:"kernel"`
	Accel    string     `json:"accel"` // of the boots on Kernel: kvm or tcg
	QEMU     string     `json:"qemu"`
	QEMUArgs []string   `json:"qemu_args"` // for the pidone prompt boot; the others differ only in -initrd and init options
	Go       string     `json:"go"`
	CPUs     int        `json:"host_cpus"`
	URoot    *URootInfo `json:"u_root,omitempty"`
	Rows     []Row      `json:"rows"`
	// Kernels are what the tiny-kernel and architecture rows booted.
	Kernels []KernelInfo `json:"kernels,omitempty"`
}

// URootInfo says how u-root was built and recognised.
type URootInfo struct {
	Version    string `json:"version"`
	Command    string `json:"command"`     // the image build command
	OffCommand string `json:"off_command"` // the power-off image's
	Prompt     string `json:"prompt"`      // regexp matched on the console
	Image      string `json:"image"`
	Error      string `json:"error,omitempty"`
}

// Row is one measured quantity for each system.
type Row struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Unit   string `json:"unit"` // s, bytes or MiB
	Pidone *Cell  `json:"pidone,omitempty"`
	URoot  *Cell  `json:"u_root,omitempty"`
	Floor  *Cell  `json:"floor,omitempty"`
	// Ratio is pidone's median over u-root's; RatioFloor over the floor's.
	Ratio      *float64 `json:"ratio,omitempty"`
	RatioFloor *float64 `json:"ratio_floor,omitempty"`
	Note       string   `json:"note,omitempty"`

	// Group is the table the row is in: "" (pidone against u-root and
	// the floor on one kernel), groupTiny or groupArch.
	Group string `json:"group,omitempty"`
	// Accel is the accelerator of the row's boots: kvm or tcg ("" for
	// figures with no VM in them).
	Accel string `json:"accel,omitempty"`
	// In groupTiny rows Pidone is pidone on pidone's tiny kernel, Cloud
	// pidone on Debian's cloud kernel (the same boots as the first
	// rows') and Floor the floor on the tiny kernel. RatioCloud is
	// Cloud's median over Pidone's; OverFloor is Pidone's median minus
	// Floor's, in Unit.
	Cloud      *Cell    `json:"cloud,omitempty"`
	RatioCloud *float64 `json:"ratio_cloud,omitempty"`
	OverFloor  *float64 `json:"over_floor,omitempty"`
}

// Groups of rows: each is a table of its own.
const (
	groupTiny = "tiny"
	groupArch = "arch"
)

// groupTitles head the tables of the groups after the first.
var groupTitles = map[string]string{
	groupTiny: "pidone's tiny kernel against Debian's cloud kernel (amd64, microvm): tiny = pidone on the tiny kernel, cloud = pidone on the cloud kernel (the boots above), floor = the floor on the tiny kernel",
	groupArch: "other architectures, each on its own kernel (fewer runs: emulated CPUs are slow)",
}

// Cell is one system's figure for a row: a summary of its samples, or
// the error that kept it from being measured.
type Cell struct {
	Stat
	Err string `json:"error,omitempty"`
}

// Stat summarises samples.
type Stat struct {
	N       int       `json:"n"`
	Median  float64   `json:"median"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	Samples []float64 `json:"samples,omitempty"`
}

// summarize returns the median, minimum and maximum of xs.
func summarize(xs []float64) Stat {
	s := Stat{N: len(xs), Samples: append([]float64(nil), xs...)}
	if len(xs) == 0 {
		return s
	}
	sorted := append([]float64(nil), xs...)
	sort.Float64s(sorted)
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	if m := len(sorted) / 2; len(sorted)%2 == 1 {
		s.Median = sorted[m]
	} else {
		s.Median = (sorted[m-1] + sorted[m]) / 2
	}
	return s
}

// samples collects one system's measurements of one quantity, and the
// runs that failed.
type samples struct {
	xs    []float64
	errs  []error
	tries int
}

func (s *samples) add(x float64, err error) {
	if s == nil { // a quantity not measured for this system
		return
	}
	s.tries++
	if err != nil {
		s.errs = append(s.errs, err)
		return
	}
	s.xs = append(s.xs, x)
}

// cell summarises s; nil when nothing was tried.
func (s *samples) cell() *Cell {
	if s == nil || s.tries == 0 {
		return nil
	}
	c := &Cell{Stat: summarize(s.xs)}
	if len(s.errs) > 0 {
		c.Err = fmt.Sprintf("%d of %d runs failed: %v", len(s.errs), s.tries, s.errs[0])
	}
	return c
}

func value(x float64) *Cell { return &Cell{Stat: summarize([]float64{x})} }

func failed(err error) *Cell { return &Cell{Err: err.Error()} }

// ok reports whether c has a figure.
func (c *Cell) ok() bool { return c != nil && c.N > 0 }

// finish fills in the ratios.
func (r *Row) finish() {
	ratio := func(a, b *Cell) *float64 {
		if !a.ok() || !b.ok() || b.Median == 0 {
			return nil
		}
		x := a.Median / b.Median
		return &x
	}
	r.Ratio = ratio(r.Pidone, r.URoot)
	r.RatioFloor = ratio(r.Pidone, r.Floor)
	r.RatioCloud = ratio(r.Cloud, r.Pidone)
	if r.Group == groupTiny && r.Pidone.ok() && r.Floor.ok() {
		d := r.Pidone.Median - r.Floor.Median
		r.OverFloor = &d
	}
}

// formatTable renders rows as text tables, one per group, in the order
// the groups first appear. Columns nobody has a figure for are left out;
// errors become footnotes, shared by the tables.
func formatTable(rows []Row) string {
	var order []string
	byGroup := map[string][]Row{}
	for _, r := range rows {
		if _, ok := byGroup[r.Group]; !ok {
			order = append(order, r.Group)
		}
		byGroup[r.Group] = append(byGroup[r.Group], r)
	}
	f := &formatter{noted: map[string]int{}}
	var b strings.Builder
	for i, g := range order {
		if i > 0 {
			b.WriteString("\n")
		}
		if t := groupTitles[g]; t != "" {
			b.WriteString(t + ":\n")
		}
		f.table(&b, g, byGroup[g])
	}
	for i, n := range f.notes {
		fmt.Fprintf(&b, "[%d] %s\n", i+1, n)
	}
	for _, g := range order {
		for _, r := range byGroup[g] {
			if r.Note != "" {
				fmt.Fprintf(&b, "* %s: %s\n", r.Name, r.Note)
			}
		}
	}
	return b.String()
}

// formatter keeps the footnotes of the tables it renders.
type formatter struct {
	notes []string
	noted map[string]int
}

func (f *formatter) note(who string, c *Cell) string {
	if c.Err == "" {
		return ""
	}
	msg := who + ": " + firstLine(c.Err)
	n, ok := f.noted[msg]
	if !ok {
		f.notes = append(f.notes, msg)
		n = len(f.notes)
		f.noted[msg] = n
	}
	return fmt.Sprintf(" [%d]", n)
}

// table writes one group's rows as a table.
func (f *formatter) table(b *strings.Builder, group string, rows []Row) {
	type column struct {
		title string
		cell  func(r *Row) string
		used  func(r *Row) bool
	}
	cellText := func(r *Row, who string, c *Cell) string {
		switch {
		case c == nil:
			return "-"
		case !c.ok():
			return "failed" + f.note(who, c)
		}
		return formatValue(r.Unit, c) + f.note(who, c)
	}
	ratioText := func(x *float64) string {
		switch {
		case x == nil:
			return "-"
		case *x < 0.1:
			return fmt.Sprintf("%.2g", *x)
		}
		return fmt.Sprintf("%.2f", *x)
	}
	diffText := func(r *Row) string {
		if r.OverFloor == nil {
			return "-"
		}
		return fmt.Sprintf("%+.2f", *r.OverFloor)
	}
	always := func(*Row) bool { return true }
	name := column{"", func(r *Row) string { return r.Name + unitSuffix(r.Unit) }, always}
	accel := column{"accel", func(r *Row) string {
		if r.Accel == "" {
			return "-"
		}
		return strings.ToUpper(r.Accel)
	}, func(r *Row) bool { return r.Accel != "" }}
	var cols []column
	switch group {
	case groupTiny:
		cols = []column{name, accel,
			{"tiny", func(r *Row) string { return cellText(r, "tiny", r.Pidone) }, func(r *Row) bool { return r.Pidone != nil }},
			{"cloud", func(r *Row) string { return cellText(r, "cloud", r.Cloud) }, func(r *Row) bool { return r.Cloud != nil }},
			{"cloud/tiny", func(r *Row) string { return ratioText(r.RatioCloud) }, func(r *Row) bool { return r.Cloud != nil }},
			{"floor", func(r *Row) string { return cellText(r, "floor", r.Floor) }, func(r *Row) bool { return r.Floor != nil }},
			{"tiny−floor", diffText, func(r *Row) bool { return r.Floor != nil }},
		}
	default:
		cols = []column{name, accel,
			{"pidone", func(r *Row) string { return cellText(r, "pidone", r.Pidone) }, func(r *Row) bool { return r.Pidone != nil }},
			{"u-root", func(r *Row) string { return cellText(r, "u-root", r.URoot) }, func(r *Row) bool { return r.URoot != nil }},
			{"pidone/u-root", func(r *Row) string { return ratioText(r.Ratio) }, func(r *Row) bool { return r.URoot != nil }},
			{"floor", func(r *Row) string { return cellText(r, "floor", r.Floor) }, func(r *Row) bool { return r.Floor != nil }},
			{"pidone/floor", func(r *Row) string { return ratioText(r.RatioFloor) }, func(r *Row) bool { return r.Floor != nil }},
		}
	}
	var used []column
	for _, c := range cols {
		for i := range rows {
			if c.used(&rows[i]) {
				used = append(used, c)
				break
			}
		}
	}
	table := [][]string{}
	head := []string{}
	for _, c := range used {
		head = append(head, c.title)
	}
	table = append(table, head)
	for i := range rows {
		line := []string{}
		for _, c := range used {
			line = append(line, c.cell(&rows[i]))
		}
		table = append(table, line)
	}
	width := make([]int, len(used))
	for _, line := range table {
		for i, s := range line {
			width[i] = max(width[i], len([]rune(s)))
		}
	}
	for _, line := range table {
		for i, s := range line {
			pad := width[i] - len([]rune(s))
			if i == 0 {
				b.WriteString(s + strings.Repeat(" ", pad))
			} else {
				b.WriteString("  " + strings.Repeat(" ", pad) + s)
			}
		}
		b.WriteString("\n")
	}
}

func unitSuffix(unit string) string {
	switch unit {
	case "bytes":
		return ", MiB"
	case "":
		return ""
	}
	return ", " + unit
}

// formatValue prints a cell: the median, and the spread when there is more
// than one sample.
func formatValue(unit string, c *Cell) string {
	f := func(x float64) string {
		switch unit {
		case "s":
			return fmt.Sprintf("%.2f", x)
		case "bytes":
			return fmt.Sprintf("%.2f", x/(1<<20))
		case "MiB":
			if x == math.Trunc(x) {
				return fmt.Sprintf("%.0f", x)
			}
			return fmt.Sprintf("%.1f", x)
		}
		return fmt.Sprintf("%g", x)
	}
	s := f(c.Median)
	if c.N > 1 {
		s += " (" + f(c.Min) + "–" + f(c.Max) + ")"
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}

func run(ctx context.Context, o *options) error {
	res := &Results{Started: time.Now(), Quick: o.quick, N: o.n, Mem: o.mem, Go: runtime.Version(), CPUs: runtime.NumCPU()}
	if o.webOnly {
		return runWeb(ctx, o, res)
	}
	k, err := kernel.Find(o.kernel)
	if err != nil {
		return err
	}
	res.Kernel = k.Path
	if err := vm.Check(""); err != nil {
		return err
	}
	if out, err := exec.Command("qemu-system-x86_64", "--version").Output(); err == nil {
		res.QEMU = firstLine(string(out))
	}
	src, err := gobuild.SourceDir()
	if err != nil {
		return err
	}
	if o.out == "" {
		name := "results.json"
		if o.quick {
			name = "results-quick.json"
		}
		o.out = filepath.Join(src, "bench", name)
	}
	work, err := os.MkdirTemp("", "pidone-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	// The images every boot uses, built before anything is timed.
	progress("building the pidone image and the floor")
	pid, err := pidoneImages(ctx, k)
	if err != nil {
		return fmt.Errorf("pidone image: %w", err)
	}
	floor, err := floorImages(ctx, src, work)
	if err != nil {
		return fmt.Errorf("floor image: %w", err)
	}
	var ur *uroot
	var urErr error
	if !o.quick {
		ur, urErr = setupURoot(ctx)
		res.URoot = &URootInfo{Version: urootVersion, Prompt: urootPrompt.String()}
		if ur != nil {
			res.URoot.Command, res.URoot.OffCommand, res.URoot.Image = ur.command(false), ur.command(true), ur.image
		}
		if urErr != nil {
			res.URoot.Error = urErr.Error()
			progress("u-root: %v", urErr)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	pidT := &target{name: "pidone", initrd: pid.boot(), offInitrd: pid.boot(), off: bootopts.Options{Run: "true"}, runInitrd: pid.run, prompt: pidonePrompt, meminfo: true}
	systems := []*target{pidT}
	if !o.quick {
		u := &target{name: "u-root", prompt: urootPrompt, meminfo: true, err: urErr}
		if ur != nil {
			u.initrd, u.offInitrd = ur.image, ur.offImage
		}
		systems = append(systems, u)
	}
	// The floor boots the same kind of image as pidone, so that
	// pidone/floor compares only what runs after the kernel.
	systems = append(systems, &target{name: "floor", offInitrd: floor.boot()})
	b := &bencher{kernel: k.Path, mem: o.mem, timeout: o.timeout, verbose: o.verbose}
	args, err := b.resolveAccel(ctx, pidT)
	if err != nil {
		return err
	}
	b.accel, res.Accel, res.QEMUArgs = pidT.accel, pidT.accel, args
	for _, s := range systems {
		s.accel = b.accel
	}

	// pidone and the floor on the tiny kernel, and pidone on the other
	// architectures: their boots go into the same rounds.
	progress("building the pidone image for the tiny kernel")
	tinyT, floorTinyT, tinyK, stale := tinyTargets(ctx, floor.boot())
	if stale != "" {
		progress("tiny kernel: %s", stale)
	}
	tinyVersion := ""
	if tinyK != nil {
		tinyVersion = tinyK.Version
	}
	extra := []*target{tinyT, floorTinyT}
	var arches []*target
	if !o.skipArch {
		arches = archTargets(ctx, min(o.n, 3))
		extra = append(extra, arches...)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	infos := map[string]KernelInfo{}
	for _, t := range extra {
		ki := b.info(ctx, t)
		infos[t.name] = ki
		res.Kernels = append(res.Kernels, ki)
		if t.err != nil {
			progress("%s: %v", t.name, t.err)
		}
	}
	systems = append(systems, extra...)
	warmPageCache(k.Path, pid.boot(), floor.boot(), ur)
	for _, t := range extra {
		warmPageCache(t.kernel, t.initrd, t.runInitrd, nil)
	}

	// Sizes: cheap, and no boot needed.
	sizes := sizeRows(pid, floor, ur, urErr, o.quick)

	// Boots, interleaved run by run.
	bs, err := b.boots(ctx, systems, o.n)
	if err != nil {
		return err
	}
	main := b.mainRows(bs, systems)
	runs := b.runTrue(ctx, append([]*target{pidT, tinyT}, arches...), o.n)
	rows := append([]Row{}, main[:2]...)
	rows = append(rows, b.runRow(runs, main[1]))
	rows = append(rows, b.warmRows(ctx, pid.run, floor.boot(), work, o.n)...)
	if !o.quick {
		for _, r := range testRows(ctx, src, work, min(o.n, 3)) {
			r.Accel = b.accel // pidone test resolves it as the bench did
			rows = append(rows, r)
		}
	}
	rows = append(rows, sizes...)
	if !o.quick {
		rows = append(rows, familyRows(ctx, src, work)...)
	}

	if !o.skipBuild {
		rows = append(rows, buildRows(ctx, src, work, ur, urErr, min(o.n, 3))...)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if !o.skipMem {
		var bisect []*target
		for _, s := range systems {
			if s.name == "pidone" || s.name == "u-root" {
				bisect = append(bisect, s)
			}
		}
		rows = append(rows, b.bisectRow(ctx, bisect))
	}
	rows = append(rows, main[2])
	rows = append(rows, b.tinyRows(bs, runs, tinyT, tinyVersion, stale)...)
	rows = append(rows, archRows(bs, runs, arches, infos)...)
	if !o.skipWeb {
		rows = append(rows, webRows(ctx, min(o.n, 3), 5*time.Minute)...)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for i := range rows {
		rows[i].finish()
	}
	res.Rows = rows
	res.Seconds = time.Since(res.Started).Seconds()

	fmt.Printf("pidone bench: %s, %s, %s, %d run(s), -m %d, %d host CPUs\n", filepath.Base(k.Path), res.QEMU, strings.ToUpper(res.Accel), o.n, o.mem, res.CPUs)
	if res.URoot != nil {
		fmt.Printf("u-root %s: %s\n", urootVersion, res.URoot.Command)
	}
	fmt.Println()
	fmt.Print(formatTable(rows))
	fmt.Printf("\nmedian (min–max); total %.0f s; JSON in %s\n", res.Seconds, o.out)
	return writeJSON(o.out, res)
}

// runWeb is -web-only: the browser's row alone.
func runWeb(ctx context.Context, o *options, res *Results) error {
	if o.out == "" {
		src, err := gobuild.SourceDir()
		if err != nil {
			return err
		}
		o.out = filepath.Join(src, "bench", "results-web.json")
	}
	rows := webRows(ctx, o.n, 5*time.Minute)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	res.Rows = rows
	res.Seconds = time.Since(res.Started).Seconds()
	fmt.Printf("pidone bench: the browser, %d run(s), %d host CPUs\n\n", o.n, res.CPUs)
	fmt.Print(formatTable(res.Rows))
	fmt.Printf("\nmedian (min–max); total %.0f s; JSON in %s\n", res.Seconds, o.out)
	return writeJSON(o.out, res)
}

func writeJSON(path string, res *Results) error {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "&&" and ">" readable in commands and regexps
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// warmPageCache reads the files QEMU loads, so that the first measured
// boot does not pay for the disk.
func warmPageCache(kernel, pidone, floor string, ur *uroot) {
	var files []string
	for _, p := range []string{kernel, pidone, floor} {
		if p != "" {
			files = append(files, p)
		}
	}
	if ur != nil {
		files = append(files, ur.image, ur.offImage)
	}
	for _, p := range files {
		if f, err := os.Open(p); err == nil {
			io.Copy(io.Discard, f)
			f.Close()
		}
	}
}
