package kmod

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Dep is one line of modules.dep: a module file and every module file it
// needs, as paths relative to the lib/modules/VERSION directory. Deps
// lists each module before the ones it needs, as depmod writes them, so
// loading them from last to first works.
type Dep struct {
	Path string
	Deps []string
}

// Alias is one line of modules.alias: a modalias pattern and the module
// that drives what it matches.
type Alias struct {
	Pattern string
	Module  string
}

// Softdep is what modules.softdep says of one module: modules to load
// before it (Pre) and after it (Post), by module name or alias, which are
// not needed for it to load but for it to work well.
type Softdep struct {
	Module    string
	Pre, Post []string
}

// lines calls fn with each line of r that is not blank or a comment, and
// its number.
func lines(r io.Reader, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	return sc.Err()
}

// ParseDep reads modules.dep: "kernel/a.ko: kernel/b.ko kernel/c.ko".
func ParseDep(r io.Reader) ([]Dep, error) {
	var deps []Dep
	err := lines(r, func(n int, line string) error {
		p, rest, ok := strings.Cut(line, ":")
		p = strings.TrimSpace(p)
		if !ok || p == "" || strings.ContainsAny(p, " \t") {
			return fmt.Errorf("modules.dep line %d: want \"module.ko: dependency.ko ...\", got %q", n, line)
		}
		deps = append(deps, Dep{Path: p, Deps: strings.Fields(rest)})
		return nil
	})
	return deps, err
}

