// Package elfdeps finds what a dynamically linked ELF program needs to run
// in another root, as virtme-ng does for the host programs it runs in a
// VM: its dynamic loader (PT_INTERP) and its shared libraries (DT_NEEDED,
// and theirs, recursively), found where the host's loader finds them:
// DT_RPATH, DT_RUNPATH, ld.so.cache (read with ldconfig -p), then the
// standard directories.
package elfdeps

import (
	"bufio"
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// A Dep is a file a program needs: its loader or a shared library.
type Dep struct {
	Name  string // as the program (or a library) names it: DT_NEEDED, or PT_INTERP
	Host  string // where the host's loader finds it; may be a symbolic link
	Guest string // where it goes in the other root
}

// Resolver finds libraries as the host's dynamic loader (glibc's ld.so)
// does. The zero value reads the host's ld.so.cache and searches the
// standard directories.
type Resolver struct {
	// Cache maps library names to the paths the loader's cache has for
	// them, best first. Nil reads them from "ldconfig -p", once per
	// process; none are found when ldconfig is missing.
	Cache map[string][]string
	// Dirs are searched after the cache, nil meaning the multiarch
	// directories of the program's machine (/lib/x86_64-linux-gnu,
	// /usr/lib/x86_64-linux-gnu), then /lib64 and /usr/lib64 for 64-bit
	// programs, then /lib and /usr/lib.
	Dirs []string
}

// Deps is Resolver{}.Deps.
func Deps(host, guest string) ([]Dep, error) {
	var r Resolver
	return r.Deps(host, guest)
}

// Deps returns what the program at host needs to run at guest in another
// root: its loader first, then its libraries in the order the loader
// loads them (breadth first), each once. Most go at their host path; a
// library found through an RPATH or RUNPATH of $ORIGIN goes where
// $ORIGIN points in the other root. A file that is not ELF, or a static
// program, needs nothing. A library the host's loader would not find
// either is a *NotFoundError.
func (r *Resolver) Deps(host, guest string) ([]Dep, error) {
	f, err := openELF(host)
	if err != nil || f == nil {
		return nil, err
	}
	defer f.Close()
	// $ORIGIN of a program is its directory with symbolic links
	// resolved (the loader reads /proc/self/exe).
	real, err := filepath.EvalSymlinks(host)
	if err != nil {
		return nil, err
	}
	w := &walk{r: r, class: f.Class, machine: f.Machine, seen: map[string]bool{}, guests: map[string]bool{}}
	if interp := interpreter(f.File); interp != "" {
		if _, err := os.Stat(interp); err != nil {
			return nil, fmt.Errorf("%s: its loader %s: %w", host, interp, err)
		}
		w.add(Dep{Name: interp, Host: interp, Guest: interp})
		w.seen[path.Base(interp)] = true
		// Libraries naming the loader (libc does) get the one loaded.
		if lf, err := openELF(interp); err == nil && lf != nil {
			if sonames, _ := lf.DynString(elf.DT_SONAME); len(sonames) > 0 {
				w.seen[sonames[0]] = true
			}
			lf.Close()
		}
	}
	root := &object{host: host, origin: filepath.Dir(real), guestOrigin: path.Dir(guest)}
	if err := root.read(f.File); err != nil {
		return nil, fmt.Errorf("%s: %w", host, err)
	}
	for queue := []*object{root}; len(queue) > 0; queue = queue[1:] {
		o := queue[0]
		for _, name := range o.needed {
			if w.seen[name] {
				continue
			}
			w.seen[name] = true
			d, err := w.find(o, name)
			if err != nil {
				return nil, err
			}
			w.add(d)
			lf, err := openELF(d.Host)
			if err != nil {
				return nil, err
			}
			if lf == nil {
				continue
			}
			lib := &object{host: d.Host, origin: filepath.Dir(d.Host), guestOrigin: path.Dir(d.Guest), parent: o}
			err = lib.read(lf.File)
			// The loader takes a library loaded under one name for a
			// need of its soname.
			if sonames, _ := lf.DynString(elf.DT_SONAME); len(sonames) > 0 {
				w.seen[sonames[0]] = true
			}
			lf.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", d.Host, err)
			}
			queue = append(queue, lib)
		}
	}
	return w.deps, nil
}

