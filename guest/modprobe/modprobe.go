// Package modprobe loads and removes kernel modules in the running system
// with their dependencies, the way modprobe(8) does, from the index that
// pidone puts in the image (/lib/modules/$(uname -r)/modules.dep and
// friends). Init's coldplug and the modprobe, insmod, rmmod and lsmod
// commands share it.
package modprobe

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/kmod"
)

// ErrNoModules says the image has no modules for the running kernel.
var ErrNoModules = errors.New("no modules in this system")

// System is the modules of the running kernel as the image has them.
type System struct {
	Root    string      // "/", or a test's tree
	Release string      // the kernel's release, uname -r
	Dir     string      // Root/lib/modules/Release
	Index   *kmod.Index // empty when the image has the directory but no modules
	// Absent are the aliases of virtual-device drivers the kernel has and
	// the image lacks (bootopts.AbsentFile), to say which module a device
	// needs.
	Absent []kmod.Alias
	// Params are the module parameters of the kernel command line
	// (MODULE.PARAM=VALUE in /proc/cmdline), by module name: each module
	// gets its own when it loads, as with kmod's modprobe.
	Params map[string]string

	// insmod loads a module file; nil is the kernel's finit_module.
	// Tests replace it.
	insmod func(path, params string) error
}

// Open reads the module index of the running kernel (release "" asks
// uname) under root. With no /lib/modules/RELEASE at all the error wraps
// ErrNoModules, and the System returned with it has no modules: every
// name asked of it is a *NotFoundError.
func Open(root, release string) (*System, error) {
	if release == "" {
		var u unix.Utsname
		if err := unix.Uname(&u); err != nil {
			return nil, err
		}
		release = unix.ByteSliceToString(u.Release[:])
	}
	s := &System{Root: root, Release: release, Dir: filepath.Join(root, "lib/modules", release), Index: kmod.NewIndex(nil, nil, nil, nil)}
	if b, err := os.ReadFile(filepath.Join(root, "proc/cmdline")); err == nil {
		s.Params = kmod.CmdlineOptions(string(b))
	}
	if st, err := os.Stat(s.Dir); err != nil || !st.IsDir() {
		return s, fmt.Errorf("%w: no %s", ErrNoModules, s.guestPath(s.Dir))
	}
	ix, err := kmod.Load(s.Dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// The directory without modules.dep: an image built with
		// --modules none, which has only the list of what it lacks.
	case err != nil:
		return nil, err
	default:
		s.Index = ix
	}
	if b, err := os.ReadFile(filepath.Join(s.Dir, bootopts.AbsentFile)); err == nil {
		s.Absent, _ = kmod.ParseAlias(strings.NewReader(string(b)))
	}
	return s, nil
}

// guestPath is p as the system sees it, without a test's root.
func (s *System) guestPath(p string) string {
	if s.Root == "/" || s.Root == "" {
		return p
	}
	if rel, err := filepath.Rel(s.Root, p); err == nil {
		return "/" + rel
	}
	return p
}

// ModulesDir is /lib/modules/RELEASE, for messages.
func (s *System) ModulesDir() string { return s.guestPath(s.Dir) }

// NotFoundError is a name that is no module of the image.
type NotFoundError struct {
	Name string
	Dir  string // /lib/modules/RELEASE
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s: no such module in %s (pidone build --modules adds modules)", e.Name, e.Dir)
}

// BuiltinError says a module asked for is built into the kernel: there
// is nothing to load or remove.
type BuiltinError struct{ Name string }

func (e *BuiltinError) Error() string { return e.Name + " is built into the kernel" }

// ProcModule is one line of /proc/modules.
type ProcModule struct {
	Name  string
	Size  int64
	Refs  int      // how many hold it; -1 when the kernel does not say
	Users []string // modules that use it
	State string   // Live, Loading or Unloading
}

