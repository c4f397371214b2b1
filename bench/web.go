package main

// The browser: pidone web's page booting the i386 system in v86 under
// headless Chromium, from opening the page to the shell's prompt. The
// emulator is the browser's (WebAssembly), not QEMU: the figure does not
// depend on TCG or KVM, only on the host's CPU and the browser.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/web"
)

// webRows are the browser's boots on pidone's tiny i386 kernel and on
// Debian's 686 kernel (what pidone run --arch 386 boots).
func webRows(ctx context.Context, n int, timeout time.Duration) []Row {
	rows := []Row{webRow(ctx, "web_prompt_tiny", "browser: page opened to prompt, tiny i386 kernel", "tiny", n, timeout)}
	debian := ""
	if k, err := kernel.FindArch("", system.BrowserArch); err == nil && k.Flavour != kernel.TinyFlavour {
		debian = k.Path
	}
	if debian == "" {
		return append(rows, Row{Key: "web_prompt_debian", Name: "browser: page opened to prompt, Debian 686 kernel", Unit: "s",
			Pidone: failed(errors.New("no Debian kernel for 386: make kernel-386"))})
	}
	return append(rows, webRow(ctx, "web_prompt_debian", "browser: page opened to prompt, Debian 686 kernel", debian, n, timeout))
}

// webRow boots pidone web's page n times on kernel ("tiny" or a path),
// each in a fresh tab of one headless Chromium.
func webRow(ctx context.Context, key, name, kernel string, n int, timeout time.Duration) Row {
	row := Row{Key: key, Name: name, Unit: "s"}
	k, took, err := webBoots(ctx, kernel, n, timeout)
	if k != "" {
		row.Note = fmt.Sprintf("pidone web in headless Chromium: v86 (WebAssembly, i386) boots %s; the browser's emulator, so neither TCG nor KVM; in the page, %s", filepath.Base(k), took)
	}
	if err != nil && len(took.boot.xs) == 0 {
		row.Pidone = failed(err)
		return row
	}
	row.Pidone = took.wall.cell()
	return row
}

// webTimes are the samples of the browser's boots: wall from opening the
// page, and the page's own count from the emulator's start.
type webTimes struct{ wall, boot samples }

func (w webTimes) String() string {
	c := w.boot.cell()
	if !c.ok() {
		return "no boot completed"
	}
	return fmt.Sprintf("%s s of it from the emulator's start", formatValue("s", c))
}

func webBoots(ctx context.Context, kernel string, n int, timeout time.Duration) (string, webTimes, error) {
	var t webTimes
	chromium := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		return "", t, errors.New("headless Chromium is missing: run make web")
	}
	assets, err := web.FindAssets()
	if err != nil {
		return "", t, err
	}
	s := system.System{Arch: system.BrowserArch, Kernel: kernel}
	s.Boot.Term = "xterm-256color"
	b, err := s.Browser(ctx)
	if err != nil {
		return "", t, err
	}
	site, err := web.New(web.Boot{Kernel: b.Kernel, Initrd: b.Initrd, Cmdline: b.Cmdline, Mem: b.Mem}, assets)
	if err != nil {
		return b.Kernel, t, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return b.Kernel, t, err
	}
	srv := &http.Server{Handler: site}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/"

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1024, 700))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc() // ends Chromium
	browser, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		return b.Kernel, t, fmt.Errorf("start %s: %w", chromium, err)
	}
	var last error
	for i := 1; i <= n && ctx.Err() == nil; i++ {
		wall, boot, err := webBoot(browser, url, timeout)
		t.wall.add(wall, err)
		t.boot.add(boot, err)
		if err != nil {
			last = err
		}
		progress("browser boot %d/%d: %.2f s (%.2f s from the emulator's start) %v", i, n, wall, boot, errOrEmpty(err))
	}
	return b.Kernel, t, last
}

func errOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// webBoot opens url in a new tab and waits for the prompt.
func webBoot(browser context.Context, url string, timeout time.Duration) (wall, boot float64, err error) {
	tab, cancel := chromedp.NewContext(browser)
	defer cancel() // closes the tab, and its emulator with it
	if err := chromedp.Do(tab); err != nil {
		return 0, 0, err
	}
	tctx, cancelT := context.WithTimeout(tab, timeout)
	defer cancelT()
	start := time.Now()
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		return 0, 0, err
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`window.pidone && (window.pidone.ready || window.pidone.error) ? true : null`, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(timeout))); err != nil {
		return 0, 0, fmt.Errorf("no prompt: %w", err)
	}
	wall = time.Since(start).Seconds()
	type state struct {
		Ready       bool    `json:"ready"`
		Error       string  `json:"error"`
		BootSeconds float64 `json:"bootSeconds"`
	}
	st, err := chromedp.Run(tctx, chromedp.Evaluate[state](`({ready: pidone.ready, error: pidone.error || "", bootSeconds: pidone.bootSeconds || 0})`))
	if err != nil {
		return 0, 0, err
	}
	if !st.Ready {
		return 0, 0, fmt.Errorf("the page: %s", st.Error)
	}
	return wall, st.BootSeconds, nil
}
