package kernel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"pidone.dev/pkg/fserr"
)

// configs are pidone's configuration fragments: pidone.config for every
// architecture, then pidone-GOARCH.config.
//
//go:embed configs/*.config
var configs embed.FS

// buildRecipe changes when the way pidone builds a kernel changes in a
// way its fragments do not show (make's targets, what is kept), so that
// kernels built the old way are built again.
const buildRecipe = "1"

// Debian's kernel source, the default of pidone kernel build.
const (
	DebianSourcePackage = "linux-source-6.1"
	DebianSource        = "/usr/src/linux-source-6.1.tar.xz"
)

// TinyFlavour is the Flavour of the kernels pidone builds, and the name
// --kernel takes for them.
const TinyFlavour = "tiny"

// buildArch says how Linux is built for one GOARCH and which of its files
// boots.
type buildArch struct {
	linux   string   // make's ARCH
	cross   string   // CROSS_COMPILE on a host of another architecture
	targets []string // make's targets
	image   string   // the file that boots, in the build tree
	extra   []string // files kept beside it, for other tools
	files   int      // about how many files make compiles, for the progress counter
}

// buildArches is every architecture pidone builds kernels for. x86-64
// boots its ELF vmlinux through PVH (QEMU loads it as it is: no
// decompression, and 0.1 s sooner on microvm than a bzImage); its LZ4
// bzImage is kept beside it.
var buildArches = map[string]buildArch{
	"amd64":   {linux: "x86_64", cross: "x86_64-linux-gnu-", targets: []string{"vmlinux", "bzImage"}, image: "vmlinux", extra: []string{"arch/x86/boot/bzImage"}, files: 1320},
	"386":     {linux: "i386", cross: "i686-linux-gnu-", targets: []string{"bzImage"}, image: "arch/x86/boot/bzImage", files: 1000},
	"arm64":   {linux: "arm64", cross: "aarch64-linux-gnu-", targets: []string{"Image"}, image: "arch/arm64/boot/Image", files: 1000},
	"riscv64": {linux: "riscv", cross: "riscv64-linux-gnu-", targets: []string{"Image"}, image: "arch/riscv/boot/Image", files: 1000},
}

// BuildArches are the GOARCHes pidone kernel build builds for.
func BuildArches() []string {
	var as []string
	for a := range buildArches {
		as = append(as, a)
	}
	sort.Strings(as)
	return as
}

// crossPrefix is CROSS_COMPILE for building goarch's kernel on a host of
// hostArch: none for its own architecture, nor for 32-bit x86 on x86-64,
// which the host's gcc builds with ARCH=i386.
func crossPrefix(goarch, hostArch string) string {
	if goarch == hostArch || goarch == "386" && hostArch == "amd64" {
		return ""
	}
	return buildArches[goarch].cross
}

// crossPackage is the Debian package of a cross compiler:
// aarch64-linux-gnu- → gcc-aarch64-linux-gnu.
func crossPackage(prefix string) string {
	if prefix == "" {
		return "gcc"
	}
	return "gcc-" + strings.ReplaceAll(strings.TrimSuffix(prefix, "-"), "_", "-")
}

// BuildOptions say which kernel to build.
type BuildOptions struct {
	Arch string // GOARCH; "" is the host's
	// Source is a kernel source tarball or tree; "" is Debian's
	// linux-source-6.1 package, installed with apt-get when missing.
	Source string
	// Config is the path of a configuration fragment applied after
	// pidone's; "" for none.
	Config   string
	Jobs     int       // make -j; 0 is the number of CPUs
	Verbose  bool      // make's own output to Progress
	Progress io.Writer // a line per step and a counter while compiling; nil for none
}

// Fragments are the configuration fragments a build for goarch applies
// to tinyconfig, in order: pidone's, then the user's (path, if not "").
func Fragments(goarch, path string) ([]Fragment, error) {
	var frags []Fragment
	for _, name := range []string{"pidone.config", "pidone-" + goarch + ".config"} {
		b, err := configs.ReadFile("configs/" + name)
		if err != nil {
			return nil, fmt.Errorf("pidone has no kernel configuration for %s", goarch)
		}
		f, err := ParseFragment(name, b)
		if err != nil {
			return nil, err
		}
		frags = append(frags, f)
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--config %s: %w", path, fserr.Reason(err))
		}
		f, err := ParseFragment(path, b)
		if err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
		if len(f.Options) == 0 {
			return nil, fmt.Errorf("--config %s: no CONFIG_ options in it", path)
		}
		frags = append(frags, f)
	}
	return frags, nil
}