// ParseProcModules reads /proc/modules: "name size refs users, state
// address", newest module first.
func ParseProcModules(r io.Reader) ([]ProcModule, error) {
	var ms []ProcModule
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) < 5 {
			return nil, fmt.Errorf("/proc/modules line %d: %q has %d fields, want 6", n, sc.Text(), len(f))
		}
		m := ProcModule{Name: f[0], State: f[4], Refs: -1}
		var err error
		if m.Size, err = strconv.ParseInt(f[1], 10, 64); err != nil || m.Size < 0 {
			return nil, fmt.Errorf("/proc/modules line %d: size %q", n, f[1])
		}
		if f[2] != "-" {
			if m.Refs, err = strconv.Atoi(f[2]); err != nil || m.Refs < 0 {
				return nil, fmt.Errorf("/proc/modules line %d: use count %q", n, f[2])
			}
		}
		for _, u := range strings.Split(f[3], ",") {
			if u != "" && u != "-" {
				m.Users = append(m.Users, u)
			}
		}
		ms = append(ms, m)
	}
	return ms, sc.Err()
}

// Loaded returns the modules in the kernel now, by name.
func (s *System) Loaded() (map[string]ProcModule, error) {
	return loaded(s.Root)
}

func loaded(root string) (map[string]ProcModule, error) {
	f, err := os.Open(filepath.Join(root, "proc/modules"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ms, err := ParseProcModules(f)
	if err != nil {
		return nil, err
	}
	m := make(map[string]ProcModule, len(ms))
	for _, x := range ms {
		m[x.Name] = x
	}
	return m, nil
}

// Options adjust Load and Remove.
type Options struct {
	Params string // "key=value ..." for the module named, not for what it needs
	DryRun bool   // say what would be done, do nothing
	// Log, when set, is told each step: "insmod /lib/modules/.../x.ko".
	Log func(format string, args ...any)
	// Note, when set, is told of what failed without failing the load:
	// a soft dependency that did not load, or one of an alias's modules
	// when another did. Without it, Log is, as "note: ...".
	Note func(format string, args ...any)
}

func (o *Options) log(format string, args ...any) {
	if o.Log != nil {
		o.Log(format, args...)
	}
}

func (o *Options) note(format string, args ...any) {
	if o.Note != nil {
		o.Note(format, args...)
		return
	}
	o.log("note: "+format, args...)
}

// Resolve turns a name as modprobe takes it (module name or alias) into
// the image's modules, or a *NotFoundError or *BuiltinError.
func (s *System) Resolve(name string) ([]string, error) {
	mods, builtin := s.Index.Resolve(name)
	switch {
	case builtin:
		return nil, &BuiltinError{Name: kmod.Name(name)}
	case len(mods) == 0:
		return nil, &NotFoundError{Name: name, Dir: s.ModulesDir()}
	}
	return mods, nil
}

// Load loads the module or alias name as kmod's modprobe does, and
// returns what it loaded. For each module the name stands for, it loads
// the module's "pre" soft dependencies, what it needs, the module with its
// parameters (Params, then o.Params), then its "post" soft dependencies,
// skipping what is loaded already.
//
// Soft dependencies are wishes, not needs: one that fails to load is no
// failure of the module that asks for it (o.Note is told). crc32c_intel,
// for one, refuses CPUs without SSE4.2, such as QEMU's default under TCG,
// and libcrc32c, which asks for "crc32c", works with crc32c_generic. An
// alias that several modules answer (crypto-ghash: ghash_clmulni_intel
// and ghash_generic) has each of them tried in turn; the load succeeds if
// any of them loads, and fails naming each when none does.
func (s *System) Load(name string, o Options) ([]string, error) {
	targets, err := s.Resolve(name)
	if err != nil {
		return nil, err
	}
	have, err := s.Loaded()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if have == nil {
		have = map[string]ProcModule{}
	}
	failed := map[string]error{}
	var done []string
	var errs []error
	ok := false
	for _, t := range targets {
		got, err := s.probe(t, o, have, failed)
		done = append(done, got...)
		if err == nil {
			ok = true
			continue
		}
		errs = append(errs, err)
	}
	switch {
	case ok:
		for _, e := range errs {
			o.note("%v (%s is loaded with another of its modules)", e, name)
		}
		return done, nil
	case len(errs) == 1:
		return done, errs[0]
	}
	return done, &AliasError{Name: name, Errs: errs}
}

// AliasError is an alias none of whose modules loaded: Errs says why,
// one for each.
type AliasError struct {
	Name string
	Errs []error
}

func (e *AliasError) Error() string {
	var b strings.Builder
	b.WriteString(e.Name + ": none of its modules loads: ")
	for i, err := range e.Errs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

func (e *AliasError) Unwrap() []error { return e.Errs }

// probe loads the module t with what it needs and its soft dependencies
// (see Load). have (what the kernel has) and failed (what would not
// load) are kept across the modules of one Load.
func (s *System) probe(t string, o Options, have map[string]ProcModule, failed map[string]error) ([]string, error) {
	if _, ok := have[t]; ok {
		return nil, nil
	}
	order, err := s.Index.Order([]string{t}, true)
	if err != nil {
		return nil, err
	}
	// What t needs must load; the rest of the order are soft
	// dependencies (and what they need).
	required := map[string]bool{t: true}
	for _, d := range s.Index.Modules[t].Deps {
		required[d] = true
	}
	var done []string
	for _, n := range order {
		if _, ok := have[n]; ok {
			continue
		}
		err := failed[n]
		if err == nil {
			err = s.insmodModule(n, t, o)
		}
		switch {
		case err == nil, err == errLoaded:
			if err == nil {
				done = append(done, n)
			}
			have[n] = ProcModule{Name: n, State: "Live"}
		case required[n]:
			failed[n] = err
			return done, err
		default:
			if failed[n] == nil {
				o.note("%v (a soft dependency of %s; going on without it)", err, s.softdepOf(n, order))
			}
			failed[n] = err
		}
	}
	return done, nil
}

// softdepOf names the module of order whose soft dependency n is, for
// messages.
func (s *System) softdepOf(n string, order []string) string {
	for _, m := range order {
		if sd := s.Index.Softdeps[m]; sd != nil {
			for _, w := range append(append([]string(nil), sd.Pre...), sd.Post...) {
				if mods, _ := s.Index.Resolve(w); slices.Contains(mods, n) {
					return m
				}
			}
		}
	}
	return "another module"
}

// errLoaded says a module was loaded by someone else meanwhile.
var errLoaded = errors.New("loaded already")

// insmodModule loads the module n of the index, for target: with its
// parameters from the kernel command line, and o.Params when it is the
// module asked for.
func (s *System) insmodModule(n, target string, o Options) error {
	params := s.Params[n]
	if n == target && o.Params != "" {
		params = strings.TrimSpace(params + " " + o.Params)
	}
	path := filepath.Join(s.Dir, filepath.FromSlash(s.Index.Modules[n].Path))
	o.log("insmod %s %s", s.guestPath(path), params)
	if o.DryRun {
		return nil
	}
	load := s.insmod
	if load == nil {
		load = insmod
	}
	switch err := load(path, params); {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return errLoaded // by someone else, since Load looked
	default:
		return fmt.Errorf("%s: cannot load %s: %s", n, s.guestPath(path), loadReason(err))
	}
}

// Insmod loads the module file path (a plain .ko) with params.
func Insmod(path, params string) error {
	if _, ok := kmod.TrimSuffix(path); ok && !strings.HasSuffix(path, ".ko") {
		return fmt.Errorf("%s: compressed modules cannot be loaded here; decompress it first (pidone build decompresses the modules it adds)", path)
	}
	if err := insmod(path, params); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("%s: module already loaded", path)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return err
		}
		return fmt.Errorf("%s: %s", path, loadReason(err))
	}
	return nil
}

func insmod(path, params string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// finit_module rather than init_module: the kernel reads the file
	// itself, and no copy of the module passes through our memory.
	return unix.FinitModule(int(f.Fd()), params, 0)
}

// loadReason says why the kernel refused a module, in the words kmod
// uses where they help.
func loadReason(err error) string {
	switch {
	case errors.Is(err, unix.ENOENT):
		return "unknown symbol in module, or unknown parameter (see dmesg)"
	case errors.Is(err, unix.ENOEXEC):
		return "invalid module format (built for another kernel?)"
	case errors.Is(err, unix.EPERM):
		return "operation not permitted (needs root; or module loading is disabled)"
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}

// Remove unloads the module or alias name and then what it needed that no
// other module uses any more, and returns what it removed.
func (s *System) Remove(name string, o Options) ([]string, error) {
	targets, err := s.Resolve(name)
	if err != nil {
		return nil, err
	}
	have, err := s.Loaded()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, t := range targets {
		m, ok := have[t]
		if !ok {
			return removed, fmt.Errorf("%s: not loaded", t)
		}
		if len(m.Users) > 0 || m.Refs > 0 {
			return removed, fmt.Errorf("%s: in use%s", t, usedBy(m))
		}
		o.log("rmmod %s", t)
		if !o.DryRun {
			if err := Rmmod(t); err != nil {
				return removed, err
			}
		}
		removed = append(removed, t)
		// Then what it needed, most dependent first, each if nothing
		// uses it any more. A real removal reads the use counts again
		// (they have just dropped); a dry run works them out.
		gone := map[string]bool{t: true}
		for _, d := range s.Index.Modules[t].Deps {
			now := have
			if !o.DryRun {
				if now, err = s.Loaded(); err != nil {
					break
				}
			}
			dm, ok := now[d]
			if !ok || !unusedWithout(dm, gone) {
				continue
			}
			o.log("rmmod %s", d)
			if !o.DryRun && Rmmod(d) != nil {
				continue
			}
			gone[d] = true
			removed = append(removed, d)
		}
	}
	return removed, nil
}

// unusedWithout reports whether m would be unused once the modules gone
// are: no other module uses it and nothing else holds it.
func unusedWithout(m ProcModule, gone map[string]bool) bool {
	users := 0
	for _, u := range m.Users {
		if !gone[u] {
			return false
		}
		users++
	}
	return m.Refs <= users
}

func usedBy(m ProcModule) string {
	if len(m.Users) == 0 {
		return ""
	}
	return " by " + strings.Join(m.Users, ", ")
}

// Rmmod unloads the module name, failing rather than waiting when it is
// in use.
func Rmmod(name string) error {
	name = kmod.Name(name)
	err := unix.DeleteModule(name, unix.O_NONBLOCK)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT):
		return fmt.Errorf("%s: not loaded", name)
	case errors.Is(err, unix.EWOULDBLOCK), errors.Is(err, unix.EBUSY):
		if m, lerr := loaded("/"); lerr == nil {
			return fmt.Errorf("%s: in use%s", name, usedBy(m[name]))
		}
		return fmt.Errorf("%s: in use", name)
	}
	return fmt.Errorf("%s: cannot unload: %s", name, loadReason(err))
}

