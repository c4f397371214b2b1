package gotest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/vmexec"
)

// one compiles and runs one package's tests. Its go test output goes to
// stdout as it comes if stream is set, else into the result; with -json,
// its events always go to stdout, starting in its turn.
func (o *Options) one(ctx context.Context, work, gotmp string, p pkg, stdout io.Writer, stream bool, t *turn, prebuilt map[string]string) result {
	var buf bytes.Buffer
	out := io.Writer(&buf)
	if stream {
		out = stdout
	}
	bin := binaryPath(work, p)
	var failedBuild string
	var err error
	if pre, ok := prebuilt[p.ImportPath]; ok {
		bin = pre
	} else {
		failedBuild, err = o.build(ctx, bin, gotmp, p, stdout)
	}
	switch {
	case ctx.Err() != nil:
		return result{unstarted: true}
	case err != nil:
		t.wait(ctx)
		o.line(out, stdout, p, "FAIL\t"+p.ImportPath+" [build failed]", "fail", failedBuild)
		return result{out: buf.Bytes()}
	}
	r := o.run(ctx, bin, p, out, stdout, t)
	if !stream {
		r.out = buf.Bytes()
	}
	return r
}

// build compiles p's test binary into bin, as go test does, and says
// why it failed as go test does: the compiler's messages on stderr, or
// with -json go's own build events in the stream. It returns the failed
// build's name, for -json's FailedBuild.
func (o *Options) build(ctx context.Context, bin, gotmp string, p pkg, stdout io.Writer) (string, error) {
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	// go test -c links every time it writes a new file, and it knows to
	// skip that when the file it would write is there and up to date:
	// so the binary is built where it stays, in pidone's cache, and
	// copied for this run (an unchanged package's costs a copy, not a
	// link). A lock keeps two pidones from writing it at once.
	arch := o.System.Arch
	if arch == "" {
		arch = runtime.GOARCH
	}
	kept, unlock, err := o.keptBinary(arch, p)
	if err != nil {
		return "", err
	}
	defer unlock()
	args := append([]string{"test", "-c", "-o", kept}, o.buildFlags()...)
	if o.JSON {
		args = append(args, "-json")
	}
	cmd := gobuild.GoCommand(ctx, append(args, p.ImportPath)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOTMPDIR="+gotmp)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if !o.JSON {
		cmd.Stdout = &errs
	}
	err = cmd.Run()
	if ctx.Err() != nil {
		return "", err
	}
	failed := ""
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Action == "build-fail" {
			failed = e.ImportPath
		}
		stdout.Write(append(sc.Bytes(), '\n'))
	}
	orDiscard(o.Stderr).Write(errs.Bytes())
	if err != nil {
		return failed, err
	}
	if _, serr := os.Stat(kept); serr != nil {
		return failed, nil // no test files: go test -c wrote nothing
	}
	// Used now, for the cache's pruning; go leaves an up-to-date file as
	// it was.
	now := time.Now()
	os.Chtimes(kept, now, now)
	return failed, copyFile(bin, kept)
}

