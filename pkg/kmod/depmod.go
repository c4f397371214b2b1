package kmod

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Decompressor returns the contents of a compressed module file; name
// says which compression by its suffix (.ko.xz, .ko.zst).
type Decompressor func(name string, r io.Reader) (io.Reader, error)

// Depmod indexes the module tree dir (a lib/modules/VERSION directory),
// as depmod does at a kernel's installation: it reads the .modinfo of
// every module file under it (.ko, and compressed .ko.xz, .ko.zst and
// .ko.gz) and modules.builtin. decompress reads .ko.xz and .ko.zst, which
// the standard library cannot; nil is fine for trees without them. Files
// that are not modules are skipped.
//
// When two files give a module of the same name, the one under updates/
// wins, as with depmod's default search order; otherwise the first path
// in sorted order.
func Depmod(dir string, decompress Decompressor) (*Index, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// build/ and source/ are symlinks to the kernel's sources in
		// distribution trees; WalkDir does not follow them.
		if d.Type().IsRegular() {
			if _, ok := TrimSuffix(d.Name()); ok {
				rel, _ := filepath.Rel(dir, p)
				paths = append(paths, filepath.ToSlash(rel))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("depmod %s: %w", dir, err)
	}
	sort.Strings(paths)

	infos := make([]*ModInfo, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				infos[i], errs[i] = readFileModInfo(filepath.Join(dir, paths[i]), decompress)
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()

	var builtin []string
	if b, err := os.ReadFile(filepath.Join(dir, BuiltinFile)); err == nil {
		builtin, _ = ParseBuiltin(bytes.NewReader(b))
	}
	ix := NewIndex(nil, nil, nil, builtin)
	direct := map[string][]string{}
	aliases := map[string][]string{}
	for i, p := range paths {
		if errors.Is(errs[i], ErrNotModule) {
			continue
		}
		if errs[i] != nil {
			return nil, fmt.Errorf("depmod: %s: %w", p, errs[i])
		}
		name := infos[i].Name
		if name == "" {
			name = Name(p)
		}
		name = Name(name)
		if old, ok := ix.Modules[name]; ok && !(strings.HasPrefix(p, "updates/") && !strings.HasPrefix(old.Path, "updates/")) {
			continue
		}
		ix.Modules[name] = &Module{Name: name, Path: p}
		direct[name] = infos[i].Depends
		aliases[name] = infos[i].Aliases
		if len(infos[i].SoftPre) > 0 || len(infos[i].SoftPost) > 0 {
			ix.Softdeps[name] = &Softdep{Module: name, Pre: infos[i].SoftPre, Post: infos[i].SoftPost}
		} else {
			delete(ix.Softdeps, name)
		}
	}
	for _, name := range ix.Names() {
		ix.Modules[name].Deps = closure(name, direct, ix.Modules)
		for _, a := range aliases[name] {
			ix.Aliases = append(ix.Aliases, Alias{Pattern: a, Module: name})
		}
	}
	return ix, nil
}

// closure lists every module that name needs, directly or not, each
// before the modules it needs (the reverse of a load order). Names that
// are not in the tree (built in, or missing) are left out; cycles are
// cut.
func closure(name string, direct map[string][]string, mods map[string]*Module) []string {
	seen := map[string]bool{name: true}
	var post []string
	var visit func(n string)
	visit = func(n string) {
		for _, d := range direct[n] {
			if _, ok := mods[d]; !ok || seen[d] {
				continue
			}
			seen[d] = true
			visit(d)
			post = append(post, d)
		}
	}
	visit(name)
	for i, j := 0, len(post)-1; i < j; i, j = i+1, j-1 {
		post[i], post[j] = post[j], post[i]
	}
	return post
}

// readFileModInfo reads the .modinfo of one module file.
func readFileModInfo(path string, decompress Decompressor) (*ModInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.HasSuffix(path, ".ko") {
		return ReadModInfo(f)
	}
	var r io.Reader
	switch {
	case strings.HasSuffix(path, ".ko.gz"):
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	case decompress != nil:
		if r, err = decompress(filepath.Base(path), f); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("compressed module and no decompressor for it")
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return ReadModInfo(bytes.NewReader(b))
}