// object is a program or library being loaded.
type object struct {
	host                string
	origin, guestOrigin string // $ORIGIN on the host and in the other root
	needed              []string
	rpath, runpath      []string // unexpanded
	parent              *object  // what loaded it; nil for the program
}

func (o *object) read(f *elf.File) error {
	var err error
	if o.needed, err = f.DynString(elf.DT_NEEDED); err != nil {
		return err
	}
	for tag, list := range map[elf.DynTag]*[]string{elf.DT_RPATH: &o.rpath, elf.DT_RUNPATH: &o.runpath} {
		vals, err := f.DynString(tag)
		if err != nil {
			return err
		}
		for _, v := range vals {
			*list = append(*list, filepath.SplitList(v)...)
		}
	}
	return nil
}

type walk struct {
	r       *Resolver
	class   elf.Class
	machine elf.Machine
	cache   map[string][]string
	seen    map[string]bool // names loaded
	guests  map[string]bool
	deps    []Dep
}

func (w *walk) add(d Dep) {
	if !w.guests[d.Guest] {
		w.guests[d.Guest] = true
		w.deps = append(w.deps, d)
	}
}

// find looks for the library name that o needs in glibc's order: the
// RPATHs of o and of what loaded it, up to the program (unless o has a
// RUNPATH), o's RUNPATH, the cache, the standard directories. The
// environment's LD_LIBRARY_PATH does not count: the other root does not
// have it.
func (w *walk) find(o *object, name string) (Dep, error) {
	if strings.Contains(name, "/") {
		if w.fits(name) {
			return Dep{Name: name, Host: name, Guest: name}, nil
		}
		return Dep{}, fmt.Errorf("%s needs %s, which is not there or not a library for its machine", o.host, name)
	}
	var searched []string
	inDirs := func(dirs []string, of *object) (Dep, bool) {
		for _, dir := range dirs {
			host, guest, ok := expand(dir, of)
			if !ok {
				continue
			}
			searched = append(searched, host)
			if p := filepath.Join(host, name); w.fits(p) {
				return Dep{Name: name, Host: p, Guest: path.Join(guest, name)}, true
			}
		}
		return Dep{}, false
	}
	if len(o.runpath) == 0 {
		for of := o; of != nil; of = of.parent {
			if d, ok := inDirs(of.rpath, of); ok {
				return d, nil
			}
		}
	}
	if d, ok := inDirs(o.runpath, o); ok {
		return d, nil
	}
	if w.cache == nil {
		var err error
		if w.cache, err = w.r.cache(); err != nil {
			return Dep{}, err
		}
	}
	for _, p := range w.cache[name] {
		if w.fits(p) {
			return Dep{Name: name, Host: p, Guest: p}, nil
		}
	}
	searched = append(searched, "ld.so.cache")
	if d, ok := inDirs(w.dirs(), nil); ok {
		return d, nil
	}
	return Dep{}, &NotFoundError{Object: o.host, Name: name, Searched: searched}
}

// NotFoundError is Deps' error for a library the host's loader would not
// find either.
type NotFoundError struct {
	Object   string   // the program or library that needs it
	Name     string   // the library, as Object names it
	Searched []string // where it was looked for, in order
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s needs %s, which the loader would not find (looked in %s)", e.Object, e.Name, strings.Join(e.Searched, ", "))
}

