package web

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"pidone.dev/host/kernel"
	"pidone.dev/pkg/fserr"
)

// The npm packages the page runs, pinned by their lock file: npm ci
// installs exactly these into pidone's cache.
var (
	//go:embed npm/package.json
	packageJSON []byte
	//go:embed npm/package-lock.json
	packageLock []byte
)

// npmFiles are the files the page takes from the npm packages: its name
// on the site (before its hash) and its path under node_modules.
var npmFiles = []struct{ name, path string }{
	{"xterm.css", "@xterm/xterm/css/xterm.css"},
	{"xterm.js", "@xterm/xterm/lib/xterm.js"},
	{"addon-fit.js", "@xterm/addon-fit/lib/addon-fit.js"},
	{"libv86.js", "v86/build/libv86.js"},
	{"v86.wasm", "v86/build/v86.wasm"},
	// For browsers without the WebAssembly features v86.wasm uses: v86
	// fetches it from wasm_path with v86.wasm replaced by
	// v86-fallback.wasm, so both are named HASH-v86...wasm, one hash.
	{"v86-fallback.wasm", "v86/build/v86-fallback.wasm"},
}

// SeaBIOS is where Debian's seabios package puts the PC firmware v86
// needs to boot a bzImage (its npm package ships none).
var SeaBIOS = "/usr/share/seabios"

// biosFiles are the firmware files: the BIOS and the VGA BIOS.
var biosFiles = []string{"bios.bin", "vgabios-stdvga.bin"}

// ErrNoAssets is returned by FindAssets when the npm packages are not
// installed.
var ErrNoAssets = errors.New("v86 and xterm.js are not installed")

// Assets are the installed files the page needs besides its own.
type Assets struct {
	NodeModules string // npm's node_modules with v86 and xterm.js
	SeaBIOS     string // the directory of bios.bin and vgabios-stdvga.bin
}

// AssetsDir is where InstallAssets puts the npm packages: a directory of
// pidone's cache named by the lock file's hash, so that a change of
// versions installs afresh.
func AssetsDir() (string, error) {
	cache, err := kernel.CacheDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(append(append([]byte(nil), packageJSON...), packageLock...))
	return filepath.Join(cache, "web", hex.EncodeToString(sum[:6])), nil
}

// FindAssets returns the installed assets, or an error naming what is
// missing and how to get it: ErrNoAssets for the npm packages.
func FindAssets() (*Assets, error) {
	dir, err := AssetsDir()
	if err != nil {
		return nil, err
	}
	a := &Assets{NodeModules: filepath.Join(dir, "node_modules"), SeaBIOS: SeaBIOS}
	for _, f := range npmFiles {
		if _, err := os.Stat(filepath.Join(a.NodeModules, f.path)); err != nil {
			return nil, fmt.Errorf("%w (no %s in %s): run make web, or pidone web --install with npm on PATH", ErrNoAssets, f.path, a.NodeModules)
		}
	}
	for _, f := range biosFiles {
		p := filepath.Join(a.SeaBIOS, f)
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("SeaBIOS: %s: %v: install Debian's seabios package (make web does)", p, fserr.Reason(err))
		}
	}
	return a, nil
}

// InstallAssets installs the npm packages into AssetsDir with npm ci,
// unless they are there, and returns the assets. npm's output goes to
// log, with a line saying so. A cancelled or failed install leaves nothing behind.
func InstallAssets(ctx context.Context, log io.Writer) (*Assets, error) {
	if a, err := FindAssets(); err == nil || !errors.Is(err, ErrNoAssets) {
		return a, err
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, fmt.Errorf("%w, and npm is missing: run make web (it installs npm with apt-get), or install Node.js's npm", ErrNoAssets)
	}
	dir, err := AssetsDir()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("web assets: %w", err)
	}
	fmt.Fprintf(log, "pidone: installing v86 and xterm.js with npm into %s (once)\n", dir)
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".install-")
	if err != nil {
		return nil, fmt.Errorf("web assets: %w", err)
	}
	defer os.RemoveAll(tmp)
	for name, data := range map[string][]byte{"package.json": packageJSON, "package-lock.json": packageLock} {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return nil, fmt.Errorf("web assets: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=dev")
	cmd.Dir = tmp
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("npm ci (v86 and xterm.js, into %s): %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil && !isExist(err) {
		return nil, fmt.Errorf("web assets: %w", err)
	}
	return FindAssets()
}

// isExist: another pidone installed the same packages first.
func isExist(err error) bool {
	return errors.Is(err, os.ErrExist) || errors.Is(err, syscall.ENOTEMPTY)
}
