package image

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"pidone.dev/host/elfdeps"
	"pidone.dev/pkg/fserr"
)

// source is a host file or tree that goes into the image.
type source struct {
	// host has its symbolic links resolved, but for the links of a
	// library, which are kept.
	host  string
	guest string
	from  *File // the --file that brings it
}

// sources are what s.Files bring: for each, the file or tree its host
// path points to (a --file of /usr/sbin/ip, a link to /bin/ip on Debian,
// brings the program, not a link that would point at pidone's ip in the
// guest), and for a dynamically linked program its loader and shared
// libraries at their host paths (elfdeps). The libraries come first, so
// that a user's own file at one of their paths wins; a library that is
// a symbolic link on the host (libbpf.so.1 -> libbpf.so.1.1.2) is one in
// the image too, beside the file it points to. Only a --file's
// top-level file brings libraries: the programs in a copied tree are
// taken as they are, with whatever the tree holds.
func (s *Spec) sources() ([]source, error) {
	var deps, files []source
	seen := map[string]bool{}
	for i := range s.Files {
		f := &s.Files[i]
		real, err := resolve(f.Host)
		if err != nil {
			return nil, err
		}
		files = append(files, source{host: real, guest: f.Guest, from: f})
		st, err := os.Stat(real)
		if err != nil {
			return nil, fmt.Errorf("--file %s: %w", f.Host, fserr.Reason(err))
		}
		if !st.Mode().IsRegular() {
			continue
		}
		needs, err := elfdeps.Deps(real, f.Guest)
		var nf *elfdeps.NotFoundError
		if errors.As(err, &nf) {
			by := ""
			if nf.Object != real {
				by = " (for " + nf.Object + ")"
			}
			return nil, fmt.Errorf("--file %s: needs the shared library %s%s, which is not on this host (looked in %s); install it",
				f.Host, nf.Name, by, strings.Join(nf.Searched, ", "))
		}
		if err != nil {
			return nil, fmt.Errorf("--file %s: %w", f.Host, err)
		}
		for _, d := range needs {
			chain, err := linkChain(d.Host, d.Guest)
			if err != nil {
				return nil, fmt.Errorf("--file %s: %s: %w", f.Host, d.Host, fserr.Reason(err))
			}
			for _, c := range chain {
				if !seen[c.guest] {
					seen[c.guest] = true
					c.from = f
					deps = append(deps, c)
				}
			}
		}
	}
	return append(deps, files...), nil
}

// linkChain is a library at host, to go at guest, with the symbolic
// links of its last element kept, as on the host and as dracut and
// mkinitcpio copy them: libbpf.so.1 stays a link to libbpf.so.1.1.2,
// whose name libbpf reads its version from. The directories on the way
// are taken as they are (on a merged-/usr host /lib is a link to
// usr/lib; the guest has real directories).
func linkChain(host, guest string) ([]source, error) {
	var chain []source
	for hops := 0; ; hops++ {
		info, err := os.Lstat(host)
		if err != nil {
			return nil, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return append(chain, source{host: host, guest: guest}), nil
		}
		if hops == 40 {
			return nil, fmt.Errorf("%s: too many levels of symbolic links", host)
		}
		chain = append(chain, source{host: host, guest: guest})
		target, err := os.Readlink(host)
		if err != nil {
			return nil, err
		}
		// On the host the kernel resolves the target's "..", through
		// linked directories; the guest's directories are real, and its
		// path is cleaned as its kernel will resolve it.
		if filepath.IsAbs(target) {
			host, guest = target, path.Clean(filepath.ToSlash(target))
		} else {
			host, guest = filepath.Dir(host)+string(filepath.Separator)+target, path.Join(path.Dir(guest), filepath.ToSlash(target))
		}
	}
}

// resolve follows the symbolic links of a --file's host path.
func resolve(host string) (string, error) {
	real, err := filepath.EvalSymlinks(host)
	if err == nil {
		return real, nil
	}
	if info, lerr := os.Lstat(host); lerr == nil && info.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(host)
		return "", fmt.Errorf("--file %s: a symbolic link to %s, which is not there (%v)", host, target, fserr.Reason(err))
	}
	return "", fmt.Errorf("--file %s: %w", host, fserr.Reason(err))
}

// pathDirs are the directories of init's PATH.
var pathDirs = []string{"/bin", "/sbin", "/usr/bin", "/usr/sbin"}

// dropShadowed removes pidone's link of a command that a --file puts
// elsewhere on PATH: /bin comes first on it, and the shell runs its own
// command for a name PATH finds as pidone's. /bin/sh stays pidone's
// shell, which init and scripts rely on, unless a file replaces it
// there. links are pidone's command links, by name.
func dropShadowed(m map[string]*entry, links map[string]*entry) {
	for _, dir := range pathDirs {
		for name, link := range links {
			e := m[path.Join(dir, name)]
			if name == "sh" || e == nil || e.from == nil {
				continue
			}
			if p := "/bin/" + name; m[p] == link {
				delete(m, p)
			}
		}
	}
}

// addHost adds a source, a file or a directory tree, at its guest path.
// Symbolic links inside a tree stay links.
func addHost(m map[string]*entry, src source) error {
	root, err := os.Lstat(src.host)
	if err != nil {
		return fmt.Errorf("--file %s: %w", src.host, fserr.Reason(err))
	}
	if !root.IsDir() {
		return addOne(m, src.from, src.host, src.guest, root)
	}
	return filepath.WalkDir(src.host, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("--file %s: %w", p, fserr.Reason(err))
		}
		rel, _ := filepath.Rel(src.host, p)
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("--file %s: %w", p, fserr.Reason(err))
		}
		return addOne(m, src.from, p, path.Join(src.guest, filepath.ToSlash(rel)), info)
	})
}
