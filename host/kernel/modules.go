package kernel

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"pidone.dev/pkg/kmod"
)

// ErrNoModules is returned by ModuleIndex for a kernel whose module tree
// is not known (a --kernel bzImage given alone, say).
var ErrNoModules = errors.New("no module tree known for this kernel")

// ModuleIndex returns the index of k's modules (modules.dep,
// modules.alias, ...). Debian's packages ship none (depmod makes them at
// installation), so the first call indexes the tree with kmod.Depmod and
// saves the standard files into it, where the cache makes them pidone's
// to write; a tree that cannot be written to (a host's /lib/modules) is
// indexed again on each call.
func (k *Kernel) ModuleIndex() (*kmod.Index, error) {
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
	ix, err = kmod.Depmod(k.Modules, Decompress)
	if err != nil {
		return nil, err
	}
	_ = ix.WriteDir(k.Modules)
	return ix, nil
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
