// Package image builds a pidone initramfs: a newc cpio archive holding
// /init, the command links, device nodes and a few /etc files, compressed
// with gzip or zstd. Entries are sorted, owned by root and stamped with
// one fixed time, so the same input gives the same bytes.
package image

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/cpio"
	"pidone.dev/pkg/fserr"
)

// Spec describes an image.
type Spec struct {
	Init     string   // host path of the guest binary, installed as /init
	Commands []string // names linked in /bin to /init
	// Userland, if set, is pidone's guest binary when Init is another
	// program (an appliance that is PID 1 itself): it goes in as
	// /bin/pidone, and the command links point to it.
	Userland string
	Files    []File   // host files and directories to add
	Cmdline  string   // init options baked into /etc/pidone/cmdline
	Hostname string   // "" means "pidone"
	Modules  *Modules // kernel modules; nil for none

	// Compression is "gzip" (the default), "zstd" or "none".
	Compression string

	// ModTime is every entry's modification time, in Unix seconds.
	ModTime int64
}

// File is a host file or directory copied into the image.
type File struct {
	Host  string // path on the host
	Guest string // absolute path in the image
}

// ParseFile parses a --file argument: HOST:GUEST, or HOST alone for the
// same path in the guest (an absolute HOST) or /HOST (a relative one).
func ParseFile(s string) (File, error) {
	host, guest, ok := strings.Cut(s, ":")
	if host == "" {
		return File{}, fmt.Errorf("--file %q: want HOST[:GUEST], such as ./app:/bin/app", s)
	}
	if !ok || guest == "" {
		guest = host
	}
	if !path.IsAbs(guest) {
		guest = "/" + guest
	}
	guest = path.Clean(guest)
	if guest == "/" && !ok {
		return File{}, fmt.Errorf("--file %q: give the path in the guest as HOST:GUEST", s)
	}
	if strings.ContainsRune(guest, 0) {
		return File{}, fmt.Errorf("--file %q: the guest path has a NUL byte", s)
	}
	return File{Host: host, Guest: guest}, nil
}

// CheckHostname reports whether name can be the guest's host name: 1 to
// 64 characters (the kernel's limit), letters, digits, '-' and '.', in
// labels that neither start nor end with '-'. It goes into /etc/hosts
// and /etc/hostname, one line each.
func CheckHostname(name string) error {
	const want = "a host name is letters, digits, '-' and '.', such as my-box"
	switch {
	case name == "":
		return errors.New("empty; " + want)
	case len(name) > 64:
		return fmt.Errorf("%d characters; a host name has at most 64", len(name))
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q: %s, with no empty label or one starting or ending in '-'", name, want)
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("%q: %s", name, want)
			}
		}
	}
	return nil
}

// entry is one file of the archive before it is written.
type entry struct {
	mode     uint32 // st_mode with type bits
	data     []byte // contents of small files made here
	host     string // or a host file to stream
	size     int64
	link     string
	maj, min uint32
	from     *File // the --file that put it there, if one did
}

