// Package web is pidone's system in a browser tab (pidone web): a static
// site whose page boots the system's kernel and initramfs in v86, an x86
// emulator compiled to WebAssembly, with the guest's serial console in
// xterm.js. It makes the site from the boot's files, the installed npm
// packages (v86, xterm.js) and Debian's SeaBIOS, serves it with the right
// types and caching headers, and exports it as a folder any static web
// host can serve. It is host-only: nothing of it is in the guest.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"pidone.dev/pkg/fserr"
)

// Boot is what the page boots.
type Boot struct {
	Kernel  string // a bzImage
	Initrd  string // the initramfs
	Cmdline string // the kernel command line
	Mem     int    // MiB
}

// page is the page's own files: index.html (a template) and its script
// and style.
//
//go:embed page
var page embed.FS

// File is one file of the site.
type File struct {
	Name string // its path on the site, without the leading slash
	Type string // Content-Type
	// Immutable files have their content's hash in their name: a
	// browser may keep them for ever. The others (index.html) are asked
	// for again each time.
	Immutable bool
	ETag      string
	Size      int64

	path string // on disk; "" when data holds it
	data []byte
}

// Open returns the file's content.
func (f *File) Open() (io.ReadSeekCloser, error) {
	if f.path == "" {
		return nopCloser{bytes.NewReader(f.data)}, nil
	}
	return os.Open(f.path)
}

type nopCloser struct{ io.ReadSeeker }

func (nopCloser) Close() error { return nil }

// Site is the files of the page, by name.
type Site struct {
	Files map[string]*File
}

// types are the site's Content-Types, by extension: set here, not taken
// from the host's MIME database, which may lack application/wasm.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".bin":  "application/octet-stream",
	".img":  "application/octet-stream",
}

// New makes the site that boots b with assets.
func New(b Boot, a *Assets) (*Site, error) {
	s := &Site{Files: map[string]*File{}}
	names := map[string]string{}
	add := func(key, name, p string) error {
		f, err := s.addFile(name, p)
		if err != nil {
			return err
		}
		names[key] = f.Name
		return nil
	}
	for _, f := range npmFiles {
		if err := add(f.name, f.name, filepath.Join(a.NodeModules, filepath.FromSlash(f.path))); err != nil {
			return nil, fmt.Errorf("%w: run make web", err)
		}
	}
	for _, f := range biosFiles {
		if err := add(f, f, filepath.Join(a.SeaBIOS, f)); err != nil {
			return nil, fmt.Errorf("SeaBIOS: %w: install Debian's seabios package (make web does)", err)
		}
	}
	if err := add("kernel", "linux.bin", b.Kernel); err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	if err := add("initrd", "initramfs.img", b.Initrd); err != nil {
		return nil, fmt.Errorf("initramfs: %w", err)
	}
	// v86 finds the fallback by its name: the same hash for both.
	wasm, fallback := s.Files[names["v86.wasm"]], s.Files[names["v86-fallback.wasm"]]
	hash := strings.Trim(wasm.ETag, `"`)
	for _, f := range []*File{wasm, fallback} {
		delete(s.Files, f.Name)
		base, _, _ := strings.Cut(f.Name, ".")
		f.Name = hash + "-" + base + ".wasm"
		s.Files[f.Name] = f
	}
	names["v86.wasm"], names["v86-fallback.wasm"] = wasm.Name, fallback.Name
	for _, n := range []string{"pidone.js", "pidone.css"} {
		data, err := page.ReadFile("page/" + n)
		if err != nil {
			return nil, err
		}
		names[n] = s.addData(n, data, true).Name
	}
	index, err := index(names, b)
	if err != nil {
		return nil, err
	}
	s.addData("index.html", index, false)
	return s, nil
}

// addFile adds the file at p under name with its hash.
func (s *Site) addFile(name, p string) (*File, error) {
	r, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", p, fserr.Reason(err))
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	f := s.add(name, h.Sum(nil), true)
	f.path, f.Size = p, n
	return f, nil
}

// addData adds data under name, with its hash in the name when
// immutable.
func (s *Site) addData(name string, data []byte, immutable bool) *File {
	sum := sha256.Sum256(data)
	f := s.add(name, sum[:], immutable)
	f.data, f.Size = data, int64(len(data))
	return f
}

func (s *Site) add(name string, sum []byte, immutable bool) *File {
	hash := hex.EncodeToString(sum[:8])
	ext := path.Ext(name)
	if immutable {
		name = strings.TrimSuffix(name, ext) + "." + hash + ext
	}
	f := &File{Name: name, Type: types[ext], Immutable: immutable, ETag: `"` + hash + `"`}
	if f.Type == "" {
		f.Type = "application/octet-stream"
	}
	s.Files[name] = f
	return f
}

// Names are the site's file names, sorted.
func (s *Site) Names() []string {
	var names []string
	for n := range s.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// config is what pidone.js boots, in index.html as JSON.
type config struct {
	Kernel  string `json:"kernel"`
	Initrd  string `json:"initrd"`
	BIOS    string `json:"bios"`
	VGABIOS string `json:"vgabios"`
	Wasm    string `json:"wasm"`
	Cmdline string `json:"cmdline"`
	Mem     int    `json:"mem"`
}

var indexTemplate = template.Must(template.ParseFS(page, "page/index.html"))

// index is index.html for files named names.
func index(names map[string]string, b Boot) ([]byte, error) {
	var buf bytes.Buffer
	err := indexTemplate.Execute(&buf, struct {
		Names  map[string]string
		Config config
	}{names, config{
		Kernel: names["kernel"], Initrd: names["initrd"],
		BIOS: names["bios.bin"], VGABIOS: names["vgabios-stdvga.bin"],
		Wasm: names["v86.wasm"], Cmdline: b.Cmdline, Mem: b.Mem,
	}})
	return buf.Bytes(), err
}
