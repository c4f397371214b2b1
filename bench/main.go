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
//  7. pidone web's page in headless Chromium, from opening it to the
//     prompt (v86, the browser's emulator: the i386 system).
//
// Runs of the systems are interleaved (pidone, u-root, floor, pidone, ...)
// so that a noisy machine weighs on all of them alike; only the ratios of
// one run mean anything. It prints a table and writes the figures as JSON.
//
// Usage:
//
//	go run ./bench [-n 10] [-quick] [-o bench/results.json] [-kernel K] [-mem 256] [-skip-build] [-skip-mem] [-skip-web] [-web-only]
//
// -quick is pidone against the floor only (no u-root, no builds, no
// bisection, no browser), three runs each, for checking a change in under
// a minute. -web-only measures the browser alone (3 runs unless -n).
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
	skipWeb   bool
	webOnly   bool
	timeout   time.Duration
	verbose   bool
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 10, "runs of each boot measurement")
	flag.BoolVar(&o.quick, "quick", false, "pidone against the floor only, 3 runs, no u-root, builds or bisection")
	flag.StringVar(&o.out, "o", "", "JSON results `file` (default bench/results.json in the source tree; bench/results-quick.json with -quick)")
	flag.StringVar(&o.kernel, "kernel", "", "kernel `image` to boot (default: as pidone run finds it)")
	flag.IntVar(&o.mem, "mem", 256, "guest RAM in `MiB` for the boot and memory-in-use measurements")
	flag.BoolVar(&o.skipBuild, "skip-build", false, "skip the build-time measurements")
	flag.BoolVar(&o.skipMem, "skip-mem", false, "skip the bisection of the least guest RAM")
	flag.BoolVar(&o.skipWeb, "skip-web", false, "skip the browser's boot (pidone web in headless Chromium)")
	flag.BoolVar(&o.webOnly, "web-only", false, "measure only the browser's boot (3 runs unless -n), into bench/results-web.json")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Second, "how long one boot may take to reach its prompt or power off")
	flag.BoolVar(&o.verbose, "v", false, "copy every guest console to stderr")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bench: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	if o.quick || o.webOnly {
		// -n given together with -quick or -web-only wins (o.n is the
		// flag's own variable: read before it is set).
		n := 3
		flag.Visit(func(f *flag.Flag) {
			if f.Name == "n" {
				n = o.n
			}
		})
		o.n, o.skipBuild, o.skipMem, o.skipWeb = n, true, true, o.quick
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
	QEMU     string     `json:"qemu"`
	QEMUArgs []string   `json:"qemu_args"` // for the pidone prompt boot; the others differ only in -initrd and init options
	Go       string     `json:"go"`
	CPUs     int        `json:"host_cpus"`
	URoot    *URootInfo `json:"u_root,omitempty"`
	Rows     []Row      `json:"rows"`
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
}

// formatTable renders rows as a text table. Columns nobody has a figure
// for are left out; errors become footnotes.
func formatTable(rows []Row) string {
	type column struct {
		title string
		cell  func(r *Row) string
		used  func(r *Row) bool
	}
	var notes []string
	noted := map[string]int{}
	note := func(who string, c *Cell) string {
		if c.Err == "" {
			return ""
		}
		msg := who + ": " + firstLine(c.Err)
		n, ok := noted[msg]
		if !ok {
			notes = append(notes, msg)
			n = len(notes)
			noted[msg] = n
		}
		return fmt.Sprintf(" [%d]", n)
	}
	cellText := func(r *Row, who string, c *Cell) string {
		switch {
		case c == nil:
			return "-"
		case !c.ok():
			return "failed" + note(who, c)
		}
		return formatValue(r.Unit, c) + note(who, c)
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
	cols := []column{
		{"", func(r *Row) string { return r.Name + unitSuffix(r.Unit) }, func(*Row) bool { return true }},
		{"pidone", func(r *Row) string { return cellText(r, "pidone", r.Pidone) }, func(r *Row) bool { return r.Pidone != nil }},
		{"u-root", func(r *Row) string { return cellText(r, "u-root", r.URoot) }, func(r *Row) bool { return r.URoot != nil }},
		{"pidone/u-root", func(r *Row) string { return ratioText(r.Ratio) }, func(r *Row) bool { return r.URoot != nil }},
		{"floor", func(r *Row) string { return cellText(r, "floor", r.Floor) }, func(r *Row) bool { return r.Floor != nil }},
		{"pidone/floor", func(r *Row) string { return ratioText(r.RatioFloor) }, func(r *Row) bool { return r.Floor != nil }},
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
	var b strings.Builder
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
	for i, n := range notes {
		fmt.Fprintf(&b, "[%d] %s\n", i+1, n)
	}
	for i := range rows {
		if rows[i].Note != "" {
			fmt.Fprintf(&b, "* %s: %s\n", rows[i].Name, rows[i].Note)
		}
	}
	return b.String()
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

	systems := []*target{
		{name: "pidone", initrd: pid.boot(), offInitrd: pid.boot(), off: bootopts.Options{Run: "true"}, prompt: pidonePrompt},
	}
	if !o.quick {
		u := &target{name: "u-root", prompt: urootPrompt, err: urErr}
		if ur != nil {
			u.initrd, u.offInitrd = ur.image, ur.offImage
		}
		systems = append(systems, u)
	}
	// The floor boots the same kind of image as pidone, so that
	// pidone/floor compares only what runs after the kernel.
	systems = append(systems, &target{name: "floor", offInitrd: floor.boot()})
	b := &bencher{kernel: k.Path, mem: o.mem, timeout: o.timeout, verbose: o.verbose}
	if cfg, err := b.config(systems[0].initrd, bootopts.Options{}, o.mem).Config(ctx); err == nil {
		if args, err := cfg.Args(); err == nil {
			res.QEMUArgs = args
		}
	}
	warmPageCache(k.Path, pid.boot(), floor.boot(), ur)

	// Sizes: cheap, and no boot needed.
	sizes := sizeRows(pid, floor, ur, urErr, o.quick)

	// Boots, interleaved run by run.
	bootRows, err := b.boots(ctx, systems, o.n)
	if err != nil {
		return err
	}
	rows := append([]Row{}, bootRows[:2]...)
	rows = append(rows, b.runRow(ctx, pid.run, o.n, bootRows[1]))
	rows = append(rows, b.warmRows(ctx, pid.run, floor.boot(), work, o.n)...)
	if !o.quick {
		rows = append(rows, testRows(ctx, src, work, min(o.n, 3))...)
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
		rows = append(rows, b.bisectRow(ctx, systems[:len(systems)-1]))
	}
	rows = append(rows, bootRows[2])
	if !o.skipWeb {
		rows = append(rows, webRow(ctx, min(o.n, 3), 5*time.Minute))
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for i := range rows {
		rows[i].finish()
	}
	res.Rows = rows
	res.Seconds = time.Since(res.Started).Seconds()

	fmt.Printf("pidone bench: %s, %s, %d run(s), -m %d, %d host CPUs\n", filepath.Base(k.Path), res.QEMU, o.n, o.mem, res.CPUs)
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
	row := webRow(ctx, o.n, 5*time.Minute)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	res.Rows = []Row{row}
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
	files := []string{kernel, pidone, floor}
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