// BuildKey is what a built kernel is cached by: the source's identity,
// the architecture, the options of every fragment (not their comments or
// file names) and pidone's build recipe. Every field is framed by its
// length.
func BuildKey(sourceID, goarch string, frags []Fragment) string {
	h := sha256.New()
	field := func(s string) {
		binary.Write(h, binary.BigEndian, uint64(len(s)))
		io.WriteString(h, s)
	}
	field("pidone kernel build " + buildRecipe)
	field(sourceID)
	field(goarch)
	for _, f := range frags {
		field(fmt.Sprint(len(f.Options)))
		for _, o := range f.Options {
			field(o.String())
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// builtDir is where a built kernel lives in the kernels cache:
// pidone-tiny-GOARCH-KEY.
func builtDir(goarch, key string) string {
	return "pidone-tiny-" + goarch + "-" + key[:12]
}

// customFragment is the user's fragment, kept beside a kernel built with
// one (the default for --kernel tiny is a kernel without).
const customFragment = "fragment.config"

// builder is one run of Build.
type builder struct {
	BuildOptions
	arch  string
	ba    buildArch
	cross string
	say   func(string, ...any)
	cache string
	tail  *tailBuffer // the last lines of make's output, for a failure
}

// Build compiles a small kernel: make tinyconfig, pidone's fragments and
// the user's, olddefconfig, a check that every option asked for survived,
// and make. The result goes into the kernels cache with its .config, and
// is reused while the source, the architecture and the fragments stay the
// same. Missing build tools, cross compilers and Debian's source package
// are installed with apt-get (as root).
func Build(ctx context.Context, o BuildOptions) (*Kernel, error) {
	b := &builder{BuildOptions: o, arch: o.Arch, tail: newTailBuffer(30)}
	if b.arch == "" {
		b.arch = runtime.GOARCH
	}
	ba, ok := buildArches[b.arch]
	if !ok {
		return nil, fmt.Errorf("--arch %s: pidone builds kernels for %s", b.arch, strings.Join(BuildArches(), ", "))
	}
	b.ba, b.cross = ba, crossPrefix(b.arch, runtime.GOARCH)
	if b.Jobs <= 0 {
		b.Jobs = runtime.NumCPU()
	}
	b.say = func(format string, args ...any) {
		if b.Progress != nil {
			fmt.Fprintf(b.Progress, "pidone: "+format+"\n", args...)
		}
	}
	frags, err := Fragments(b.arch, b.Config)
	if err != nil {
		return nil, err
	}
	if b.cache, err = CacheDir(); err != nil {
		return nil, err
	}
	kdir, err := kernelsDir()
	if err != nil {
		return nil, err
	}

	src, err := b.source(ctx)
	if err != nil {
		return nil, err
	}
	key := BuildKey(src.id, b.arch, frags)
	final := filepath.Join(kdir, builtDir(b.arch, key))
	if k, ok := loadCached(final); ok {
		b.say("%s for %s is built already", k.Version, b.arch)
		return &k, nil
	}
	work := filepath.Join(b.cache, "kbuild")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, fmt.Errorf("cache %s: %w", work, fserr.Reason(err))
	}
	// One build of a kernel at a time: a second waits and finds it built.
	lk, err := lockFile(filepath.Join(work, key[:16]+".lock"), false)
	if err != nil {
		return nil, err
	}
	defer lk.unlock()
	if k, ok := loadCached(final); ok {
		return &k, nil
	}
	if err := b.tools(ctx, src); err != nil {
		return nil, err
	}
	tree := src.path
	if !src.dir {
		// The unpacked tree is shared by the builds of every
		// architecture and configuration, and removed by the last one
		// to succeed: 1.3 GB, unpacked again in seconds.
		sum := strings.TrimPrefix(src.id, "tar ")
		tree = filepath.Join(work, "src-"+sum[:16])
		sl, err := lockFile(tree+".lock", true)
		if err != nil {
			return nil, err
		}
		defer func() {
			if _, err := os.Stat(final); err == nil && sl.try() {
				os.RemoveAll(tree)
			}
			sl.unlock()
		}()
		if err := b.unpack(ctx, src.path, tree); err != nil {
			return nil, err
		}
	}
	out := filepath.Join(work, key[:16]+"-"+b.arch)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("cache %s: %w", out, fserr.Reason(err))
	}
	start := time.Now()
	if err := b.configure(ctx, tree, out, frags); err != nil {
		return nil, err
	}
	if err := b.compile(ctx, tree, out); err != nil {
		return nil, err
	}
	// The release has the configuration's LOCALVERSION only once make
	// has read it (6.1.192-pidone-tiny-amd64).
	version, err := b.makeVar(ctx, tree, out, "kernelrelease")
	if err != nil {
		return nil, err
	}
	if err := b.put(out, final, version, frags); err != nil {
		return nil, err
	}
	k, ok := loadCached(final)
	if !ok {
		return nil, fmt.Errorf("built kernel %s is not where it was put", final)
	}
	// What is worth keeping is in the kernels cache now: the objects
	// would only serve this same configuration, which is cached.
	os.RemoveAll(out)
	b.say("built %s for %s in %s", version, b.arch, time.Since(start).Round(time.Second))
	return &k, nil
}

// source is the kernel source of a build.
type source struct {
	path string
	dir  bool
	id   string // content hash of a tarball, stamp of a tree
}

func (b *builder) source(ctx context.Context) (source, error) {
	p := b.Source
	if p == "" {
		p = DebianSource
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			if err := b.aptInstall(ctx, []string{DebianSourcePackage}, "the kernel source"); err != nil {
				return source{}, err
			}
		}
	}
	st, err := os.Stat(p)
	if err != nil {
		return source{}, fmt.Errorf("kernel source %s: %w", p, fserr.Reason(err))
	}
	if st.IsDir() {
		for _, f := range []string{"Makefile", "Kconfig", "arch"} {
			if _, err := os.Stat(filepath.Join(p, f)); err != nil {
				return source{}, fmt.Errorf("kernel source %s has no %s: give a Linux source tree or tarball", p, f)
			}
		}
		for _, f := range []string{".config", "include/config"} {
			if _, err := os.Stat(filepath.Join(p, f)); err == nil {
				return source{}, fmt.Errorf("kernel source %s has been configured in place (it has %s), so the kernel refuses to build it out of tree: run make mrproper there, or give a clean tree or a tarball", p, f)
			}
		}
		abs, _ := filepath.Abs(p)
		b.say("source: %s (a tree)", abs)
		id, err := treeStamp(abs)
		if err != nil {
			return source{}, err
		}
		return source{path: abs, dir: true, id: id}, nil
	}
	b.say("source: %s", p)
	f, err := os.Open(p)
	if err != nil {
		return source{}, fmt.Errorf("kernel source %s: %w", p, fserr.Reason(err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return source{}, fmt.Errorf("kernel source %s: %w", p, fserr.Reason(err))
	}
	return source{path: p, id: "tar " + hex.EncodeToString(h.Sum(nil))}, nil
}

// treeStamp identifies a source tree by the names, sizes and times of its
// files, as go's build stamps do: hashing its 70,000 files would take
// longer than it is worth.
func treeStamp(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", p[len(dir):], info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("kernel source %s: %w", dir, fserr.Reason(err))
	}
	return "tree " + dir + " " + hex.EncodeToString(h.Sum(nil)), nil
}

// unpack unpacks a source tarball into tree, unless it is there.
func (b *builder) unpack(ctx context.Context, tarball, tree string) error {
	if _, err := os.Stat(filepath.Join(tree, "Makefile")); err == nil {
		return nil
	}
	b.say("unpacking %s into %s", filepath.Base(tarball), tree)
	work := filepath.Dir(tree)
	tmp, err := os.MkdirTemp(work, ".src-")
	if err != nil {
		return fmt.Errorf("cache %s: %w", work, fserr.Reason(err))
	}
	defer os.RemoveAll(tmp)
	if err := b.run(ctx, "", nil, "tar", "-xf", tarball, "-C", tmp); err != nil {
		return fmt.Errorf("unpacking %s: %w", tarball, err)
	}
	// A tarball holds one directory (linux-source-6.1/, linux-6.1.1/), or
	// the tree itself.
	root := tmp
	if ents, _ := os.ReadDir(tmp); len(ents) == 1 && ents[0].IsDir() {
		root = filepath.Join(tmp, ents[0].Name())
	}
	if _, err := os.Stat(filepath.Join(root, "Kconfig")); err != nil {
		return fmt.Errorf("%s holds no Linux source tree (no Kconfig at its top)", tarball)
	}
	if err := os.Rename(root, tree); err != nil {
		if _, serr := os.Stat(filepath.Join(tree, "Makefile")); serr == nil {
			return nil // another build unpacked it meanwhile
		}
		return fmt.Errorf("cache %s: %w", tree, fserr.Reason(err))
	}
	return nil
}

// tool is something a build needs: a command, or else a file, and the
// Debian package that has it.
type tool struct{ cmd, file, pkg string }

// needs are the tools a build of b needs.
func (b *builder) needs(src source) []tool {
	gcc := tool{cmd: b.cross + "gcc", pkg: crossPackage(b.cross)}
	ts := []tool{{cmd: "make", pkg: "make"}, gcc, {cmd: "flex", pkg: "flex"}, {cmd: "bison", pkg: "bison"}, {cmd: "bc", pkg: "bc"}}
	if !src.dir {
		ts = append(ts, tool{cmd: "tar", pkg: "tar"})
		if strings.HasSuffix(src.path, ".xz") {
			ts = append(ts, tool{cmd: "xz", pkg: "xz-utils"})
		}
	}
	switch b.ba.linux {
	case "x86_64":
		// objtool, which x86-64 builds always run, reads ELF with libelf.
		ts = append(ts, tool{file: "/usr/include/libelf.h", pkg: "libelf-dev"}, tool{cmd: "lz4", pkg: "lz4"})
	case "i386":
		ts = append(ts, tool{cmd: "lz4", pkg: "lz4"})
	}
	return ts
}

// tools installs the tools the build needs that are missing.
func (b *builder) tools(ctx context.Context, src source) error {
	var missing []string
	for _, t := range b.needs(src) {
		ok := false
		if t.cmd != "" {
			_, err := exec.LookPath(t.cmd)
			ok = err == nil
		} else {
			_, err := os.Stat(t.file)
			ok = err == nil
		}
		if !ok {
			missing = append(missing, t.pkg)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return b.aptInstall(ctx, missing, "what building a kernel needs")
}

// aptInstall installs Debian packages with apt-get, after apt-get update
// when apt knows none of them yet.
func (b *builder) aptInstall(ctx context.Context, pkgs []string, what string) error {
	list := strings.Join(pkgs, " ")
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("%s is missing (%s), and there is no apt-get to install it with: install it, or give --source", what, list)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s is missing: run sudo apt-get install %s, then this again", what, list)
	}
	b.say("installing %s (apt-get)", list)
	known := true
	for _, p := range pkgs {
		if exec.CommandContext(ctx, "apt-cache", "show", "-q", p).Run() != nil {
			known = false
		}
	}
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if !known {
		// A failed index (a mirror being synced) need not stop the
		// install: its error is the install's, if any.
		b.run(ctx, "", env, "apt-get", "-q", "-o", "DPkg::Lock::Timeout=600", "update")
	}
	args := append([]string{"-q", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=600", "install"}, pkgs...)
	if err := b.run(ctx, "", env, "apt-get", args...); err != nil {
		return fmt.Errorf("apt-get install %s: %w", list, err)
	}
	return nil
}

// configure makes out's .config.
func (b *builder) configure(ctx context.Context, tree, out string, frags []Fragment) error {
	names := []string{"tinyconfig"}
	for _, f := range frags {
		names = append(names, filepath.Base(f.Name))
	}
	b.say("config: %s", strings.Join(names, " + "))
	if err := b.make(ctx, tree, out, "tinyconfig"); err != nil {
		return fmt.Errorf("make tinyconfig: %w", err)
	}
	dotConfig := filepath.Join(out, ".config")
	base, err := os.ReadFile(dotConfig)
	if err != nil {
		return err
	}
	// The version says what the kernel is (uname -r: 6.1.192-pidone-tiny-amd64);
	// a user's fragment may say otherwise.
	local := Fragment{Name: "pidone", Options: []Option{
		{Name: "LOCALVERSION", Value: `"-pidone-tiny-` + b.arch + `"`},
		{Name: "LOCALVERSION_AUTO", Value: "n"},
	}}
	all := append([]Fragment{frags[0], frags[1], local}, frags[2:]...)
	if err := os.WriteFile(dotConfig, MergeConfig(base, all...), 0o644); err != nil {
		return err
	}
	if err := b.make(ctx, tree, out, "olddefconfig"); err != nil {
		return fmt.Errorf("make olddefconfig: %w", err)
	}
	f, err := os.Open(dotConfig)
	if err != nil {
		return err
	}
	c, err := ParseConfig(f)
	f.Close()
	if err != nil {
		return err
	}
	return CheckConfig(c, all...)
}

// makeVar is what one of make's informational targets prints:
// kernelversion (6.1.192), kernelrelease (6.1.192-pidone-tiny-amd64).
func (b *builder) makeVar(ctx context.Context, tree, out, target string) (string, error) {
	var v bytes.Buffer
	if err := b.makeTo(ctx, &v, tree, out, "-s", target); err != nil {
		return "", fmt.Errorf("make %s: %w", target, err)
	}
	s := strings.TrimSpace(v.String())
	if s == "" || strings.ContainsAny(s, "/ \n") {
		return "", fmt.Errorf("make %s said %q", target, s)
	}
	return s, nil
}

// compile runs make for the architecture's targets, counting the files
// it compiles.
func (b *builder) compile(ctx context.Context, tree, out string) error {
	version, err := b.makeVar(ctx, tree, out, "kernelversion")
	if err != nil {
		return err
	}
	b.say("compiling Linux %s for %s (make -j%d: minutes)", version, b.arch, b.Jobs)
	c := newCounter(b.Progress, b.ba.files, b.Verbose)
	args := append([]string{fmt.Sprintf("-j%d", b.Jobs)}, b.ba.targets...)
	err = b.makeTo(ctx, c, tree, out, args...)
	c.done()
	if err != nil {
		return fmt.Errorf("compiling Linux for %s: %w (the build is in %s)", b.arch, err, out)
	}
	return nil
}

// put puts the built kernel into the kernels cache as a package
// would: boot/vmlinuz-VERSION (boot/vmlinux-VERSION for an ELF image),
// boot/config-VERSION, and no module tree.
func (b *builder) put(out, final, version string, frags []Fragment) error {
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cache %s: %w", dir, fserr.Reason(err))
	}
	tmp, err := os.MkdirTemp(dir, ".build-")
	if err != nil {
		return fmt.Errorf("cache %s: %w", dir, fserr.Reason(err))
	}
	defer os.RemoveAll(tmp)
	boot := filepath.Join(tmp, "boot")
	if err := os.Mkdir(boot, 0o755); err != nil {
		return err
	}
	name := "vmlinuz-" + version
	if filepath.Base(b.ba.image) == "vmlinux" {
		name = "vmlinux-" + version
	}
	files := map[string]string{b.ba.image: name, ".config": "config-" + version}
	for _, e := range b.ba.extra {
		files[e] = filepath.Base(e) + "-" + version
	}
	for from, to := range files {
		if err := copyFile(filepath.Join(out, from), filepath.Join(boot, to)); err != nil {
			return err
		}
	}
	if len(frags) > 2 {
		if err := copyFile(frags[2].Name, filepath.Join(tmp, customFragment)); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("cache %s: %w", final, fserr.Reason(err))
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("built kernel: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// make runs the kernel's make in tree, building into out.
func (b *builder) make(ctx context.Context, tree, out string, args ...string) error {
	var w io.Writer
	if b.Verbose {
		w = b.Progress
	}
	return b.makeTo(ctx, w, tree, out, args...)
}

func (b *builder) makeTo(ctx context.Context, w io.Writer, tree, out string, args ...string) error {
	full := []string{"-C", tree, "--no-print-directory", "O=" + out, "ARCH=" + b.ba.linux}
	if b.cross != "" {
		full = append(full, "CROSS_COMPILE="+b.cross)
	}
	return b.runTo(ctx, w, "", nil, "make", append(full, args...)...)
}

// run runs a command, its output shown with -v and otherwise kept for a
// failure's message.
func (b *builder) run(ctx context.Context, dir string, env []string, name string, args ...string) error {
	var w io.Writer
	if b.Verbose {
		w = b.Progress
	}
	return b.runTo(ctx, w, dir, env, name, args...)
}

func (b *builder) runTo(ctx context.Context, w io.Writer, dir string, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	// make's compilers are its children: a signal to the group stops them
	// all, and make deletes the files it had half made.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	b.tail.reset()
	out := io.Writer(b.tail)
	if w != nil {
		out = io.MultiWriter(w, b.tail)
	}
	cmd.Stdout, cmd.Stderr = out, out
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if !b.Verbose && b.Progress != nil && b.tail.lines() > 0 {
		fmt.Fprintf(b.Progress, "pidone: the last lines of %s's output:\n%s", name, b.tail)
	}
	return fmt.Errorf("%s: %s", name, firstLine(b.tail.lastError(), err))
}

// tailBuffer keeps the last n lines written to it.
type tailBuffer struct {
	n       int
	partial []byte
	ls      []string
}

func newTailBuffer(n int) *tailBuffer { return &tailBuffer{n: n} }

func (t *tailBuffer) reset() { t.partial, t.ls = nil, nil }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.partial = append(t.partial, p...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			break
		}
		t.ls = append(t.ls, string(t.partial[:i]))
		t.partial = t.partial[i+1:]
		if len(t.ls) > t.n {
			t.ls = t.ls[len(t.ls)-t.n:]
		}
	}
	return len(p), nil
}

func (t *tailBuffer) lines() int { return len(t.ls) }

func (t *tailBuffer) String() string {
	var s strings.Builder
	for _, l := range t.ls {
		s.WriteString("    " + l + "\n")
	}
	return s.String()
}

// lastError is the line of the output that says what failed: the
// compiler's "error:", else make's own "***" line, else the last line.
func (t *tailBuffer) lastError() string {
	for _, marker := range []string{"error:", "Error", "***"} {
		for i := len(t.ls) - 1; i >= 0; i-- {
			if strings.Contains(t.ls[i], marker) {
				return t.ls[i]
			}
		}
	}
	if len(t.ls) > 0 {
		return t.ls[len(t.ls)-1]
	}
	return ""
}

// counter counts the files make compiles (its "  CC  path" lines), and
// shows the count against an estimate: on a terminal as one line that
// changes, otherwise a line at every tenth.
type counter struct {
	w       io.Writer
	tty     bool
	verbose bool
	est, n  int
	shown   time.Time
	tenth   int
	start   time.Time
	line    []byte
}

func newCounter(w io.Writer, est int, verbose bool) *counter {
	c := &counter{w: w, est: est, verbose: verbose, start: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		c.tty = true
	}
	return c
}

func (c *counter) Write(p []byte) (int, error) {
	if c.w == nil {
		return len(p), nil
	}
	if c.verbose {
		c.w.Write(p)
	}
	c.line = append(c.line, p...)
	for {
		i := bytes.IndexByte(c.line, '\n')
		if i < 0 {
			break
		}
		if f := strings.Fields(string(c.line[:i])); len(f) > 1 && f[0] == "CC" {
			c.n++
			c.show()
		}
		c.line = c.line[i+1:]
	}
	return len(p), nil
}

func (c *counter) show() {
	if c.verbose {
		return
	}
	if c.tty {
		if time.Since(c.shown) > 200*time.Millisecond {
			fmt.Fprintf(c.w, "\rpidone: compiling: %d of about %d files", c.n, c.est)
			c.shown = time.Now()
		}
		return
	}
	if t := c.n * 10 / c.est; t > c.tenth && t < 10 {
		c.tenth = t
		fmt.Fprintf(c.w, "pidone: compiling: %d of about %d files\n", c.n, c.est)
	}
}

func (c *counter) done() {
	if c.w == nil {
		return
	}
	if c.tty && !c.verbose {
		fmt.Fprint(c.w, "\r\033[K")
	}
	fmt.Fprintf(c.w, "pidone: compiled %d files in %s\n", c.n, time.Since(c.start).Round(time.Second))
}

// fileLock is a lock on a file, held while the file is open.
type fileLock struct{ f *os.File }

// lockFile takes an exclusive or shared lock on path, waiting for it.
func lockFile(path string, shared bool) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cache %s: %w", path, fserr.Reason(err))
	}
	how := syscall.LOCK_EX
	if shared {
		how = syscall.LOCK_SH
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &fileLock{f}, nil
}

// try makes a shared lock exclusive if nobody else holds it.
func (l *fileLock) try() bool {
	return syscall.Flock(int(l.f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

func (l *fileLock) unlock() { l.f.Close() }