// Write writes the image for s to w.
func Write(w io.Writer, s *Spec) error {
	entries, err := s.entries()
	if err != nil {
		return err
	}
	zw, err := compressor(w, s.Compression)
	if err != nil {
		return err
	}
	cw := cpio.NewWriter(zw)
	names := make([]string, 0, len(entries))
	for name := range entries {
		names = append(names, name)
	}
	// Sorted order puts every directory before its contents.
	sort.Strings(names)
	for _, name := range names {
		if err := writeEntry(cw, name, entries[name], s.ModTime); err != nil {
			return err
		}
	}
	if err := cw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func writeEntry(cw *cpio.Writer, name string, e *entry, mtime int64) error {
	h := &cpio.Header{
		Name:      strings.TrimPrefix(name, "/"),
		Mode:      e.mode,
		ModTime:   mtime,
		Linkname:  e.link,
		RDevMajor: e.maj,
		RDevMinor: e.min,
	}
	switch {
	case e.host != "":
		h.Size = e.size
	case e.mode&cpio.TypeMask == cpio.TypeReg:
		h.Size = int64(len(e.data))
	}
	if err := cw.WriteHeader(h); err != nil {
		return fmt.Errorf("image: %s: %w", name, err)
	}
	switch {
	case e.host != "":
		f, err := os.Open(e.host)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := io.Copy(cw, f)
		if err != nil {
			return fmt.Errorf("image: read %s: %w", e.host, err)
		}
		if n != e.size {
			return fmt.Errorf("image: %s changed size while being read", e.host)
		}
	case len(e.data) > 0:
		if _, err := cw.Write(e.data); err != nil {
			return err
		}
	}
	return nil
}

func compressor(w io.Writer, c string) (io.WriteCloser, error) {
	switch c {
	case "", "gzip":
		return gzip.NewWriterLevel(w, gzip.BestCompression)
	case "zstd":
		// One goroutine: the output must not depend on scheduling.
		return zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	case "none":
		return nopCloser{w}, nil
	}
	return nil, fmt.Errorf("compression %q: use gzip, zstd or none", c)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func (s *Spec) entries() (map[string]*entry, error) {
	m := map[string]*entry{}
	dir := func(p string, mode uint32) {
		m[p] = &entry{mode: cpio.TypeDir | mode}
	}
	for _, d := range []string{"/bin", "/dev", "/etc", "/etc/pidone", "/proc", "/root", "/run", "/sbin", "/sys", "/usr", "/usr/bin", "/var"} {
		dir(d, 0o755)
	}
	dir("/root", 0o700)
	dir("/tmp", 0o1777)
	// The kernel opens /dev/console for init's stdio before any
	// filesystem is mounted, so the node must be in the archive.
	m["/dev/console"] = &entry{mode: cpio.TypeChar | 0o600, maj: 5, min: 1}
	m["/dev/null"] = &entry{mode: cpio.TypeChar | 0o666, maj: 1, min: 3}

	if s.Init == "" {
		return nil, errors.New("image: no init binary given")
	}
	st, err := os.Stat(s.Init)
	if err != nil {
		return nil, fmt.Errorf("init binary %s: %w", s.Init, fserr.Reason(err))
	}
	m["/init"] = &entry{mode: cpio.TypeReg | 0o755, host: s.Init, size: st.Size()}
	target := "../init"
	if s.Userland != "" {
		st, err := os.Stat(s.Userland)
		if err != nil {
			return nil, fmt.Errorf("guest binary %s: %w", s.Userland, fserr.Reason(err))
		}
		m["/bin/pidone"] = &entry{mode: cpio.TypeReg | 0o755, host: s.Userland, size: st.Size()}
		target = "pidone"
	}
	links := map[string]*entry{}
	for _, c := range append([]string{"sh"}, s.Commands...) {
		links[c] = &entry{mode: cpio.TypeSymlink | 0o777, link: target}
		m["/bin/"+c] = links[c]
	}
	m["/sbin/init"] = &entry{mode: cpio.TypeSymlink | 0o777, link: "../init"}

	host := s.Hostname
	if host == "" {
		host = "pidone"
	}
	if err := CheckHostname(host); err != nil {
		return nil, fmt.Errorf("host name %w", err)
	}
	text := func(p, body string, mode uint32) {
		m[p] = &entry{mode: cpio.TypeReg | mode, data: []byte(body)}
	}
	text("/etc/hostname", host+"\n", 0o644)
	text("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", 0o644)
	text("/etc/group", "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n", 0o644)
	// No name server: pidone's networks are restricted, and QEMU's DNS at
	// 10.0.2.3 answers nothing then, so a lookup would wait for its
	// timeout; without one it fails at once. DHCP writes the file when
	// a lease names servers.
	text("/etc/resolv.conf", "# pidone: no name server (dhcp writes one when the network has it)\n", 0o644)
	text("/etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t"+host+"\n::1\tlocalhost\n", 0o644)
	if s.Cmdline != "" {
		text(bootopts.CmdlineFile, s.Cmdline+"\n", 0o644)
	}
	// Modules before --file, so that a user's file wins.
	if s.Modules != nil {
		// The kernel runs /sbin/modprobe to load modules on demand; it is
		// pidone's guest binary, which is not /init in an appliance.
		modprobe := "/init"
		if s.Userland != "" {
			modprobe = "/bin/pidone"
		}
		if err := s.Modules.addModules(m, modprobe); err != nil {
			return nil, err
		}
	}
	srcs, err := s.sources()
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		if err := addHost(m, src); err != nil {
			return nil, err
		}
	}
	dropShadowed(m, links)
	// Every parent of every entry must exist as a directory, and cannot
	// be a --file's file (--file app:/x with another file in /x).
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names) // the same error every time
	for _, name := range names {
		for d := path.Dir(name); d != "/"; d = path.Dir(d) {
			e, ok := m[d]
			if !ok {
				dir(d, 0o755)
				continue
			}
			if e.mode&cpio.TypeMask != cpio.TypeDir {
				switch c := m[name].from; {
				case e.from != nil && e.host != "":
					return nil, overDir(e.from, e.host, d, name)
				case e.from != nil:
					return nil, overDir(e.from, e.from.Host, d, name)
				case c != nil:
					return nil, fmt.Errorf("--file %s:%s: %s is a file of the image, not a directory; give another path", c.Host, c.Guest, d)
				}
				return nil, fmt.Errorf("image: %s is a file and %s in it", d, name)
			}
		}
	}
	return m, nil
}