func (w *walk) dirs() []string {
	if w.r.Dirs != nil {
		return w.r.Dirs
	}
	var dirs []string
	if t := triplets[w.machine]; t != "" {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	if w.class == elf.ELFCLASS64 {
		dirs = append(dirs, "/lib64", "/usr/lib64")
	}
	return append(dirs, "/lib", "/usr/lib")
}

// triplets are Debian's multiarch names of the machines.
var triplets = map[elf.Machine]string{
	elf.EM_X86_64:  "x86_64-linux-gnu",
	elf.EM_AARCH64: "aarch64-linux-gnu",
	elf.EM_386:     "i386-linux-gnu",
	elf.EM_RISCV:   "riscv64-linux-gnu",
	elf.EM_PPC64:   "powerpc64le-linux-gnu",
	elf.EM_S390:    "s390x-linux-gnu",
}

// expand gives an RPATH or RUNPATH entry on the host and in the other
// root: $ORIGIN is the object's directory, which differs between them
// when the program goes to another path. Entries with the loader's other
// tokens ($LIB, $PLATFORM) and relative ones (relative to the working
// directory) are skipped.
func expand(dir string, o *object) (host, guest string, ok bool) {
	if o == nil {
		return dir, dir, true
	}
	host, guest = dir, dir
	for _, tok := range []string{"${ORIGIN}", "$ORIGIN"} {
		host = strings.ReplaceAll(host, tok, o.origin)
		guest = strings.ReplaceAll(guest, tok, o.guestOrigin)
	}
	if strings.Contains(host, "$") || !filepath.IsAbs(host) || !path.IsAbs(guest) {
		return "", "", false
	}
	return filepath.Clean(host), path.Clean(guest), true
}

// fits reports whether p is an ELF file for the program's class and
// machine: the loader passes over a 32-bit libc when loading a 64-bit
// program.
func (w *walk) fits(p string) bool {
	f, err := openELF(p)
	if err != nil || f == nil {
		return false
	}
	defer f.Close()
	return f.Class == w.class && f.Machine == w.machine
}

// elfFile is an open ELF file.
type elfFile struct {
	*elf.File
	fh *os.File
}

func (f *elfFile) Close() error { return f.fh.Close() }

// openELF opens an ELF file; nil, nil for a file that is not one.
func openELF(p string) (*elfFile, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	if _, err := io.ReadFull(fh, magic[:]); err != nil || string(magic[:]) != elf.ELFMAG {
		fh.Close()
		return nil, nil
	}
	f, err := elf.NewFile(fh)
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return &elfFile{f, fh}, nil
}

func interpreter(f *elf.File) string {
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, err := io.ReadAll(p.Open())
			if err != nil {
				return ""
			}
			return string(bytes.TrimRight(b, "\x00"))
		}
	}
	return ""
}

// cache is r.Cache, or ld.so.cache's entries read once.
func (r *Resolver) cache() (map[string][]string, error) {
	if r.Cache != nil {
		return r.Cache, nil
	}
	return ldCache()
}

var ldCache = sync.OnceValues(func() (map[string][]string, error) {
	prog, err := exec.LookPath("ldconfig")
	if err != nil {
		// Not on a user's PATH on Debian.
		for _, p := range []string{"/sbin/ldconfig", "/usr/sbin/ldconfig"} {
			if _, err := os.Stat(p); err == nil {
				prog = p
				break
			}
		}
	}
	if prog == "" {
		return map[string][]string{}, nil
	}
	cmd := exec.Command(prog, "-p")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		// No cache (a host without glibc's): the directories remain.
		return map[string][]string{}, nil
	}
	return ParseLdconfig(bytes.NewReader(out))
})

// ParseLdconfig reads the output of "ldconfig -p": lines such as
//
//	libz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1
//
// into library names and their paths, in the cache's order. Entries for
// glibc-hwcaps subdirectories (libraries built for newer CPUs than the
// baseline) are left out: the other root's CPU may lack what they use.
func ParseLdconfig(r io.Reader) (map[string][]string, error) {
	m := map[string][]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		left, p, ok := strings.Cut(line, " => ")
		if !ok {
			continue
		}
		name, flags, _ := strings.Cut(left, " (")
		if strings.Contains(flags, "hwcap") || strings.Contains(p, "/glibc-hwcaps/") {
			continue
		}
		m[name] = append(m[name], p)
	}
	if err := sc.Err(); err != nil {
		return nil, errors.Join(errors.New("reading ldconfig -p"), err)
	}
	return m, nil
}
