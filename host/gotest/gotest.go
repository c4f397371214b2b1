// Package gotest runs Go tests inside VMs, like "go test" does on the
// host: it compiles each package's test binary for the guest, boots a VM
// per package (several at once), runs the binary there in a copy of the
// package's directory, and reports in go test's own format. Coverage
// profiles come back to the host and are merged.
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
	"runtime"
	"sort"
	"strings"
	"time"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/system"
)

// Options are go test's flags that pass through, and the machine.
type Options struct {
	Packages     []string // as for go test: ./..., import paths
	Run          string   // -run
	Verbose      bool     // -v
	Count        int      // -count; 0 means 1
	Timeout      time.Duration
	CoverProfile string   // -coverprofile: the merged profile on the host
	Args         []string // more -test.* flags, passed as they are
	Parallel     int      // VMs at once; 0 means the number of CPUs

	// System is the machine every package's tests run on; each gets a
	// copy with its test binary and its directory's files added.
	System *system.System

	Stdout io.Writer
}

// pkg is one package with tests.
type pkg struct {
	ImportPath string
	Dir        string
	Name       string
}

// Run tests every package and reports whether all passed.
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
	pkgs, err := list(ctx, o.Packages, gotmp)
	if err != nil {
		if ctx.Err() != nil {
			return false, context.Cause(ctx)
		}
		return false, err
	}
	if len(pkgs) == 0 {
		return false, fmt.Errorf("no test files in %s", strings.Join(o.Packages, " "))
	}
	par := o.Parallel
	if par <= 0 {
		par = runtime.NumCPU()
	}
	type result struct {
		out   []byte
		ok    bool
		cover []byte
	}
	results := make([]chan result, len(pkgs))
	sem := make(chan struct{}, par)
	for i, p := range pkgs {
		results[i] = make(chan result, 1)
		go func(i int, p pkg) {
			sem <- struct{}{}
			defer func() { <-sem }()
			var buf bytes.Buffer
			w := io.Writer(&buf)
			if par == 1 && o.Verbose {
				w = o.Stdout // one at a time: stream as go test -v does
			}
			ok, cover := o.one(ctx, work, gotmp, p, w)
			if w != io.Writer(&buf) {
				buf.Reset()
			}
			results[i] <- result{buf.Bytes(), ok, cover}
		}(i, p)
	}
	all := true
	var profiles [][]byte
	// Every package's result is awaited, interrupted or not: the work
	// directory goes only when nothing writes into it any more.
	for i := range pkgs {
		r := <-results[i]
		if ctx.Err() != nil {
			continue // its failure is the interruption's
		}
		o.Stdout.Write(r.out)
		all = all && r.ok
		if r.cover != nil {
			profiles = append(profiles, r.cover)
		}
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

// one compiles and runs one package's tests, writing go test's output to
// w, and returns whether they passed and the coverage profile.
func (o *Options) one(ctx context.Context, work, gotmp string, p pkg, w io.Writer) (bool, []byte) {
	start := time.Now()
	fail := func(format string, args ...any) (bool, []byte) {
		fmt.Fprintf(w, format+"\n", args...)
		fmt.Fprintf(w, "FAIL\t%s [build failed]\n", p.ImportPath)
		return false, nil
	}
	bin := binaryPath(work, p)
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return fail("%v", err)
	}
	args := []string{"test", "-c", "-o", bin}
	if o.CoverProfile != "" {
		args = append(args, "-cover", "-covermode=set")
	}
	cmd := gobuild.GoCommand(ctx, append(args, p.ImportPath)...)
	arch := o.System.Arch
	if arch == "" {
		arch = runtime.GOARCH
	}
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOTMPDIR="+gotmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fail("%s", strings.TrimSpace(string(out)))
	}
	if _, err := os.Stat(bin); err != nil {
		// go test -c writes nothing for a package without test files.
		fmt.Fprintf(w, "?   \t%s\t[no test files]\n", p.ImportPath)
		return true, nil
	}
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
	sys := *o.System
	sys.Files = append(append(sys.Files[:0:0], o.System.Files...), files...)
	argv := []string{"/bin/" + p.Name + ".test", "-test.paniconexit0"}
	if o.Verbose {
		argv = append(argv, "-test.v=true")
	}
	if o.Run != "" {
		argv = append(argv, "-test.run="+o.Run)
	}
	if o.Count > 0 {
		argv = append(argv, fmt.Sprintf("-test.count=%d", o.Count))
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 10 * time.Minute // go test's default
	}
	argv = append(argv, "-test.timeout="+timeout.String())
	var collect []string
	if o.CoverProfile != "" {
		argv = append(argv, "-test.coverprofile=/tmp/cover.out")
		collect = []string{"/tmp/cover.out"}
	}
	argv = append(argv, o.Args...)
	var out bytes.Buffer
	res, err := sys.Run(ctx, &system.Command{
		Argv:    argv,
		Dir:     guestDir,
		Collect: collect,
		Env:     []string{"PIDONE_IN_TEST_VM=1"},
		Stdout:  io.MultiWriter(&out, w),
		Stderr:  io.MultiWriter(&out, w),
		// The VM gets a minute more than the tests, to boot and power off.
		Timeout: timeout + time.Minute,
	})
	elapsed := time.Since(start).Seconds()
	switch {
	case err != nil:
		fmt.Fprintf(w, "%v\nFAIL\t%s\t%.3fs\n", err, p.ImportPath, elapsed)
		return false, nil
	case res.Status != 0:
		if !bytes.HasSuffix(out.Bytes(), []byte("FAIL\n")) {
			fmt.Fprintln(w, "FAIL")
		}
		fmt.Fprintf(w, "FAIL\t%s\t%.3fs\n", p.ImportPath, elapsed)
		return false, nil
	}
	if !o.Verbose {
		// go test prints a passing package's output only with -v.
		if bw, ok := w.(*bytes.Buffer); ok {
			bw.Reset()
		}
	}
	cover := res.Files["/tmp/cover.out"]
	summary := ""
	if cover != nil {
		if s := coverageLine(out.String()); s != "" {
			summary = "\t" + s
		}
	}
	fmt.Fprintf(w, "ok  \t%s\t%.3fs%s\n", p.ImportPath, elapsed, summary)
	return true, cover
}

// binaryPath is where p's test binary is compiled: a directory of its
// own, named by a hash of the import path (flattening the path to a file
// name gave x/a/b_c and x/a_b/c the same one, and with several packages
// at once one package ran the other's tests).
func binaryPath(work string, p pkg) string {
	h := sha256.Sum256([]byte(p.ImportPath))
	return filepath.Join(work, hex.EncodeToString(h[:12]), p.Name+".test")
}

func coverageLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "coverage: ") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// list resolves package patterns with go list.
func list(ctx context.Context, patterns []string, gotmp string) ([]pkg, error) {
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	args := append([]string{"list", "-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}\t{{.Dir}}\t{{.Name}}{{end}}"}, patterns...)
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

// mergeProfiles joins coverage profiles of one mode: the mode line once,
// then every block. Blocks of a package tested once appear once.
func mergeProfiles(profiles [][]byte) []byte {
	var out bytes.Buffer
	mode := "mode: set"
	seen := map[string]bool{}
	for _, p := range profiles {
		for i, line := range strings.Split(string(p), "\n") {
			if i == 0 && strings.HasPrefix(line, "mode: ") {
				mode = line
				continue
			}
			if line != "" && !seen[line] {
				seen[line] = true
				out.WriteString(line + "\n")
			}
		}
	}
	return append([]byte(mode+"\n"), out.Bytes()...)
}
