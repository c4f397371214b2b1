package web

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"pidone.dev/pkg/fserr"
)

// Export writes the site into dir (made if missing) as a static site:
// index.html and the files it names, flat. Files of the same names are
// replaced; nothing else in dir is touched. Each file is written under
// a temporary name and renamed, so a cancelled export leaves no
// half-written file.
func (s *Site) Export(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--export %s: %v", dir, fserr.Reason(err))
	}
	for _, name := range s.Names() {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if err := s.export(s.Files[name], filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return fmt.Errorf("--export %s: %w", dir, err)
		}
	}
	return nil
}

func (s *Site) export(f *File, dst string) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".export-*")
	if err != nil {
		return fmt.Errorf("%s: %v", filepath.Dir(dst), fserr.Reason(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", dst, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", dst, err)
	}
	return os.Rename(tmp.Name(), dst)
}
