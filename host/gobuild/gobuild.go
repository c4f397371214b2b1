// Package gobuild compiles Go programs for the guest: static
// (CGO_ENABLED=0), stripped and reproducible (-trimpath, no VCS stamp),
// for any GOARCH pidone boots.
package gobuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// GuestPackage is the multi-call binary that is a pidone system's userland.
const GuestPackage = "pidone.dev/cmd/pidone-guest"

// Module is pidone's module path.
const Module = "pidone.dev"

// smallFlags build pidone's own guest smaller: no inlining except in the
// runtime and the standard packages that hot loops (grep, cat, wc) spend
// their time in. It saves about 9% of the compressed image (0.17 MB),
// which is unpacked at every boot, and costs a few per cent in CPU-bound
// commands. Later -gcflags win for the packages they match.
var smallFlags = []string{
	"-gcflags=all=-l", "-gcflags=runtime=", "-gcflags=internal/...=", "-gcflags=sync/...=",
	"-gcflags=regexp/...=", "-gcflags=bytes=", "-gcflags=strings=", "-gcflags=unicode/utf8=",
	"-gcflags=bufio=", "-gcflags=io=", "-gcflags=syscall=", "-gcflags=os=",
}

// Arches are the guest architectures (GOARCH) pidone builds for and
// boots; host/vm's table says how to start QEMU for each of them.
var Arches = []string{"amd64", "arm64", "riscv64", "386"}

// CheckArch reports whether pidone builds guests for goarch. It is
// called before goarch names anything on disk (the cache keeps guests by
// architecture), so that a value such as "../x" never becomes a path.
func CheckArch(goarch string) error {
	for _, a := range Arches {
		if goarch == a {
			return nil
		}
	}
	return fmt.Errorf("architecture %q is not supported (supported: %s)", goarch, strings.Join(Arches, ", "))
}

// Build compiles the Go package pkg (an import path or a ./relative
// directory, resolved in dir) for linux/goarch into out.
func Build(ctx context.Context, dir, pkg, goarch, out string) error {
	return build(ctx, dir, pkg, goarch, out, nil)
}

// BuildTags is Build with build tags.
func BuildTags(ctx context.Context, dir, pkg, goarch, out string, tags ...string) error {
	var flags []string
	if len(tags) > 0 {
		flags = []string{"-tags=" + strings.Join(tags, ",")}
	}
	return build(ctx, dir, pkg, goarch, out, flags)
}

func build(ctx context.Context, dir, pkg, goarch, out string, extra []string) error {
	if _, err := exec.LookPath("go"); err != nil {
		return errors.New("go not found: pidone builds the guest with the Go toolchain; install Go from go.dev/dl")
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	if err := CheckArch(goarch); err != nil {
		return err
	}
	// Built beside out and renamed into place: several pidones (or test
	// binaries) may build the same program at once, and one reading out
	// must never see half a binary. An interrupted build leaves nothing.
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".build-")
	if err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, filepath.Base(out))
	args := append([]string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w"}, extra...)
	cmd := GoCommand(ctx, append(args, "-o", bin, pkg)...)
	cmd.Dir = dir
	// go's own temporary files too: go killed by a signal leaves them.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOTMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" || ctx.Err() != nil {
			msg = err.Error()
		}
		return fmt.Errorf("go build %s for %s: %s", pkg, goarch, msg)
	}
	if err := os.Rename(bin, out); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

