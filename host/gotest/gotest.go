// Package gotest runs Go tests inside VMs, like "go test" does on the
// host: it compiles each package's test binary for the guest, boots a VM
// per package (several at once), runs the binary there in a copy of the
// package's directory, and reports in go test's own formats: its plain
// output, -v's and -json's events. Coverage profiles come back to the
// host and are merged.
//
// The binary always runs with -test.v=test2json, as under go test -json
// (with -v, -test.v=true, whose output is printed as it is): go's
// test2json turns its output into events, from which come -json's
// stream, the plain output go test would print, and what the ok line
// says of a package whose tests all skipped.
package gotest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/system"
)

// Options are go test's flags that pass through, and the machine.
type Options struct {
	Packages []string // as for go test: ./..., import paths

	// The build.
	Tags         string // -tags
	Cover        bool   // -cover; the three below imply it
	CoverMode    string // -covermode: set (the default), count or atomic
	CoverPkg     string // -coverpkg: comma-separated patterns
	CoverProfile string // -coverprofile: the merged profile on the host

	// The test binary's flags.
	Run, Skip string        // -run, -skip
	Short     bool          // -short
	FailFast  bool          // -failfast: in each binary, and no package starts after one failed, as in go test
	Count     int           // -count; 0 is the binary's default, 1
	Parallel  int           // -parallel; 0 is the binary's default, the guest's CPUs
	Timeout   time.Duration // -timeout, of each binary; 0 is none
	Args      []string      // more flags for the binary: -test.* flags, and what follows -args

	Verbose bool // -v
	JSON    bool // -json: go test -json's events, one stream for all the packages

	Env []string // NAME=VALUE, added to the tests' environment

	P int // VMs at once (-p); 0 is the number of CPUs

	// System is the machine every package's tests run on; each gets a
	// copy with its test binary and its directory's files added.
	System *system.System

	Stdout io.Writer // go test's output; nil discards it
	Stderr io.Writer // build errors, as go test prints them; nil discards them
}

// pkg is one package with tests.
type pkg struct {
	ImportPath string
	Dir        string
	Name       string
}

// result is how one package's tests went. A package not started after
// a failure, with -failfast, has the zero result: go test says nothing of
// it.
type result struct {
	out       []byte // go test's output for the package, if not streamed
	ok        bool
	ran       bool // its test binary ran: with -failfast, a failed run stops the rest
	unstarted bool // interrupted before its test binary ran
	cover     []byte
}

