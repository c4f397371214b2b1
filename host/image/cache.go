package image

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"pidone.dev/pkg/fserr"
)

// keyVersion changes whenever the image layout or the key's own framing
// changes, so that cached images from an older pidone are not reused.
const keyVersion = "pidone-image-3"

// Key returns a hash of everything that goes into the image: two specs
// with the same key give the same bytes. Host files are hashed by
// content, not by time, like Go's build cache. Every field goes in framed
// by its length, and every list by its count, so that no two different
// specs can give the same stream of bytes to the hash (an init and a
// guest binary must not hash like one init holding both).
func (s *Spec) Key() (string, error) {
	h := sha256.New()
	num := func(n int64) { binary.Write(h, binary.LittleEndian, n) }
	str := func(v string) {
		num(int64(len(v)))
		io.WriteString(h, v)
	}
	str(keyVersion)
	num(int64(len(s.Commands)))
	for _, c := range s.Commands {
		str(c)
	}
	str(s.Cmdline)
	str(s.Hostname)
	str(s.Compression)
	num(s.ModTime)
	if err := hashFile(h, s.Init); err != nil {
		return "", fmt.Errorf("init binary %s: %w", s.Init, fserr.Reason(err))
	}
	num(boolNum(s.Userland != ""))
	if s.Userland != "" {
		if err := hashFile(h, s.Userland); err != nil {
			return "", fmt.Errorf("guest binary %s: %w", s.Userland, fserr.Reason(err))
		}
	}
	// What the files bring: the files their links point to, the
	// libraries of programs.
	srcs, err := s.sources()
	if err != nil {
		return "", err
	}
	num(int64(len(srcs)))
	for _, f := range srcs {
		str(f.guest)
		err := filepath.WalkDir(f.host, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(f.host, p)
			// Each entry starts with a marker, so the end of a tree is
			// told from one more entry.
			str("entry")
			str(rel)
			num(int64(info.Mode()))
			switch {
			case info.Mode()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				str(target)
			case info.Mode().IsRegular():
				return hashFile(h, p)
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("--file %s: %w", f.from.Host, fserr.Reason(err))
		}
		str("end")
	}
	num(boolNum(s.Modules != nil))
	if m := s.Modules; m != nil {
		files, text, err := m.plan()
		if err != nil {
			return "", err
		}
		num(int64(len(files)))
		for _, f := range files {
			str(f.guest)
			if err := hashFile(h, f.host); err != nil {
				return "", fmt.Errorf("module %s: %w", f.host, fserr.Reason(err))
			}
		}
		names := make([]string, 0, len(text))
		for p := range text {
			names = append(names, p)
		}
		sort.Strings(names)
		num(int64(len(names)))
		for _, p := range names {
			str(p)
			str(string(text[p]))
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

func boolNum(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// hashFile hashes a file's length, then its bytes.
func hashFile(h hash.Hash, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	binary.Write(h, binary.LittleEndian, st.Size())
	n, err := io.Copy(h, f)
	if err == nil && n != st.Size() {
		return fmt.Errorf("%s changed size while being read", path)
	}
	return err
}

// Cached returns the path of the image for s in dir, writing it only if
// no image with the same key is there: a rebuild with nothing changed
// costs one hash of the inputs. The image is written with
// WriteFileContext.
func Cached(ctx context.Context, dir string, s *Spec) (string, error) {
	key, err := s.Key()
	if err != nil {
		return "", err
	}
	ext := map[string]string{"": ".cpio.gz", "gzip": ".cpio.gz", "zstd": ".cpio.zst", "none": ".cpio"}[s.Compression]
	if ext == "" {
		return "", fmt.Errorf("compression %q: use gzip, zstd or none", s.Compression)
	}
	path := filepath.Join(dir, key+ext)
	if _, err := os.Stat(path); err == nil {
		// Used now: Prune keeps the most recently used images.
		now := time.Now()
		_ = os.Chtimes(path, now, now)
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("cannot write %s: %w", dir, fserr.Reason(err))
	}
	return path, WriteFileContext(ctx, path, s)
}

// DefaultMax is how much the image cache keeps by default: 1 GiB.
const DefaultMax = 1 << 30

// inUse is how long after its last use an image is kept whatever the
// cache's size: another pidone may have just got it from Cached and be
// about to boot it.
const inUse = time.Minute

// Prune removes the least recently used images under dir (the files
// Cached writes, in dir and its subdirectories) until the rest take at
// most max bytes, and the temporary files of builds that died over an
// hour ago. Images used within the last minute stay. It returns the
// bytes it freed.
func Prune(dir string, max int64) (int64, error) {
	type image struct {
		path string
		size int64
		used time.Time
	}
	var images []image
	var freed int64
	now := time.Now()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		if strings.HasPrefix(d.Name(), ".") {
			if now.Sub(info.ModTime()) > time.Hour && os.Remove(p) == nil {
				freed += info.Size()
			}
			return nil
		}
		images = append(images, image{p, info.Size(), info.ModTime()})
		return nil
	})
	if err != nil {
		return freed, fmt.Errorf("image cache %s: %w", dir, fserr.Reason(err))
	}
	sort.Slice(images, func(i, j int) bool { return images[i].used.After(images[j].used) })
	var total int64
	for _, im := range images {
		total += im.size
		if total <= max || now.Sub(im.used) < inUse {
			continue
		}
		if err := os.Remove(im.path); err == nil {
			freed += im.size
		}
	}
	return freed, nil
}

// CopyFile copies the image at src to dst atomically; when ctx ends
// first, nothing is left at dst or beside it.
func CopyFile(ctx context.Context, dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".pidone-image-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", dst, fserr.Reason(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(ctxWriter{ctx, tmp}, in); err != nil {
		tmp.Close()
		if ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("cannot write %s: %w", dst, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", dst, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("cannot write %s: %w", dst, fserr.Reason(err))
	}
	return nil
}
