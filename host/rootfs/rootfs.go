// Package rootfs makes root disks for pidone's guests: a container image
// (an OCI image layout directory, or a `docker save` or OCI archive
// tarball on disk) or a host directory, as an ext4 disk image that
// pidone's initramfs mounts and switches into (root=/dev/vda).
//
// Images are read with go-containerregistry, from disk only: no registry
// is asked for anything. Every layer's digest is checked, the image must
// be for the guest's architecture, and its layers are applied in order,
// whiteouts included, into a staging directory that no entry may leave:
// ".." and absolute paths, and paths through symbolic links, resolve
// inside it, as a container runtime resolves them. The image's
// Entrypoint, Cmd, Env and WorkingDir go into the disk at EntrypointFile,
// for init to run when the image has no init of its own.
package rootfs

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	"golang.org/x/sys/unix"

	"pidone.dev/host/disk"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/fserr"
	"pidone.dev/pkg/runproto"
)

// EntrypointFile is where a root disk made from an image says what to
// run: a runproto.Request (argv, environment, working directory).
const EntrypointFile = bootopts.EntrypointFile

// Options say what disk Create makes.
type Options struct {
	From  string // an image (layout directory or tarball) or a host directory
	Size  int64  // bytes; 0 chooses the content's size with headroom
	Label string
	Arch  string // the guest's GOARCH; "" is the host's
	Force bool   // replace an existing file
	// Note, if set, is told what Create could not keep (ownership, when
	// not run as root) once.
	Note func(string)
}

// Result describes the disk made.
type Result struct {
	Size       int64
	Entrypoint *runproto.Request // nil for a directory, or an image without one
	Image      bool
}

// Create writes the root disk for o to out.
func Create(ctx context.Context, out string, o Options) (*Result, error) {
	st, err := os.Stat(o.From)
	if err != nil {
		return nil, fmt.Errorf("--from %s: %w", o.From, fserr.Reason(err))
	}
	if o.Arch == "" {
		o.Arch = runtime.GOARCH
	}
	if st.IsDir() && !isLayout(o.From) {
		size, err := chooseSize(o.From, o.Size)
		if err != nil {
			return nil, err
		}
		err = disk.Create(ctx, out, disk.Options{Size: size, From: o.From, Label: o.Label, Force: o.Force})
		return &Result{Size: size}, err
	}
	img, done, err := open(o.From, o.Arch)
	defer done()
	if err != nil {
		return nil, err
	}
	// Every check before anything is written: a layer whose digest does
	// not match, or an image cut short, stops here.
	if err := validate.Image(img); err != nil {
		return nil, fmt.Errorf("%s: the image is damaged: %s", o.From, firstLine(err.Error()))
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("%s: the image's config: %w", o.From, err)
	}
	if _, err := os.Stat(out); err == nil && !o.Force {
		return nil, fmt.Errorf("%s exists; give --force to replace it", out)
	}
	stage, err := os.MkdirTemp(filepath.Dir(out), ".rootfs-")
	if err != nil {
		return nil, fmt.Errorf("cannot write beside %s: %w", out, fserr.Reason(err))
	}
	defer os.RemoveAll(stage)
	rc := mutate.Extract(img)
	defer rc.Close()
	x := &extractor{root: stage, note: o.Note}
	if err := x.extract(ctx, rc); err != nil {
		return nil, fmt.Errorf("%s: %w", o.From, err)
	}
	res := &Result{Image: true, Entrypoint: entrypoint(cf)}
	if res.Entrypoint != nil {
		if err := writeEntrypoint(stage, res.Entrypoint); err != nil {
			return nil, err
		}
	}
	if res.Size, err = chooseSize(stage, o.Size); err != nil {
		return nil, err
	}
	return res, disk.Create(ctx, out, disk.Options{Size: res.Size, From: stage, Label: o.Label, Force: o.Force})
}

// isLayout reports whether dir is an OCI image layout.
func isLayout(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "oci-layout"))
	return err == nil
}

