package kmod

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Module is one module of an Index.
type Module struct {
	Name string
	Path string // relative to the lib/modules/VERSION directory
	// Deps names every module it needs, directly or through others, each
	// before the ones it needs: the order of its modules.dep line.
	Deps []string
}

// Index is what depmod knows of a kernel's modules: where each is, what
// each needs, which devices each drives, and which drivers are built in.
type Index struct {
	Modules  map[string]*Module  // by name
	Aliases  []Alias             // in modules.alias order
	Softdeps map[string]*Softdep // by module name
	Builtin  map[string]bool     // names of built-in drivers
}

// NotFoundError is returned for a module name that is neither a module
// of the index, nor built in, nor an alias of a module.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string { return e.Name + ": no such module" }

// NewIndex makes an index from the contents of the standard files.
func NewIndex(deps []Dep, aliases []Alias, softdeps []Softdep, builtin []string) *Index {
	ix := &Index{
		Modules:  make(map[string]*Module, len(deps)),
		Aliases:  aliases,
		Softdeps: map[string]*Softdep{},
		Builtin:  make(map[string]bool, len(builtin)),
	}
	for _, d := range deps {
		m := &Module{Name: Name(d.Path), Path: d.Path}
		for _, p := range d.Deps {
			m.Deps = append(m.Deps, Name(p))
		}
		ix.Modules[m.Name] = m
	}
	for i := range softdeps {
		sd := softdeps[i]
		ix.Softdeps[sd.Module] = &sd
	}
	for _, b := range builtin {
		ix.Builtin[b] = true
	}
	return ix
}

// The standard file names in a lib/modules/VERSION directory.
const (
	DepFile     = "modules.dep"
	AliasFile   = "modules.alias"
	SoftdepFile = "modules.softdep"
	BuiltinFile = "modules.builtin"
	DevnameFile = "modules.devname"
)

// Load reads the index of the module tree dir (a lib/modules/VERSION
// directory). modules.dep must be there (an error for which
// errors.Is(err, fs.ErrNotExist) is true says it is not); modules.alias,
// modules.softdep and modules.builtin are read when they are.
func Load(dir string) (*Index, error) {
	var deps []Dep
	var aliases []Alias
	var softdeps []Softdep
	var builtin []string
	for _, f := range []struct {
		name     string
		required bool
		parse    func(io.Reader) error
	}{
		{DepFile, true, func(r io.Reader) (err error) { deps, err = ParseDep(r); return }},
		{AliasFile, false, func(r io.Reader) (err error) { aliases, err = ParseAlias(r); return }},
		{SoftdepFile, false, func(r io.Reader) (err error) { softdeps, err = ParseSoftdep(r); return }},
		{BuiltinFile, false, func(r io.Reader) (err error) { builtin, err = ParseBuiltin(r); return }},
	} {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if errors.Is(err, os.ErrNotExist) && !f.required {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := f.parse(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, f.name), err)
		}
	}
	return NewIndex(deps, aliases, softdeps, builtin), nil
}

// Deps returns the index as modules.dep lines, sorted by path.
func (ix *Index) Deps() []Dep {
	deps := make([]Dep, 0, len(ix.Modules))
	for _, m := range ix.Modules {
		d := Dep{Path: m.Path}
		for _, n := range m.Deps {
			if dm, ok := ix.Modules[n]; ok {
				d.Deps = append(d.Deps, dm.Path)
			}
		}
		deps = append(deps, d)
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Path < deps[j].Path })
	return deps
}

// SoftdepList returns the soft dependencies sorted by module name.
func (ix *Index) SoftdepList() []Softdep {
	var sds []Softdep
	for _, sd := range ix.Softdeps {
		sds = append(sds, *sd)
	}
	sort.Slice(sds, func(i, j int) bool { return sds[i].Module < sds[j].Module })
	return sds
}

// Devnames returns the device nodes the index's modules provide, sorted
// by module name, as depmod writes them into modules.devname: they are
// made from each module's aliases (see Devname).
func (ix *Index) Devnames() []Devname {
	byModule := map[string][]string{}
	for _, a := range ix.Aliases {
		if strings.HasPrefix(a.Pattern, "devname:") || strings.HasPrefix(a.Pattern, "char-major-") || strings.HasPrefix(a.Pattern, "block-major-") {
			byModule[a.Module] = append(byModule[a.Module], a.Pattern)
		}
	}
	var ds []Devname
	for m, as := range byModule {
		if d, ok := devnameOf(m, as); ok {
			ds = append(ds, d)
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Module < ds[j].Module })
	return ds
}

