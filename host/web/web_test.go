package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeSite is a site made of stand-ins for the npm packages, SeaBIOS, the
// kernel and the initramfs: the page's own wiring is what is tested,
// with neither Node nor a browser.
func fakeSite(t *testing.T) *Site {
	t.Helper()
	dir := t.TempDir()
	write := func(p, content string) string {
		p = filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, f := range npmFiles {
		write("node_modules/"+f.path, "/* "+f.path+" */")
	}
	for _, f := range biosFiles {
		write("seabios/"+f, "firmware "+f)
	}
	b := Boot{
		Kernel:  write("vmlinuz", "a bzImage"),
		Initrd:  write("initramfs.cpio", "070701..."),
		Cmdline: `console=ttyS0 pidone.run="echo </script>"`,
		Mem:     128,
	}
	s, err := New(b, &Assets{NodeModules: filepath.Join(dir, "node_modules"), SeaBIOS: filepath.Join(dir, "seabios")})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// references are the files index.html names: its scripts and styles,
// and the files in its boot configuration.
func references(t *testing.T, index []byte) []string {
	t.Helper()
	var refs []string
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllSubmatch(index, -1) {
		if ref := string(m[1]); !strings.HasPrefix(ref, "data:") {
			refs = append(refs, ref)
		}
	}
	m := regexp.MustCompile(`(?s)<script type="application/json" id="boot">(.*?)</script>`).FindSubmatch(index)
	if m == nil {
		t.Fatalf("index.html has no boot configuration:\n%s", index)
	}
	var c config
	if err := json.Unmarshal(m[1], &c); err != nil {
		t.Fatalf("boot configuration: %v\n%s", err, m[1])
	}
	if c.Mem != 128 || c.Cmdline != `console=ttyS0 pidone.run="echo </script>"` {
		t.Errorf("boot configuration %+v: mem or cmdline lost on the way", c)
	}
	refs = append(refs, c.Kernel, c.Initrd, c.BIOS, c.VGABIOS, c.Wasm)
	// v86 fetches v86-fallback.wasm in browsers that cannot run
	// v86.wasm, at wasm_path with the one name replaced by the other.
	refs = append(refs, strings.Replace(c.Wasm, "v86.wasm", "v86-fallback.wasm", 1))
	if len(refs) != 12 || refs[11] == c.Wasm {
		t.Errorf("index.html names %d files, want 12 (2 styles, 4 scripts, 5 boot files, v86's fallback): %q", len(refs), refs)
	}
	return refs
}

// wantType is the Content-Type a browser needs for each kind of file:
// application/wasm above all, which WebAssembly's streaming compile
// insists on.
var wantType = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".bin":  "application/octet-stream",
	".img":  "application/octet-stream",
}

// TestExport: every file index.html references is in the export, the
// same bytes as served, with the right type and caching headers.
func TestExport(t *testing.T) {
	s := fakeSite(t)
	dir := filepath.Join(t.TempDir(), "site")
	if err := s.Export(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	get := func(name string, h http.Header) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/"+name, nil)
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, ref := range references(t, index) {
		if strings.Contains(ref, "/") || strings.Contains(ref, ":") {
			t.Errorf("%s: the page must name its files relative to itself, on the serving host", ref)
			continue
		}
		exported, err := os.ReadFile(filepath.Join(dir, ref))
		if err != nil {
			t.Errorf("the page references %s, which the export lacks: %v", ref, err)
			continue
		}
		resp := get(ref, nil)
		served, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(served, exported) {
			t.Errorf("GET %s: %s, %d bytes; the export has %d", ref, resp.Status, len(served), len(exported))
		}
		want := wantType[filepath.Ext(ref)]
		if got := resp.Header.Get("Content-Type"); want == "" || got != want {
			t.Errorf("GET %s: Content-Type %q, want %q", ref, got, want)
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q: a file named by its hash can be kept for ever", ref, got)
		}
		// Revalidation costs nothing.
		again := get(ref, http.Header{"If-None-Match": {resp.Header.Get("ETag")}})
		again.Body.Close()
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %s, want 304", ref, again.Status)
		}
	}
	resp := get("", nil)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(page, index) || resp.Header.Get("Content-Type") != wantType[".html"] || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("GET /: %s, Content-Type %q, Cache-Control %q, same as the export: %v", resp.Status, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), bytes.Equal(page, index))
	}
	names, _ := os.ReadDir(dir)
	if len(names) != len(s.Files) {
		t.Errorf("the export has %d files, the site %d", len(names), len(s.Files))
	}
	if resp := get("nothing.js", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing.js: %s, want 404", resp.Status)
	}
}

// TestNewMissing: a missing asset is one error naming it and how to get
// it.
func TestNewMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := New(Boot{}, &Assets{NodeModules: filepath.Join(dir, "node_modules"), SeaBIOS: dir})
	if err == nil || !strings.Contains(err.Error(), "make web") || strings.Contains(err.Error(), "\n") {
		t.Errorf("New without assets: %v; want one line naming make web", err)
	}
}
