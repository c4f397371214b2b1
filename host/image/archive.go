package image

import (
	"io"
	"path"
	"sort"

	"pidone.dev/pkg/cpio"
)

// WriteFiles writes files (host files and directory trees, as --file
// takes them) as an uncompressed newc archive, with every directory on
// the way: the work a guest restored from a snapshot unpacks into /, in
// the same form the image would have carried it.
func WriteFiles(w io.Writer, files []File, mtime int64) error {
	m := map[string]*entry{}
	srcs, err := (&Spec{Files: files}).sources()
	if err != nil {
		return err
	}
	for _, src := range srcs {
		if err := addHost(m, src); err != nil {
			return err
		}
	}
	for name := range m {
		for d := path.Dir(name); d != "/"; d = path.Dir(d) {
			if _, ok := m[d]; !ok {
				m[d] = &entry{mode: cpio.TypeDir | 0o755}
			}
		}
	}
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	cw := cpio.NewWriter(w)
	for _, name := range names {
		if err := writeEntry(cw, name, m[name], mtime); err != nil {
			return err
		}
	}
	return cw.Close()
}
