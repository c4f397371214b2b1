package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pidone.dev/host/image"
	"pidone.dev/host/system"
	"pidone.dev/host/web"
)

func cmdWeb(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone web", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "serve the page on `host:port` (port 0 picks a free one)")
	export := fs.String("export", "", "write the page and its files into `DIR` as a static site, and exit")
	install := fs.Bool("install", false, "install v86 and xterm.js (npm ci, into pidone's cache) and exit")
	var s system.System
	s.Arch = system.BrowserArch
	s.Hostname = "pidone"
	fs.Func("file", "add a host file or directory as `HOST[:GUEST]` (repeatable)", func(v string) error {
		f, err := image.ParseFile(v)
		s.Files = append(s.Files, f)
		return err
	})
	fs.StringVar(&s.Kernel, "kernel", "", "i386 kernel `image` to boot (default: as pidone run --arch 386)")
	fs.IntVar(&s.Mem, "mem", 256, "guest memory in `MiB`")
	fs.StringVar(&s.Append, "append", "", "extra kernel command line")
	fs.StringVar(&s.Compress, "compress", "none", "the initramfs's compression: none (boots sooner), gzip or zstd (smaller downloads)")
	fs.BoolVar(&s.Verbose, "v", false, "show the kernel's boot messages in the page")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("pidone web takes no arguments, got %q", strings.Join(fs.Args(), " "))}
	}
	if err := check(&s); err != nil {
		return err
	}
	// The npm packages are installed the first time.
	assets, err := web.InstallAssets(ctx, os.Stderr)
	if err != nil {
		return err
	}
	if *install {
		fmt.Fprintf(os.Stderr, "pidone: v86 and xterm.js are in %s; SeaBIOS in %s\n", filepath.Dir(assets.NodeModules), assets.SeaBIOS)
		return nil
	}
	// The terminal in the page is xterm.js.
	s.Boot.Term = "xterm-256color"
	s.Log = os.Stderr
	b, err := s.Browser(ctx)
	if err != nil {
		return err
	}
	site, err := web.New(web.Boot{Kernel: b.Kernel, Initrd: b.Initrd, Cmdline: b.Cmdline, Mem: b.Mem}, assets)
	if err != nil {
		return err
	}
	if *export != "" {
		if err := site.Export(ctx, *export); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "pidone: wrote the site to %s (%d files); serve it with any static web server\n", *export, len(site.Files))
		return nil
	}
	return serveWeb(ctx, *addr, site)
}

// serveWeb serves site on addr until ctx ends (Ctrl-C): that is how it
// stops, so it is no error.
func serveWeb(ctx context.Context, addr string, site *web.Site) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", addr, err)
	}
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(os.Stderr, "pidone: serving http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		srv.Close()
	}
	return nil
}