// GoCommand is the go command with args, ended when ctx is as a Ctrl-C
// at a terminal ends it: SIGINT to go and to the compilers and linkers
// it runs (its own process group), and SIGKILL if go is still running
// 10 s later. go dies of it without removing its temporary files: give
// it a GOTMPDIR that the caller removes once go has ended.
func GoCommand(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// GuestFile is where a cache directory keeps pidone's guest binary for
// goarch built with tags: CACHE/guest/GOARCH/pidone-guest, with a suffix
// per tag ("-net" for NetTag).
func GuestFile(cache, goarch string, tags ...string) string {
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	name := "pidone-guest"
	for _, t := range tags {
		if t == NetTag {
			t = "net"
		}
		name += "-" + t
	}
	return filepath.Join(cache, "guest", goarch, name)
}

// SourceDir finds pidone's own source, from which the guest is built:
// $PIDONE_SRC, else the directory this file was compiled from (a checkout
// or the module cache), else the current module if it is pidone.
func SourceDir() (string, error) {
	if d := os.Getenv("PIDONE_SRC"); d != "" {
		if !isPidone(d) {
			return "", fmt.Errorf("PIDONE_SRC=%s is not a pidone source tree (no go.mod for %s)", d, Module)
		}
		return d, nil
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		d := filepath.Dir(filepath.Dir(filepath.Dir(file)))
		if isPidone(d) {
			return d, nil
		}
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if isPidone(d) {
				return d, nil
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	return "", errors.New("cannot find pidone's source to build the guest: run from a pidone checkout or set PIDONE_SRC to one")
}

func isPidone(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return f[1] == Module
		}
	}
	return false
}

// GuestFlags are the go build flags of pidone's guest binary with the
// given tags: what a build cache must have been filled with to be warm
// for it (the benchmark warms one with the standard library this way).
func GuestFlags(tags ...string) []string {
	flags := append([]string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w"}, smallFlags...)
	if len(tags) > 0 {
		flags = append(flags, "-tags="+strings.Join(tags, ","))
	}
	return flags
}

// NetTag is the build tag that puts networking (ip, dhcp, wget, ping and
// init's pidone.net) into the guest. Images without a network card leave
// it out: it would add a quarter of a megabyte to every boot.
const NetTag = "pidone_net"

// Guest builds pidone's guest binary for goarch into out, with the given
// build tags.
func Guest(ctx context.Context, goarch, out string, tags ...string) error {
	dir, err := SourceDir()
	if err != nil {
		return err
	}
	flags := smallFlags
	if len(tags) > 0 {
		flags = append([]string{"-tags=" + strings.Join(tags, ",")}, smallFlags...)
	}
	// Asking go whether the guest is up to date costs 0.2 s, most of
	// pidone run's time before a VM is restored; a tree whose files are
	// as they were at the last build needs no asking.
	stamp, stampErr := guestStamp(dir, goarch, flags)
	if old, err := os.ReadFile(out + ".stamp"); stampErr == nil && err == nil && string(old) == stamp {
		if _, err := os.Stat(out); err == nil {
			return nil
		}
	}
	if err := build(ctx, dir, GuestPackage, goarch, out, flags); err != nil {
		return err
	}
	if stampErr == nil {
		writeFileAtomic(out+".stamp", []byte(stamp))
	}
	return nil
}

// guestStamp is what a build of the guest depends on, as far as it can be
// seen without go: the go command (by path, size and time), the build's
// settings and environment, and every file of pidone's source tree but
// tests (by name, size and time). go.sum pins the modules it uses.
func guestStamp(dir, goarch string, flags []string) (string, error) {
	h := sha256.New()
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	st, err := os.Stat(goBin)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "%s %d %d\n%s %s\n", goBin, st.Size(), st.ModTime().UnixNano(), goarch, strings.Join(flags, " "))
	for _, v := range []string{"GOFLAGS", "GOEXPERIMENT", "GOTOOLCHAIN", "GOROOT", "GOPATH", "GOMODCACHE", "GOPROXY", "GOAMD64", "GOARM64", "GO386"} {
		fmt.Fprintf(h, "%s=%s\n", v, os.Getenv(v))
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, "_test.go") || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeFileAtomic writes a small file by renaming a temporary one.
func writeFileAtomic(path string, b []byte) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".stamp-*")
	if err != nil {
		return
	}
	if _, err := tmp.Write(b); err != nil || tmp.Close() != nil {
		os.Remove(tmp.Name())
		return
	}
	if os.Rename(tmp.Name(), path) != nil {
		os.Remove(tmp.Name())
	}
}