// WriteDir writes modules.dep, modules.alias, modules.softdep and
// modules.devname into dir, each replaced whole so that a reader never
// sees half a file. modules.dep comes last: when it is there, the others
// are too.
func (ix *Index) WriteDir(dir string) error {
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{AliasFile, func(w io.Writer) error { return WriteAlias(w, ix.Aliases) }},
		{SoftdepFile, func(w io.Writer) error { return WriteSoftdep(w, ix.SoftdepList()) }},
		{DevnameFile, func(w io.Writer) error { return WriteDevname(w, ix.Devnames()) }},
		{DepFile, func(w io.Writer) error { return WriteDep(w, ix.Deps()) }},
	} {
		var buf bytes.Buffer
		f.write(&buf)
		if err := writeFileAtomic(filepath.Join(dir, f.name), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kmod-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Lookup returns the modules whose aliases match modalias (a device's
// /sys/.../modalias, or a name such as "fs-9p" that the kernel asks
// modprobe for), in modules.alias order, each once.
func (ix *Index) Lookup(modalias string) []string {
	return lookup(ix.Aliases, modalias)
}

// LookupIn is Lookup over a list of aliases.
func LookupIn(aliases []Alias, modalias string) []string { return lookup(aliases, modalias) }

func lookup(aliases []Alias, modalias string) []string {
	s := NormalizeAlias(modalias)
	var names []string
	for _, a := range aliases {
		if Match(NormalizeAlias(a.Pattern), s) && !contains(names, a.Module) {
			names = append(names, a.Module)
		}
	}
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Resolve turns a name as modprobe takes it, a module name or an alias,
// into module names. builtin is true when the name is a built-in driver;
// no modules and not built in means the kernel has no such module.
func (ix *Index) Resolve(name string) (modules []string, builtin bool) {
	n := Name(name)
	if _, ok := ix.Modules[n]; ok {
		return []string{n}, false
	}
	if ix.Builtin[n] {
		return nil, true
	}
	return ix.Lookup(name), false
}

// Order returns the modules to load, in order, for names (module names or
// aliases): every dependency before the modules that need it, each
// module once, dependency cycles (which the kernel would refuse anyway)
// broken rather than followed for ever. With soft, the soft dependencies
// come too: "pre" ones before their module, "post" ones after. Built-in
// drivers are left out; a name that is neither is a *NotFoundError.
func (ix *Index) Order(names []string, soft bool) ([]string, error) {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var order []string
	var visit func(name string)
	visitAll := func(names []string) {
		for _, n := range names {
			mods, _ := ix.Resolve(n)
			for _, m := range mods {
				visit(m)
			}
		}
	}
	visit = func(name string) {
		m, ok := ix.Modules[name]
		if !ok || state[name] != 0 {
			return
		}
		state[name] = visiting
		sd := ix.Softdeps[name]
		if soft && sd != nil {
			visitAll(sd.Pre)
		}
		// Deps lists the most basic modules last.
		for i := len(m.Deps) - 1; i >= 0; i-- {
			visit(m.Deps[i])
		}
		state[name] = done
		order = append(order, name)
		if soft && sd != nil {
			visitAll(sd.Post)
		}
	}
	for _, n := range names {
		mods, builtin := ix.Resolve(n)
		if len(mods) == 0 && !builtin {
			return nil, &NotFoundError{Name: n}
		}
		for _, m := range mods {
			visit(m)
		}
	}
	return order, nil
}

// Subset returns the index of only the modules named (Order gives a list
// with their dependencies): their modules.dep lines, aliases and soft
// dependencies. The built-in list is kept whole. The Modules are copies,
// so their paths may be changed without changing ix.
func (ix *Index) Subset(names []string) *Index {
	sub := &Index{
		Modules:  map[string]*Module{},
		Softdeps: map[string]*Softdep{},
		Builtin:  ix.Builtin,
	}
	in := map[string]bool{}
	for _, n := range names {
		in[n] = true
	}
	for _, n := range names {
		if m, ok := ix.Modules[n]; ok {
			c := *m
			c.Deps = nil
			for _, d := range m.Deps {
				if in[d] {
					c.Deps = append(c.Deps, d)
				}
			}
			sub.Modules[n] = &c
		}
		if sd, ok := ix.Softdeps[n]; ok {
			c := *sd
			sub.Softdeps[n] = &c
		}
	}
	for _, a := range ix.Aliases {
		if _, ok := sub.Modules[a.Module]; ok {
			sub.Aliases = append(sub.Aliases, a)
		}
	}
	return sub
}

// Names returns the names of the index's modules, sorted.
func (ix *Index) Names() []string {
	names := make([]string, 0, len(ix.Modules))
	for n := range ix.Modules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