// overDir is the error for a --file that puts a file (or a link) where
// the image has a directory, which holds inside.
func overDir(f *File, host, guest, inside string) error {
	arg := guest
	if f != nil {
		arg = f.Host + ":" + f.Guest
	}
	what := "a file"
	if info, err := os.Lstat(host); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		what = "a symbolic link"
	}
	return fmt.Errorf("--file %s: %s is a directory in the image (it holds %s) and %s is %s; give it a path of its own, such as %s",
		arg, guest, inside, host, what, path.Join(guest, filepath.Base(host)))
}

func addOne(m map[string]*entry, f *File, hostPath, guest string, info fs.FileInfo) error {
	if !info.IsDir() {
		// A file cannot replace the root or a directory of the image.
		if guest == "/" {
			return overDir(f, hostPath, "/", "everything")
		}
		if e, ok := m[guest]; ok && e.mode&cpio.TypeMask == cpio.TypeDir {
			return overDir(f, hostPath, guest, inside(m, guest))
		}
	}
	perm := uint32(info.Mode().Perm())
	if info.Mode()&fs.ModeSticky != 0 {
		perm |= 0o1000
	}
	switch {
	case info.Mode().IsRegular():
		// Open it now, so a file we cannot read fails the build here
		// with its name rather than halfway through writing.
		fh, err := os.Open(hostPath)
		if err != nil {
			return fmt.Errorf("--file %s: %w", hostPath, fserr.Reason(err))
		}
		fh.Close()
		m[guest] = &entry{mode: cpio.TypeReg | perm, host: hostPath, size: info.Size(), from: f}
	case info.IsDir():
		m[guest] = &entry{mode: cpio.TypeDir | perm}
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(hostPath)
		if err != nil {
			return fmt.Errorf("--file %s: %w", hostPath, fserr.Reason(err))
		}
		m[guest] = &entry{mode: cpio.TypeSymlink | 0o777, link: target, from: f}
	default:
		return fmt.Errorf("--file %s: %v files are not supported; make the node in the guest with mknod", hostPath, info.Mode().Type())
	}
	return nil
}

// inside names an entry in the directory dir of m, the first in order;
// dir itself if it is empty.
func inside(m map[string]*entry, dir string) string {
	first := ""
	for name := range m {
		if path.Dir(name) == dir && (first == "" || name < first) {
			first = name
		}
	}
	if first == "" {
		return "nothing yet"
	}
	return first
}

// WriteFile writes the image to path, atomically: a failed build leaves
// any earlier image in place.
func WriteFile(path string, s *Spec) error {
	return WriteFileContext(context.Background(), path, s)
}

// WriteFileContext is WriteFile, stopped when ctx ends: then nothing is
// left at path or beside it.
func WriteFileContext(ctx context.Context, path string, s *Spec) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".pidone-image-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, fserr.Reason(err))
	}
	defer os.Remove(tmp.Name())
	// Streamed to the file: an image with a large --file tree must not
	// be held in memory.
	bw := bufio.NewWriterSize(ctxWriter{ctx, tmp}, 1<<20)
	if err := Write(bw, s); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, fserr.Reason(err))
	}
	return nil
}

// ctxWriter fails its writes once ctx has ended.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, context.Cause(c.ctx)
	}
	return c.w.Write(p)
}

// DefaultModTime is SOURCE_DATE_EPOCH when set, else 0: reproducible
// builds by default.
func DefaultModTime() (int64, error) {
	v := os.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return 0, nil
	}
	// newc cpio keeps times in 32 bits.
	t, err := strconv.ParseInt(v, 10, 64)
	if err != nil || t < 0 || t > math.MaxUint32 {
		return 0, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want whole seconds since 1970 from 0 to %d (cpio's times are 32 bits)", v, uint32(math.MaxUint32))
	}
	return t, nil
}