// WriteDep writes modules.dep.
func WriteDep(w io.Writer, deps []Dep) error {
	bw := bufio.NewWriter(w)
	for _, d := range deps {
		bw.WriteString(d.Path + ":")
		for _, p := range d.Deps {
			bw.WriteString(" " + p)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ParseAlias reads modules.alias: "alias PATTERN MODULE". Lines with
// other keywords (a hand-written file may have them) are skipped.
func ParseAlias(r io.Reader) ([]Alias, error) {
	var as []Alias
	err := lines(r, func(n int, line string) error {
		f := strings.Fields(line)
		if f[0] != "alias" {
			return nil
		}
		if len(f) != 3 {
			return fmt.Errorf("modules.alias line %d: want \"alias PATTERN MODULE\", got %q", n, line)
		}
		as = append(as, Alias{Pattern: f[1], Module: Name(f[2])})
		return nil
	})
	return as, err
}

// WriteAlias writes modules.alias, with depmod's header line.
func WriteAlias(w io.Writer, as []Alias) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("# Aliases extracted from modules themselves.\n")
	for _, a := range as {
		bw.WriteString("alias " + a.Pattern + " " + a.Module + "\n")
	}
	return bw.Flush()
}

// ParseSoftdep reads modules.softdep: "softdep MODULE pre: A B post: C".
// A module named on several lines gets them all, in order.
func ParseSoftdep(r io.Reader) ([]Softdep, error) {
	var sds []Softdep
	at := map[string]int{}
	err := lines(r, func(n int, line string) error {
		f := strings.Fields(line)
		if f[0] != "softdep" {
			return nil
		}
		if len(f) < 2 {
			return fmt.Errorf("modules.softdep line %d: want \"softdep MODULE pre: ... post: ...\", got %q", n, line)
		}
		name := Name(f[1])
		i, ok := at[name]
		if !ok {
			i = len(sds)
			at[name] = i
			sds = append(sds, Softdep{Module: name})
		}
		pre, post := parseSoftdep(strings.Join(f[2:], " "))
		sds[i].Pre = append(sds[i].Pre, pre...)
		sds[i].Post = append(sds[i].Post, post...)
		return nil
	})
	return sds, err
}

// parseSoftdep reads "pre: a b post: c", the value of a module's softdep=
// and the tail of a modules.softdep line. Words before any "pre:" or
// "post:" are ignored, as kmod ignores them.
func parseSoftdep(s string) (pre, post []string) {
	var cur *[]string
	for _, w := range strings.Fields(s) {
		switch w {
		case "pre:":
			cur = &pre
		case "post:":
			cur = &post
		default:
			if cur != nil {
				*cur = append(*cur, w)
			}
		}
	}
	return pre, post
}

// WriteSoftdep writes modules.softdep, one line per module.
func WriteSoftdep(w io.Writer, sds []Softdep) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("# Soft dependencies extracted from modules themselves.\n")
	for _, sd := range sds {
		if len(sd.Pre) == 0 && len(sd.Post) == 0 {
			continue
		}
		bw.WriteString("softdep " + sd.Module)
		if len(sd.Pre) > 0 {
			bw.WriteString(" pre: " + strings.Join(sd.Pre, " "))
		}
		if len(sd.Post) > 0 {
			bw.WriteString(" post: " + strings.Join(sd.Post, " "))
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ParseBuiltin reads modules.builtin, the paths the kernel's built-in
// drivers would have as modules, and returns their module names.
func ParseBuiltin(r io.Reader) ([]string, error) {
	var names []string
	err := lines(r, func(n int, line string) error {
		names = append(names, Name(line))
		return nil
	})
	return names, err
}

// Devname is one line of modules.devname: a device node that a module
// provides, which can be made before the module is loaded so that
// opening it makes the kernel load the module (kmod's static-nodes). The
// kernel asks for it as "char-major-MAJOR-MINOR" or
// "block-major-MAJOR-MINOR", which the module's aliases answer.
type Devname struct {
	Module       string
	Name         string // under /dev: "fuse", "net/tun"
	Type         byte   // 'c' (character) or 'b' (block)
	Major, Minor uint32
}

// ParseDevname reads modules.devname: "MODULE NAME TYPEMAJOR:MINOR", as
// in "tun net/tun c10:200".
func ParseDevname(r io.Reader) ([]Devname, error) {
	var ds []Devname
	err := lines(r, func(n int, line string) error {
		f := strings.Fields(line)
		d := Devname{}
		ok := len(f) == 3 && f[1] != "" && len(f[2]) > 1 && (f[2][0] == 'c' || f[2][0] == 'b')
		if ok {
			d.Module, d.Name, d.Type = Name(f[0]), f[1], f[2][0]
			d.Major, d.Minor, ok = parseMajorMinor(f[2][1:], ":")
		}
		if !ok || d.Module == "" || !validDevname(d.Name) {
			return fmt.Errorf("modules.devname line %d: want \"MODULE NAME cMAJOR:MINOR\", got %q", n, line)
		}
		ds = append(ds, d)
		return nil
	})
	return ds, err
}

// validDevname reports whether name can be a node under /dev: a relative
// path without "." or ".." parts, since init makes what it says.
func validDevname(name string) bool {
	if name == "" || name[0] == '/' {
		return false
	}
	for _, p := range strings.Split(name, "/") {
		if p == "" || p == "." || p == ".." {
			return false
		}
	}
	return true
}

// parseMajorMinor reads "MAJOR" sep "MINOR", two decimal numbers.
func parseMajorMinor(s, sep string) (major, minor uint32, ok bool) {
	a, b, found := strings.Cut(s, sep)
	if !found {
		return 0, 0, false
	}
	ma, err1 := strconv.ParseUint(a, 10, 32)
	mi, err2 := strconv.ParseUint(b, 10, 32)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uint32(ma), uint32(mi), true
}

// WriteDevname writes modules.devname, with depmod's header line when
// there is anything to write (depmod writes an empty file otherwise).
func WriteDevname(w io.Writer, ds []Devname) error {
	bw := bufio.NewWriter(w)
	if len(ds) > 0 {
		bw.WriteString("# Device nodes to trigger on-demand module loading.\n")
	}
	for _, d := range ds {
		fmt.Fprintf(bw, "%s %s %c%d:%d\n", d.Module, d.Name, d.Type, d.Major, d.Minor)
	}
	return bw.Flush()
}

// devnameOf is what depmod makes of one module's aliases: its node, named
// by a "devname:NAME" alias, with the numbers of a "char-major-M-m" or
// "block-major-M-m" one. A module with a name and no numbers (depmod
// complains of it) or numbers and no name has no node.
func devnameOf(module string, aliases []string) (Devname, bool) {
	d := Devname{Module: module}
	for _, a := range aliases {
		if name, ok := strings.CutPrefix(a, "devname:"); ok {
			d.Name = name
		} else if rest, ok := strings.CutPrefix(a, "char-major-"); ok {
			if ma, mi, ok := parseMajorMinor(rest, "-"); ok {
				d.Type, d.Major, d.Minor = 'c', ma, mi
			}
		} else if rest, ok := strings.CutPrefix(a, "block-major-"); ok {
			if ma, mi, ok := parseMajorMinor(rest, "-"); ok {
				d.Type, d.Major, d.Minor = 'b', ma, mi
			}
		}
		if d.Name != "" && d.Type != 0 {
			break
		}
	}
	return d, d.Name != "" && d.Type != 0 && validDevname(d.Name)
}
