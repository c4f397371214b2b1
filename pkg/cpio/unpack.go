package cpio

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Unpack writes the archive read from r under dir: directories, regular
// files and symlinks, with their permission bits. An entry whose name
// would leave dir ("../x", or a path through a symlink the archive made)
// is an error, and so is a device node or other special file: an archive
// unpacked here only carries files.
func Unpack(r io.Reader, dir string) error {
	cr := NewReader(r)
	for {
		h, err := cr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean("/" + h.Name)
		if name == "/" {
			continue // the archive's root is dir itself
		}
		if containsDotDot(h.Name) {
			return fmt.Errorf("cpio: %s: a name with .. may not leave the directory", h.Name)
		}
		p := filepath.Join(dir, name)
		if err := notThroughSymlink(dir, filepath.Dir(name)); err != nil {
			return fmt.Errorf("cpio: %s: %w", h.Name, err)
		}
		perm := os.FileMode(h.Mode & 0o7777)
		switch h.Type() {
		case TypeDir:
			if err := os.MkdirAll(p, perm|0o700); err != nil {
				return err
			}
			if err := os.Chmod(p, perm); err != nil {
				return err
			}
		case TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			os.Remove(p) // a link or an older file of that name
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, cr); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			if err := os.Chmod(p, perm); err != nil { // past the umask
				return err
			}
		case TypeSymlink:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			os.Remove(p)
			if err := os.Symlink(h.Linkname, p); err != nil {
				return err
			}
		default:
			return fmt.Errorf("cpio: %s: mode %#o: only directories, files and symlinks are unpacked", h.Name, h.Mode)
		}
	}
}

func containsDotDot(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

// notThroughSymlink checks that no directory on the way from dir to rel
// is a symlink, so that an archive cannot write outside dir by making a
// link and then a file under it.
func notThroughSymlink(dir, rel string) error {
	p := dir
	for _, part := range strings.Split(strings.Trim(rel, "/"), "/") {
		if part == "" {
			continue
		}
		p = filepath.Join(p, part)
		st, err := os.Lstat(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symlink; not written through", p)
		}
	}
	return nil
}
