//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/web"
)

// TestWebBrowser boots the system in a real browser, as a person would:
// pidone web serves the page, headless Chromium opens it, v86 boots the
// i386 kernel, and the test types at the prompt and reads the answers
// from the terminal's DOM (xterm.js's DOM renderer). A screenshot of the
// page is kept as an artifact (go test -artifacts keeps it).
func TestWebBrowser(t *testing.T) {
	chromium := webPrerequisites(t)
	url := startWeb(t)

	// The emulator is slow, and this machine shared: the boot takes
	// tens of seconds under Chromium, more when the host is busy.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	b := startChromium(t, ctx, chromium)

	shot := func() {
		sctx, cancel := context.WithTimeout(b, 20*time.Second)
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Logf("screenshot: %v", err)
			return
		}
		p := filepath.Join(t.ArtifactDir(), "pidone-web.png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Logf("screenshot: %v", err)
			return
		}
		t.Logf("screenshot: %s", p)
	}
	// screen is the terminal's text, as the page shows it.
	screen := func() string {
		sctx, cancel := context.WithTimeout(b, 10*time.Second)
		defer cancel()
		text, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`(document.querySelector(".xterm-rows") || {}).innerText || ""`))
		return strings.ReplaceAll(text, "\u00a0", " ")
	}
	fail := func(format string, args ...any) {
		t.Helper()
		shot()
		sctx, cancel := context.WithTimeout(b, 10*time.Second)
		defer cancel()
		status, _ := chromedp.Run(sctx, chromedp.Text("#status"))
		t.Fatalf("%s\nstatus line: %s\nterminal:\n%s", fmt.Sprintf(format, args...), status, screen())
	}
	// waitFor polls the terminal until it matches re.
	waitFor := func(re *regexp.Regexp, d time.Duration, what string) string {
		t.Helper()
		deadline := time.Now().Add(d)
		for {
			s := screen()
			if m := re.FindString(s); m != "" {
				return m
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				fail("%s: not on the terminal after %v", what, d)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}

	start := time.Now()
	if err := chromedp.Do(b, chromedp.Navigate(url)); err != nil {
		fail("open %s: %v", url, err)
	}
	if _, err := chromedp.Run(b, chromedp.Poll[bool](`window.pidone && (window.pidone.ready || window.pidone.error) ? true : null`, chromedp.WithPollingTimeout(5*time.Minute), chromedp.WithPollingInterval(250*time.Millisecond))); err != nil {
		fail("waiting for the prompt: %v", err)
	}
	boot, err := chromedp.Run(b, chromedp.Evaluate[pageBoot](pageBootJS))
	if err != nil || !boot.Ready {
		fail("the page did not reach the prompt: %v %s", err, boot.Error)
	}
	t.Logf("prompt %.1f s after the page opened: %.1f s loading, %.1f s booting in v86", time.Since(start).Seconds(), boot.LoadSeconds, boot.BootSeconds)
	waitFor(regexp.MustCompile(`pidone:/# *$`), time.Minute, "the prompt")

	// Keys typed into xterm.js as a keyboard types them: each a keyDown
	// with its text (keydown and keypress in the page) and a keyUp.
	// (chromedp.SendKeys adds a char event, which types each key twice.)
	if err := chromedp.Do(b, chromedp.Focus(".xterm-helper-textarea")); err != nil {
		fail("focus the terminal: %v", err)
	}
	typeLine := func(line string) {
		t.Helper()
		for _, r := range line + "\r" {
			key, code, vk := string(r), "", int64(0)
			switch {
			case r == '\r':
				key, code, vk = "Enter", "Enter", 13
			case r == ' ':
				code, vk = "Space", 32
			case r >= 'a' && r <= 'z':
				code, vk = "Key"+strings.ToUpper(key), int64(r-'a'+'A')
			}
			for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
				p := input.DispatchKeyEventParams{Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk}
				if typ == input.DispatchKeyEventTypeKeyDown {
					p.Text, p.UnmodifiedText = string(r), string(r)
				}
				if _, err := chromedp.Call(b, input.DispatchKeyEvent, p); err != nil {
					fail("typing %q: %v", line, err)
				}
			}
		}
	}
	typeLine("uname -m")
	waitFor(regexp.MustCompile(`uname -m *\n+i686 *\n`), 2*time.Minute, "uname -m's i686")
	typeLine("ls /")
	ls := waitFor(regexp.MustCompile(`ls / *\n(.*\n)*?pidone:/# *`), 2*time.Minute, "ls /'s answer")
	for _, want := range []string{"bin", "dev", "etc", "init", "proc", "sys", "tmp"} {
		if !regexp.MustCompile(`\b` + want + `\b`).MatchString(ls) {
			fail("ls / has no %s:\n%s", want, ls)
		}
	}
	shot()
}