// Device is a device the kernel knows, from sysfs.
type Device struct {
	Name     string // its sysfs name: 0000:00:03.0, virtio1, ...
	Bus      string // pci, virtio, ...
	Modalias string
	Bound    bool // a driver has it
}

// Devices lists every device of every bus that has a modalias, sorted by
// bus and name.
func Devices(root string) []Device {
	return (&Scanner{Root: root, All: true}).Scan()
}

// Scanner finds the devices that have appeared since its last Scan, so
// that coldplug's later passes cost a directory read per bus rather than
// a read of every device again (sysfs is slow under emulation).
type Scanner struct {
	Root string
	// All keeps bound devices in the result; without it Scan returns only
	// devices that no driver has, the ones that may need a module.
	All  bool
	seen map[string]bool
}

// Scan returns the devices with a modalias that it has not returned
// before, sorted by bus and name.
func (sc *Scanner) Scan() []Device {
	if sc.seen == nil {
		sc.seen = map[string]bool{}
	}
	busDir := filepath.Join(sc.Root, "sys/bus")
	buses, _ := os.ReadDir(busDir)
	var devs []Device
	for _, b := range buses {
		dir := filepath.Join(busDir, b.Name(), "devices")
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			key := b.Name() + "/" + e.Name()
			if sc.seen[key] {
				continue
			}
			sc.seen[key] = true
			d := Device{Name: e.Name(), Bus: b.Name()}
			if _, err := os.Lstat(filepath.Join(dir, e.Name(), "driver")); err == nil {
				d.Bound = true
				if !sc.All {
					continue
				}
			}
			// A device without a modalias is done with too: a device's
			// attributes are all there once device_add returns, which is
			// before the probe that added it (and so the insmod, or the
			// wait for the parent's driver) ends.
			m, err := os.ReadFile(filepath.Join(dir, e.Name(), "modalias"))
			if d.Modalias = strings.TrimSpace(string(m)); err != nil || d.Modalias == "" {
				continue
			}
			devs = append(devs, d)
		}
	}
	return devs
}