// Run tests every package and reports whether all passed. Interrupted
// (ctx cancelled), it still prints what every package printed so far,
// and a FAIL line for each that did not finish, before it returns the
// context's cause.
func Run(ctx context.Context, o *Options) (bool, error) {
	// The test binaries, and go's own temporary files (GOTMPDIR), which
	// go leaves behind when it is interrupted.
	work, err := os.MkdirTemp("", "pidone-test-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(work)
	gotmp := filepath.Join(work, "go")
	if err := os.Mkdir(gotmp, 0o700); err != nil {
		return false, err
	}
	pkgs, err := list(ctx, o.Packages, o.Tags, gotmp)
	if err != nil {
		if ctx.Err() != nil {
			return false, context.Cause(ctx)
		}
		return false, err
	}
	if len(pkgs) == 0 {
		return false, fmt.Errorf("no test files in %s", strings.Join(o.Packages, " "))
	}
	par := o.P
	if par <= 0 {
		par = runtime.NumCPU()
	}
	stdout := &lockedWriter{w: orDiscard(o.Stdout)}
	// As go test does: -v's output streams when one package runs at a
	// time, -json's events always; otherwise each package's output is
	// printed whole, in order, once it has finished.
	stream := o.JSON || o.Verbose && (len(pkgs) == 1 || par == 1)

	results := make([]chan result, len(pkgs))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	turns := newTurns(len(pkgs), o.JSON)
	prebuilt := o.prebuild(ctx, pkgs, work, gotmp)
	var failed atomic.Bool
	go func() {
		sem := make(chan struct{}, par)
		// Started in order, so that with -p 1 they also stream in order.
		for i, p := range pkgs {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			switch {
			case ctx.Err() != nil:
				results[i] <- result{unstarted: true}
				continue
			case o.FailFast && failed.Load():
				<-sem
				turns[i].done()
				results[i] <- result{}
				continue
			}
			go func(i int, p pkg) {
				defer func() { <-sem }()
				defer turns[i].done()
				r := o.one(ctx, work, gotmp, p, stdout, stream, turns[i], prebuilt)
				if r.ran && !r.ok {
					failed.Store(true)
				}
				results[i] <- r
			}(i, p)
		}
	}()
	all := true
	var profiles [][]byte
	// Every package's result is awaited, interrupted or not: the work
	// directory goes only when nothing writes into it any more.
	for i, p := range pkgs {
		r := <-results[i]
		stdout.Write(r.out)
		if r.unstarted {
			o.line(stdout, stdout, p, "FAIL\t"+p.ImportPath+" [not started]", "fail", "")
		}
		all = all && r.ok
		if r.cover != nil {
			profiles = append(profiles, r.cover)
		}
	}
	if !all && !o.JSON {
		// As go test ends, in case a failure scrolled out of sight.
		fmt.Fprintln(stdout, "FAIL")
	}
	if ctx.Err() != nil {
		return false, context.Cause(ctx)
	}
	if o.CoverProfile != "" {
		if err := os.WriteFile(o.CoverProfile, mergeProfiles(profiles), 0o644); err != nil {
			return false, err
		}
	}
	return all, nil
}

// line reports a package that did not run with one line of go test's,
// such as "FAIL\tPKG [build failed]": to out, or with -json as go test
// -json does, as the events of a package whose output was that line,
// ending with action (and failedBuild, the build that failed).
func (o *Options) line(out, stdout io.Writer, p pkg, line, action, failedBuild string) {
	if !o.JSON {
		fmt.Fprintln(out, line)
		return
	}
	stdout.Write(newEvent(p.ImportPath, "start").marshal())
	e := newEvent(p.ImportPath, "output")
	e.Output = line + "\n"
	stdout.Write(e.marshal())
	e = newEvent(p.ImportPath, action)
	e.Elapsed = elapsed(0)
	e.FailedBuild = failedBuild
	stdout.Write(e.marshal())
}

// turn orders the packages' -json streams as go test orders them: a
// package's first event, "start", comes after the one's before it.
// A nil turn orders nothing.
type turn struct {
	prev <-chan struct{}
	next chan struct{}
	once sync.Once
}

// newTurns returns n turns, in order, or n nil ones.
func newTurns(n int, order bool) []*turn {
	turns := make([]*turn, n)
	if !order {
		return turns
	}
	prev := make(chan struct{})
	close(prev)
	for i := range turns {
		turns[i] = &turn{prev: prev, next: make(chan struct{})}
		prev = turns[i].next
	}
	return turns
}

// wait returns once the package before has started, or ctx is done.
func (t *turn) wait(ctx context.Context) {
	if t != nil {
		select {
		case <-t.prev:
		case <-ctx.Done():
		}
	}
}

// done says that the package has started, or never will.
func (t *turn) done() {
	if t != nil {
		t.once.Do(func() { close(t.next) })
	}
}

// cover reports whether the tests measure coverage.
func (o *Options) cover() bool {
	return o.Cover || o.CoverMode != "" || o.CoverPkg != "" || o.CoverProfile != ""
}

// binaryPath is where p's test binary is compiled: a directory of its
// own, named by a hash of the import path (flattening the path to a file
// name gave x/a/b_c and x/a_b/c the same one, and with several packages
// at once one package ran the other's tests).
func binaryPath(work string, p pkg) string {
	h := sha256.Sum256([]byte(p.ImportPath))
	return filepath.Join(work, hex.EncodeToString(h[:12]), p.Name+".test")
}

// coverageRE finds the coverage a test binary reports.
var coverageRE = regexp.MustCompile(`coverage: (.*)\n`)

// coverage is what the ok line says of it: go test's "\tcoverage: ...".
func coverage(out []byte) string {
	if m := coverageRE.FindSubmatch(out); m != nil {
		return "\tcoverage: " + string(m[1])
	}
	return ""
}

// list resolves package patterns with go list, for a build with tags.
func list(ctx context.Context, patterns []string, tags, gotmp string) ([]pkg, error) {
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	args := []string{"list", "-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}\t{{.Dir}}\t{{.Name}}{{end}}"}
	if tags != "" {
		args = append(args, "-tags="+tags)
	}
	args = append(args, patterns...)
	cmd := gobuild.GoCommand(ctx, args...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOTMPDIR="+gotmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %s", strings.Join(patterns, " "), strings.TrimSpace(stderr.String()))
	}
	var pkgs []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) == 3 {
			pkgs = append(pkgs, pkg{f[0], f[1], f[2]})
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].ImportPath < pkgs[j].ImportPath })
	return pkgs, nil
}

// mergeProfiles joins coverage profiles of one mode as go test does: the
// mode line once, then every block of every profile. With -coverpkg,
// packages' profiles share blocks; the tools that read profiles add
// their counts up.
func mergeProfiles(profiles [][]byte) []byte {
	var out bytes.Buffer
	mode := "mode: set\n"
	for _, p := range profiles {
		if m, rest, ok := bytes.Cut(p, []byte("\n")); ok && bytes.HasPrefix(m, []byte("mode: ")) {
			mode, p = string(m)+"\n", rest
		}
		out.Write(p)
		if len(p) > 0 && p[len(p)-1] != '\n' {
			out.WriteByte('\n')
		}
	}
	return append([]byte(mode), out.Bytes()...)
}

// lockedWriter is a writer for several goroutines: each Write goes whole.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
