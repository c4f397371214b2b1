package kernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"pidone.dev/host/vm"
	"pidone.dev/pkg/fserr"
)

// FetchOptions say which Debian kernel to fetch.
type FetchOptions struct {
	// Flavour is "cloud" (small, virtio drivers; amd64's default) or
	// "generic"; "" is the architecture's default (vm.Arch.DebianFlavours).
	Flavour  string
	Arch     string    // the guest's GOARCH; "" is the host's
	Progress io.Writer // step-by-step messages; nil for none
}

// ErrNoDebianKernel is returned by Fetch for an architecture Debian has
// no kernel for (riscv64 on bookworm): pidone kernel build makes one.
var ErrNoDebianKernel = errors.New("no Debian kernel")

// metaPackage is the Debian package that always depends on the newest
// kernel of a flavour.
func metaPackage(flavour, arch string) (string, error) {
	switch flavour {
	case "", "cloud":
		return "linux-image-cloud-" + arch, nil
	case "generic":
		return "linux-image-" + arch, nil
	}
	return "", fmt.Errorf("kernel flavour %q: want cloud or generic", flavour)
}

// Fetch downloads the newest Debian kernel of a flavour with apt-get
// download (no root needed) and unpacks it, modules included, into the
// cache. A kernel already cached is not fetched again.
func Fetch(ctx context.Context, o FetchOptions) (*Kernel, error) {
	a, err := vm.LookupArch(o.Arch)
	if err != nil {
		return nil, err
	}
	say := func(format string, args ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "pidone: "+format+"\n", args...)
		}
	}
	if a.DebianKernel == "" {
		return nil, fmt.Errorf(`%w for %s: build one with "pidone kernel build --arch %s"`, ErrNoDebianKernel, a.GOARCH, a.GOARCH)
	}
	flavour := o.Flavour
	if flavour == "" {
		flavour = a.DebianFlavours[0]
	}
	if !slices.Contains(a.DebianFlavours, flavour) {
		if _, err := metaPackage(flavour, a.DebianKernel); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("kernel flavour %q: pidone fetches Debian's %s kernel for %s", flavour, strings.Join(a.DebianFlavours, " or "), a.GOARCH)
	}
	meta, err := metaPackage(flavour, a.DebianKernel)
	if err != nil {
		return nil, err
	}
	for _, tool := range []string{"apt-get", "apt-cache", "dpkg-deb"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s not found: pidone kernel fetch needs Debian or Ubuntu; elsewhere, get a kernel and pass --kernel or set PIDONE_KERNEL", tool)
		}
	}
	if a.GOARCH != runtime.GOARCH {
		// Another architecture's packages, which apt lists only when
		// dpkg has it as a foreign architecture.
		if err := checkForeign(ctx, a); err != nil {
			return nil, err
		}
		meta += ":" + a.DebianArch
	}
	pkg, err := resolve(ctx, meta)
	if err != nil {
		return nil, err
	}
	dir, err := kernelsDir()
	if err != nil {
		return nil, err
	}
	name, _, _ := strings.Cut(pkg, ":") // linux-image-6.1.0-26-arm64:arm64
	root := filepath.Join(dir, name)
	if k, ok := loadCached(root); ok {
		say("%s is cached already", pkg)
		return &k, indexModules(&k, say)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache %s: %w", dir, fserr.Reason(err))
	}
	tmp, err := os.MkdirTemp(dir, ".fetch-")
	if err != nil {
		return nil, fmt.Errorf("cache %s: %w", dir, fserr.Reason(err))
	}
	defer os.RemoveAll(tmp)

	say("downloading %s (apt-get download)", pkg)
	dl := exec.CommandContext(ctx, "apt-get", "download", "-q", pkg)
	dl.Dir = tmp
	dl.Stdout = o.Progress
	var stderr bytes.Buffer
	dl.Stderr = &stderr
	dl.WaitDelay = 5 * time.Second
	if err := dl.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("apt-get download %s: %w", pkg, context.Cause(ctx))
		}
		return nil, fmt.Errorf("apt-get download %s: %s", pkg, firstLine(stderr.String(), err))
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(debs) != 1 {
		return nil, fmt.Errorf("apt-get download %s left %d .deb files, want 1", pkg, len(debs))
	}
	say("unpacking %s", filepath.Base(debs[0]))
	unpacked := filepath.Join(tmp, "root")
	x := exec.CommandContext(ctx, "dpkg-deb", "-x", debs[0], unpacked)
	stderr.Reset()
	x.Stderr = &stderr
	x.WaitDelay = 5 * time.Second
	if err := x.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("dpkg-deb -x %s: %w", filepath.Base(debs[0]), context.Cause(ctx))
		}
		return nil, fmt.Errorf("dpkg-deb -x %s: %s", filepath.Base(debs[0]), firstLine(stderr.String(), err))
	}
	k, ok := loadCached(unpacked)
	if !ok {
		return nil, fmt.Errorf("%s holds no boot/vmlinuz-*", filepath.Base(debs[0]))
	}
	// Ubuntu's packages install the kernel readable by root only.
	if err := os.Chmod(k.Path, 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(unpacked, root); err != nil {
		return nil, fmt.Errorf("cache %s: %w", root, fserr.Reason(err))
	}
	k, _ = loadCached(root)
	say("cached %s", k.Path)
	return &k, indexModules(&k, say)
}

// indexModules indexes the cached kernel's modules now (see
// ModuleIndex), as depmod would have when installing the package, so
// that the first image build does not pay for it.
func indexModules(k *Kernel, say func(string, ...any)) error {
	if k.Modules == "" {
		return nil
	}
	_, err := k.moduleIndex(func() { say("indexing the modules of %s", k.Version) })
	if err != nil {
		return fmt.Errorf("indexing the modules of %s: %w", k.Version, err)
	}
	return nil
}

// checkForeign makes sure dpkg has a's Debian architecture as a foreign one, so
// that apt-get can download its packages.
func checkForeign(ctx context.Context, a *vm.Arch) error {
	out, err := exec.CommandContext(ctx, "dpkg", "--print-foreign-architectures").Output()
	if err == nil && slices.Contains(strings.Fields(string(out)), a.DebianArch) {
		return nil
	}
	return fmt.Errorf("apt has no %s packages: run (as root) dpkg --add-architecture %s && apt-get update, then try again (make kernel-%s does all of it)", a.DebianArch, a.DebianArch, a.GOARCH)
}

// resolve turns the meta package into the versioned kernel package it
// depends on, e.g. linux-image-cloud-amd64 → linux-image-6.1.0-26-cloud-amd64.
func resolve(ctx context.Context, meta string) (string, error) {
	cmd := exec.CommandContext(ctx, "apt-cache", "depends", meta)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || !bytes.Contains(out, []byte("Depends:")) {
		return "", fmt.Errorf("apt cannot find %s: run apt-get update (as root) first, or pass --kernel", meta)
	}
	for _, line := range strings.Split(string(out), "\n") {
		dep, ok := strings.CutPrefix(strings.TrimSpace(line), "Depends: ")
		if ok && strings.HasPrefix(dep, "linux-image-") && dep != meta {
			return strings.Trim(dep, "<>"), nil
		}
	}
	return "", fmt.Errorf("%s depends on no kernel package (apt-cache depends %s)", meta, meta)
}

func firstLine(s string, err error) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "W:") {
			return strings.TrimPrefix(line, "E: ")
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err.Error()
	}
	return "failed"
}