// open reads the image at p for goarch: an OCI layout directory, a
// docker save tarball, or an OCI archive (a tarball of a layout). done
// removes what it unpacked, once the image is read: its blobs are read
// lazily.
func open(p, goarch string) (img v1.Image, done func(), err error) {
	done = func() {}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		img, err := fromLayout(p, goarch)
		return img, done, err
	}
	if img, err := tarball.ImageFromPath(p, nil); err == nil {
		return img, done, checkPlatform(p, img, goarch)
	}
	// An OCI archive: unpack the layout (blobs are files) and read it.
	dir, err := os.MkdirTemp("", "pidone-oci-")
	if err != nil {
		return nil, done, err
	}
	done = func() { os.RemoveAll(dir) }
	if err := untar(p, dir); err != nil {
		return nil, done, fmt.Errorf("%s: neither a docker save tarball nor an OCI archive: %v", p, err)
	}
	if !isLayout(dir) {
		return nil, done, fmt.Errorf("%s: neither a docker save tarball nor an OCI archive (no manifest.json or oci-layout in it)", p)
	}
	img, err = fromLayout(dir, goarch)
	return img, done, err
}

// fromLayout picks the image for linux/goarch in an OCI layout.
func fromLayout(dir, goarch string) (v1.Image, error) {
	ii, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return pick(dir, ii, goarch)
}

// pick finds the image for linux/goarch in an index, following nested
// indexes; an index of one image whose platform is not said is taken.
func pick(where string, ii v1.ImageIndex, goarch string) (v1.Image, error) {
	man, err := ii.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	var seen []string
	for _, d := range man.Manifests {
		switch {
		case d.MediaType.IsIndex():
			sub, err := ii.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			if img, err := pick(where, sub, goarch); err == nil {
				return img, nil
			}
		case d.MediaType.IsImage():
			if d.Platform != nil {
				seen = append(seen, d.Platform.OS+"/"+d.Platform.Architecture)
				if d.Platform.OS != "linux" || d.Platform.Architecture != goarch {
					continue
				}
			}
			img, err := ii.Image(d.Digest)
			if err != nil {
				return nil, err
			}
			if err := checkPlatform(where, img, goarch); err != nil {
				if len(man.Manifests) == 1 {
					return nil, err
				}
				continue
			}
			return img, nil
		}
	}
	if len(seen) > 0 {
		return nil, fmt.Errorf("%s has no image for linux/%s (it has %s): give --arch, or save the image for this architecture", where, goarch, strings.Join(seen, ", "))
	}
	return nil, fmt.Errorf("%s: no image in it", where)
}

// checkPlatform refuses an image made for another OS or architecture.
func checkPlatform(where string, img v1.Image, goarch string) error {
	cf, err := img.ConfigFile()
	if err != nil {
		return fmt.Errorf("%s: the image's config: %w", where, err)
	}
	if (cf.OS != "" && cf.OS != "linux") || (cf.Architecture != "" && cf.Architecture != goarch) {
		return fmt.Errorf("%s is an image for %s/%s, not linux/%s: give --arch %s, or save the image for this architecture", where, cf.OS, cf.Architecture, goarch, cf.Architecture)
	}
	return nil
}

// entrypoint is what the image runs: Entrypoint then Cmd, in its
// environment and directory; nil if it names nothing.
func entrypoint(cf *v1.ConfigFile) *runproto.Request {
	argv := append(append([]string{}, cf.Config.Entrypoint...), cf.Config.Cmd...)
	if len(argv) == 0 {
		return nil
	}
	return &runproto.Request{Argv: argv, Env: cf.Config.Env, Dir: cf.Config.WorkingDir}
}

func writeEntrypoint(root string, req *runproto.Request) error {
	p := filepath.Join(root, EntrypointFile)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if err := runproto.Write(f, req); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// chooseSize is the disk's size: the one given, or the content's with
// room for ext4's own structures and for the guest to write.
func chooseSize(dir string, given int64) (int64, error) {
	if given > 0 {
		return given, nil
	}
	var bytes, files int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		files++
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			bytes += (info.Size() + 4095) &^ 4095
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", dir, err)
	}
	// A quarter more, an inode's worth per file, and 32 MiB to write in.
	size := bytes + bytes/4 + files*256 + 32<<20
	return (size + 1<<20 - 1) &^ (1<<20 - 1), nil
}

// extractor writes a flattened image's tar stream under root.
type extractor struct {
	root      string
	note      func(string)
	noteOwner bool
}

