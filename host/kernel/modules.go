package kernel

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"pidone.dev/pkg/kmod"
)

// ErrNoModules is returned by ModuleIndex for a kernel whose module tree
// is not known (a --kernel bzImage given alone, say).
var ErrNoModules = errors.New("no module tree known for this kernel")

// ModuleIndex returns the index of k's modules (modules.dep,
// modules.alias, ...). A tree that has its own modules.dep (depmod made
// it at installation) is read as it is. Debian's packages ship none, so
// pidone indexes the tree with kmod.Depmod and keeps the index in its
// own cache (see IndexDir): the tree is only ever read, since it may be
// a host's /lib/modules, which belongs to its administrator.
func (k *Kernel) ModuleIndex() (*kmod.Index, error) {
	return k.moduleIndex(nil)
}

// moduleIndex is ModuleIndex, calling indexing (if not nil) before it
// indexes the tree, which takes seconds for a whole distribution kernel.
func (k *Kernel) moduleIndex(indexing func()) (*kmod.Index, error) {
	if k.Modules == "" {
		return nil, fmt.Errorf("kernel %s: %w", k.Path, ErrNoModules)
	}
	ix, err := kmod.Load(k.Modules)
	if err == nil {
		return ix, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("modules of %s: %w", k.Version, err)
	}
	dir, err := k.IndexDir()
	if err != nil {
		return nil, err
	}
	if ix, err := kmod.Load(dir); err == nil {
		return ix, nil
	}
	if indexing != nil {
		indexing()
	}
	ix, err = depmod(k.Modules, Decompress)
	if err != nil {
		return nil, err
	}
	// A cache that cannot be written to only costs the next call another
	// indexing.
	_ = saveIndex(dir, ix, k.Modules)
	return ix, nil
}

// indexVersion changes when Depmod's output or IndexDir's key changes.
const indexVersion = "pidone-modindex-1"

// IndexDir is where pidone keeps the index it made of k's module tree:
// CACHE/modindex/KEY, KEY being a hash of the tree's path, the kernel's
// version and the name, size and modification time of every module file
// and of modules.builtin. A tree whose modules change gets a new index.
func (k *Kernel) IndexDir() (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	root, err := filepath.Abs(k.Modules)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	str := func(s string) {
		binary.Write(h, binary.LittleEndian, int64(len(s)))
		io.WriteString(h, s)
	}
	str(indexVersion)
	str(root)
	str(k.Version)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if _, ok := kmod.TrimSuffix(d.Name()); !ok && d.Name() != kmod.BuiltinFile {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		str(rel)
		binary.Write(h, binary.LittleEndian, info.Size())
		binary.Write(h, binary.LittleEndian, info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("modules of %s: %w", k.Version, err)
	}
	return filepath.Join(cache, "modindex", hex.EncodeToString(h.Sum(nil)[:16])), nil
}

// saveIndex writes ix, with the tree's modules.builtin, into dir: made
// whole beside it and renamed into place, so that another pidone
// indexing the same tree at once sees either no index or all of one.
func saveIndex(dir string, ix *kmod.Index, tree string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".index-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if b, err := os.ReadFile(filepath.Join(tree, kmod.BuiltinFile)); err == nil {
		if err := os.WriteFile(filepath.Join(tmp, kmod.BuiltinFile), b, 0o644); err != nil {
			return err
		}
	}
	if err := ix.WriteDir(tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	// Fails when another pidone got there first: its index is as good.
	return os.Rename(tmp, dir)
}

// Decompress reads a compressed module file: name ends in .ko.xz,
// .ko.zst or .ko.gz. It is kmod.Depmod's Decompressor.
func Decompress(name string, r io.Reader) (io.Reader, error) {
	switch {
	case strings.HasSuffix(name, ".xz"):
		return xz.NewReader(r)
	case strings.HasSuffix(name, ".zst"):
		// One goroutine and no lingering decoder: modules are small.
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(zr)
		zr.Close()
		return bytes.NewReader(b), err
	case strings.HasSuffix(name, ".gz"):
		return gzip.NewReader(r)
	}
	return r, nil
}

// ReadModule returns the contents of a module file, decompressed.
func ReadModule(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := Decompress(path, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// depmod is kmod.Depmod; a test counts its calls.
var depmod = kmod.Depmod