// prebuild compiles every package's test binary in one go command (go
// test -c -o DIR/ PKGS): go then checks them all at once, where a go
// command per package costs about 0.2 s even with nothing to do. The
// binaries stay in pidone's cache, where go finds them up to date the
// next time, and are copied into work for this run. It returns the
// binaries of the packages it built, by import path; a package it could
// not take (a name two packages share) or a build that failed leaves its
// packages to their own go test -c, which says what went wrong.
func (o *Options) prebuild(ctx context.Context, pkgs []pkg, work, gotmp string) map[string]string {
	if len(pkgs) < 2 {
		return nil
	}
	names := map[string]int{}
	for _, p := range pkgs {
		names[p.Name]++
	}
	var batch []pkg
	var paths []string
	for _, p := range pkgs {
		if names[p.Name] == 1 {
			batch = append(batch, p)
			paths = append(paths, p.ImportPath)
		}
	}
	if len(batch) < 2 {
		return nil
	}
	arch := o.System.Arch
	if arch == "" {
		arch = runtime.GOARCH
	}
	cache, err := kernel.CacheDir()
	if err != nil {
		return nil
	}
	h := sha256.Sum256([]byte(strings.Join(append(paths, o.Tags, fmt.Sprint(o.cover()), o.CoverMode, o.CoverPkg), "\x00")))
	dir := filepath.Join(cache, "tests", arch, "batch-"+hex.EncodeToString(h[:12]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	lock, err := os.OpenFile(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil
	}
	defer lock.Close()
	if unix.Flock(int(lock.Fd()), unix.LOCK_EX) != nil {
		return nil
	}
	cmd := gobuild.GoCommand(ctx, append(append([]string{"test", "-c", "-o", dir + "/"}, o.buildFlags()...), paths...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOTMPDIR="+gotmp)
	if err := cmd.Run(); err != nil {
		return nil
	}
	built := map[string]string{}
	now := time.Now()
	for _, p := range batch {
		kept := filepath.Join(dir, p.Name+".test")
		if _, err := os.Stat(kept); err != nil {
			continue
		}
		os.Chtimes(kept, now, now) // used, for the cache's pruning
		bin := binaryPath(work, p)
		if os.MkdirAll(filepath.Dir(bin), 0o755) != nil || copyFile(bin, kept) != nil {
			continue
		}
		built[p.ImportPath] = bin
	}
	return built
}

// buildFlags are go test -c's flags for this run (tags, coverage).
func (o *Options) buildFlags() []string {
	var args []string
	if o.Tags != "" {
		args = append(args, "-tags="+o.Tags)
	}
	if o.cover() {
		mode := o.CoverMode
		if mode == "" {
			mode = "set"
		}
		args = append(args, "-cover", "-covermode="+mode)
		if o.CoverPkg != "" {
			args = append(args, "-coverpkg="+o.CoverPkg)
		}
	}
	return args
}

// keptBinary is where p's test binary stays between runs, for go test's
// flags here: pidone's cache, tests/ARCH/HASH.test. It returns it locked.
func (o *Options) keptBinary(arch string, p pkg) (string, func(), error) {
	cache, err := kernel.CacheDir()
	if err != nil {
		return "", nil, err
	}
	dir := filepath.Join(cache, "tests", arch)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	h := sha256.Sum256([]byte(strings.Join([]string{p.ImportPath, p.Dir, o.Tags, fmt.Sprint(o.cover()), o.CoverMode, o.CoverPkg}, "\x00")))
	name := hex.EncodeToString(h[:12])
	lock, err := os.OpenFile(filepath.Join(dir, "."+name+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", nil, err
	}
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		lock.Close()
		return "", nil, err
	}
	return filepath.Join(dir, name+".test"), func() { lock.Close() }, nil
}

// copyFile copies src to dst, executable.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// run boots a VM for p's test binary bin and runs it there, printing to
// out what go test prints (-json's events to stdout, in its turn), and
// returns how it went.
func (o *Options) run(ctx context.Context, bin string, p pkg, out, stdout io.Writer, t *turn) result {
	// The package's own directory (its testdata included), where go test
	// runs a test binary.
	guestDir := "/src/" + p.ImportPath
	files := []image.File{{Host: bin, Guest: "/bin/" + p.Name + ".test"}}
	entries, _ := os.ReadDir(p.Dir)
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "testdata" {
			files = append(files, image.File{Host: filepath.Join(p.Dir, e.Name()), Guest: guestDir + "/" + e.Name()})
		}
	}
	// The binary and the package's files are the work, sent in after
	// the guest is up: every package boots the same image, and so
	// restores the same snapshot.
	sys := o.System
	argv := append([]string{"/bin/" + p.Name + ".test"}, o.testFlags()...)
	var collect []string
	if o.cover() {
		argv = append(argv, "-test.coverprofile=/tmp/cover.out")
		collect = []string{"/tmp/cover.out"}
	}
	argv = append(argv, o.Args...)

	// What the binary prints goes to go's test2json, whose events make
	// -json's stream, or the plain output (without -v), and tell why a
	// package's tests all skipped.
	var (
		plainOut = cappedBuffer{max: maxHeldOutput}
		plain    = newPlain(&plainOut)
		sk       skips
		ended    bool
	)
	t.wait(ctx)
	conv, err := startConverter(p.ImportPath, func(line []byte, e *event) {
		sk.event(e)
		switch {
		case o.JSON:
			ended = ended || e.ends()
			stdout.Write(line)
			t.done()
		case !o.Verbose:
			plain.event(e)
		}
	})
	if err != nil {
		o.line(out, stdout, p, fmt.Sprintf("%v\nFAIL\t%s [setup failed]", err, p.ImportPath), "fail", "")
		return result{}
	}
	start := time.Now() // test2json's too, for its Elapsed
	// Both ports of the guest write here at once; what they write after
	// the VM has ended is dropped.
	var (
		mu     sync.Mutex
		raw    = tailBuffer{max: 1 << 20} // the end of the binary's output, for its coverage line
		closed bool
	)
	sink := writerFunc(func(b []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		if !closed {
			raw.Write(b)
			conv.Write(b)
			if o.Verbose && !o.JSON {
				out.Write(b)
			}
		}
		return len(b), nil
	})
	var vmTimeout time.Duration
	if o.Timeout > 0 {
		// The VM gets a minute more than the tests, to boot and power
		// off, as go test gives a binary a minute more before it kills it.
		vmTimeout = o.Timeout + time.Minute
	}
	res, err := sys.Run(ctx, &system.Command{
		Argv:    argv,
		Files:   files,
		Dir:     guestDir,
		Collect: collect,
		Env:     append([]string{"PIDONE_IN_TEST_VM=1", "VMTEST_IN_GUEST=1"}, o.Env...),
		Stdout:  sink,
		Stderr:  sink,
		Timeout: vmTimeout,
	})
	mu.Lock()
	closed = true
	mu.Unlock()
	took := fmt.Sprintf("%.3fs", time.Since(start).Seconds())
	ok := err == nil && res.Status == 0

	// What go test prints after the binary's output. With -json it goes
	// through test2json too, as go test's does.
	var printed []byte // the output it follows
	switch {
	case o.JSON:
		printed = raw.Bytes()
	case o.Verbose:
		printed = raw.Bytes()
		conv.Close()
	default:
		conv.Close()
		printed = plainOut.Bytes()
	}
	var end bytes.Buffer
	if ok {
		if !o.Verbose && !o.JSON {
			printed = nil // go test prints a passing package's output only with -v
		}
		if len(printed) > 0 && printed[len(printed)-1] != '\n' {
			end.WriteString("\n")
		}
		note := coverage(raw.Bytes())
		if noTests(raw.Bytes()) {
			note += " [no tests to run]"
		} else if !o.JSON {
			note += sk.note()
		}
		fmt.Fprintf(&end, "ok  \t%s\t%s%s\n", p.ImportPath, took, note)
	} else {
		if len(printed) > 0 && printed[len(printed)-1] != '\n' {
			end.WriteString("\n")
		}
		switch {
		case err != nil && ctx.Err() != nil:
			end.WriteString(interruption(ctx) + "\n")
		case errors.Is(err, vmexec.ErrTimeout):
			fmt.Fprintf(&end, "*** Test killed: ran too long (%v).\n", vmTimeout)
		case err != nil:
			fmt.Fprintf(&end, "%v\n", err)
		case len(printed) == 0:
			fmt.Fprintf(&end, "exit status %d\n", res.Status)
		}
		if o.JSON {
			end.WriteByte(0x16) // test2json's framing: the package failed
		}
		fmt.Fprintf(&end, "FAIL\t%s\t%s\n", p.ImportPath, took)
	}
	if o.JSON {
		conv.Write(end.Bytes())
		conv.Close()
		if !ended {
			// test2json ends with the package's result only when the
			// binary printed one (a TestMain may not).
			action := "fail"
			if ok {
				action = "pass"
			}
			e := newEvent(p.ImportPath, action)
			e.Elapsed = elapsed(time.Since(start))
			stdout.Write(e.marshal())
		}
	} else {
		if !o.Verbose {
			out.Write(printed)
		}
		out.Write(end.Bytes())
	}
	r := result{ok: ok, ran: true}
	if res != nil {
		r.cover = res.Files["/tmp/cover.out"]
	}
	return r
}

// testFlags are the test binary's flags from the options, as go test
// passes them.
func (o *Options) testFlags() []string {
	f := []string{"-test.paniconexit0", "-test.timeout=" + o.Timeout.String()}
	if o.Verbose && !o.JSON {
		f = append(f, "-test.v=true")
	} else {
		f = append(f, "-test.v=test2json")
	}
	if o.Run != "" {
		f = append(f, "-test.run="+o.Run)
	}
	if o.Skip != "" {
		f = append(f, "-test.skip="+o.Skip)
	}
	if o.Short {
		f = append(f, "-test.short=true")
	}
	if o.FailFast {
		f = append(f, "-test.failfast=true")
	}
	if o.Parallel > 0 {
		f = append(f, "-test.parallel="+strconv.Itoa(o.Parallel))
	}
	if o.Count > 0 {
		f = append(f, "-test.count="+strconv.Itoa(o.Count))
	}
	return f
}

// noTests reports whether the binary said that no test matched.
func noTests(out []byte) bool {
	const warning = "testing: warning: no tests to run\n"
	return bytes.HasPrefix(out, []byte(warning)) || bytes.Contains(out, []byte("\n"+warning))
}

// interruption is the line for a run ended by ctx, in the style of go
// test's "*** Test killed: ran too long": "*** Test interrupted: stopped
// by Ctrl-C (SIGINT)." with pidone's cause.
func interruption(ctx context.Context) string {
	return "*** Test interrupted: " + context.Cause(ctx).Error() + "."
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// maxHeldOutput bounds the output pidone holds for a package until it
// knows whether it passed (go test prints a passing package's output
// only with -v): what a guest prints is untrusted, and a test printing
// without end must not take the host's memory with it.
const maxHeldOutput = 64 << 20

// cappedBuffer keeps the first max bytes written to it and says at its
// end how many more there were.
type cappedBuffer struct {
	buf     bytes.Buffer
	max     int
	dropped int64
}

func (c *cappedBuffer) Write(b []byte) (int, error) {
	n := len(b)
	if room := max(c.max-c.buf.Len(), 0); room < len(b) {
		c.dropped += int64(len(b) - room)
		b = b[:room]
	}
	c.buf.Write(b)
	return n, nil
}

// Bytes is what was kept, with a line saying what was not.
func (c *cappedBuffer) Bytes() []byte {
	if c.dropped == 0 {
		return c.buf.Bytes()
	}
	b := append([]byte(nil), c.buf.Bytes()...)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return fmt.Appendf(b, "[pidone: %d more bytes of output left out]\n", c.dropped)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	buf []byte
	max int
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	n := len(b)
	if len(b) >= t.max {
		t.buf = append(t.buf[:0], b[len(b)-t.max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(b) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, b...)
	return n, nil
}

func (t *tailBuffer) Bytes() []byte { return t.buf }