// pageBoot is the page's window.pidone: the boot's state and timings.
type pageBoot struct {
	Ready       bool    `json:"ready"`
	Error       string  `json:"error"`
	BootSeconds float64 `json:"bootSeconds"`
	LoadSeconds float64 `json:"loadSeconds"`
}

const pageBootJS = `({ready: pidone.ready, error: pidone.error || "", bootSeconds: pidone.bootSeconds || 0, loadSeconds: pidone.loadSeconds || 0})`

// webPrerequisites fails the test, naming the make target, when Chromium,
// the npm packages or the i386 kernel are missing; it returns Chromium.
func webPrerequisites(t *testing.T) string {
	t.Helper()
	var chromium string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		t.Fatal("headless Chromium is missing: run make web (it installs Debian's chromium)")
	}
	if _, err := web.FindAssets(); err != nil {
		t.Fatalf("%v (make web installs them)", err)
	}
	if _, err := kernel.FindArch("", system.BrowserArch); err != nil {
		t.Fatal(err)
	}
	return chromium
}

// startWeb starts pidone web on a free port and returns its address;
// it is stopped (SIGTERM, then killed) when the test ends.
func startWeb(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(pidoneBin, "web", "--addr", "127.0.0.1:0")
	// Should the test binary die (go test's -timeout), the server goes
	// with it; Chromium has the same from chromedp.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	// The reader stops handing lines over when the test is done with
	// them, so that pidone's output never blocks it.
	done := make(chan struct{})
	t.Cleanup(func() { close(done) }) // runs before the SIGTERM above
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-done:
			}
		}
		close(lines)
		cmd.Wait()
		close(exited)
	}()
	serving := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/)`)
	var said []string
	timeout := time.After(5 * time.Minute) // a cold guest build
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("pidone web ended before serving:\n%s", strings.Join(said, "\n"))
			}
			said = append(said, l)
			if m := serving.FindStringSubmatch(l); m != nil {
				go func() {
					for range lines {
					}
				}()
				return m[1]
			}
		case <-timeout:
			t.Fatalf("pidone web did not serve within 5 minutes:\n%s", strings.Join(said, "\n"))
		}
	}
}

// startChromium starts headless Chromium for the test; it ends with ctx
// or the test, whichever is first.
func startChromium(t *testing.T, ctx context.Context, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root here
		chromedp.DisableGPU,
		chromedp.WindowSize(1024, 700),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	b, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits for Chromium to exit
	})
	// Start the browser now, so that a Chromium that cannot start is
	// one clear failure.
	if err := chromedp.Do(b); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return b
}

// TestWebErrors: mistakes are one line and status 2, before anything is
// built or installed.
func TestWebErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"web", "extra"}, `takes no arguments, got "extra"`},
		{[]string{"web", "--mem", "8"}, "--mem 8"},
		{[]string{"web", "--addr"}, "flag needs an argument"},
	} {
		_, stderr, code := pidone(t, nil, tt.args...)
		oneLine(t, stderr, code, 2, tt.want)
	}
}