func (x *extractor) extract(ctx context.Context, r io.Reader) error {
	tr := tar.NewReader(r)
	var dirs []*tar.Header // directories' times are set last
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the image's layers: %w", err)
		}
		p, err := x.resolve(h.Name, false)
		if err != nil {
			return fmt.Errorf("%s: %w", h.Name, err)
		}
		if p == x.root {
			continue
		}
		mode := os.FileMode(h.Mode & 0o7777)
		// Layers come flattened from the top one down: what is there
		// already came from a layer above, and wins (a directory an
		// upper layer's file implies hides a lower layer's link of that
		// name, as overlayfs would). An entry can come before its
		// directory's.
		if h.Typeflag != tar.TypeDir {
			if _, err := os.Lstat(p); err == nil {
				continue
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
		}
		switch h.Typeflag {
		case tar.TypeDir:
			// A link or file of that name came from above and wins:
			// chmod would follow a link out of the root.
			if st, err := os.Lstat(p); err == nil && !st.IsDir() {
				continue
			}
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
			dirs = append(dirs, h)
		case tar.TypeReg:
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, tr); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		case tar.TypeSymlink:
			// The link is made as it is: it is resolved inside the root
			// whenever a later entry goes through it, and by the guest,
			// whose root it is.
			if err := os.Symlink(h.Linkname, p); err != nil {
				return err
			}
		case tar.TypeLink:
			target, err := x.resolve(h.Linkname, true)
			if err != nil {
				return fmt.Errorf("%s: link to %s: %w", h.Name, h.Linkname, err)
			}
			if err := os.Link(target, p); err != nil {
				return err
			}
			continue // a hard link shares its target's owner and mode
		case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
			kind := uint32(unix.S_IFIFO)
			switch h.Typeflag {
			case tar.TypeChar:
				kind = unix.S_IFCHR
			case tar.TypeBlock:
				kind = unix.S_IFBLK
			}
			if err := unix.Mknod(p, kind|uint32(mode), int(unix.Mkdev(uint32(h.Devmajor), uint32(h.Devminor)))); err != nil {
				x.say(fmt.Sprintf("%s: device nodes need root; left out", h.Name))
				continue
			}
		default:
			continue // xattr records and the like: nothing to write
		}
		if h.Typeflag != tar.TypeSymlink {
			if err := os.Chmod(p, mode); err != nil {
				return err
			}
		}
		if err := os.Lchown(p, h.Uid, h.Gid); err != nil && !x.noteOwner {
			x.noteOwner = true
			x.say("the image's owners are not kept (run as root to keep them): files are yours")
		}
		if h.Typeflag != tar.TypeSymlink && h.Typeflag != tar.TypeDir {
			os.Chtimes(p, h.ModTime, h.ModTime)
		}
	}
	// The stream ends with a valid end of archive even when the image's
	// reading failed (an unsafe path in a layer, a digest that does not
	// match): the error comes after it.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return fmt.Errorf("reading the image's layers: %w", err)
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if p, err := x.resolve(dirs[i].Name, true); err == nil {
			os.Chtimes(p, dirs[i].ModTime, dirs[i].ModTime)
		}
	}
	return nil
}

func (x *extractor) say(msg string) {
	if x.note != nil {
		x.note(msg)
	}
}

// resolve is where name is under root, as a container runtime finds it:
// every directory on the way that is a symbolic link is followed inside
// root (an absolute target is taken from root, ".." stops at root), so
// nothing resolves outside. The last element is followed too only when
// follow is set (a hard link's target); otherwise the entry replaces it.
func (x *extractor) resolve(name string, follow bool) (string, error) {
	parts := strings.Split(path.Clean("/"+name), "/")
	cur := "/" // inside root
	links := 0
	for i := 0; i < len(parts); i++ {
		part := parts[i]
		if part == "" || part == "." {
			continue
		}
		if part == ".." {
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, part)
		last := i == len(parts)-1
		if last && !follow {
			cur = next
			break
		}
		st, err := os.Lstat(filepath.Join(x.root, next))
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if links++; links > 40 {
			return "", errors.New("too many levels of symbolic links")
		}
		target, err := os.Readlink(filepath.Join(x.root, next))
		if err != nil {
			return "", err
		}
		if !path.IsAbs(target) {
			target = path.Join(cur, target)
		}
		rest := append(strings.Split(path.Clean(target), "/"), parts[i+1:]...)
		parts, i, cur = rest, -1, "/"
	}
	if !strings.HasPrefix(path.Clean(cur), "/") {
		return "", errors.New("outside the image")
	}
	return filepath.Join(x.root, filepath.FromSlash(path.Clean(cur))), nil
}

// untar unpacks the tarball at p into dir (an OCI archive's layout).
func untar(p, dir string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	x := &extractor{root: dir}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		dst, err := x.resolve(h.Name, false)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			out, err := os.Create(dst)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			out.Close()
			if err != nil {
				return err
			}
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
