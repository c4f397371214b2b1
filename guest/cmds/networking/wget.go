//go:build pidone_net

package networking

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/httpget"
)

var (
	_ = registerNet("wget", wget)
	_ = registerNet("http", httpCmd)
)

func wget(e *cmds.Env, args []string) error {
	var f cmds.Flags
	out := f.String('O', "output-document", "", "write to FILE (- for standard output)")
	quiet := f.Bool('q', "quiet", "print nothing but errors")
	secs := f.String('T', "timeout", "60", "give up when the server is silent for SECONDS")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	return wgetRun(e, ops, *out, *quiet, *secs)
}

// httpCmd is "wget -q -O - URL", for reading a page or an API at a glance.
func httpCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	secs := f.String('T', "timeout", "60", "give up when the server is silent for SECONDS")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	return wgetRun(e, ops, "-", true, *secs)
}

func wgetRun(e *cmds.Env, ops []string, out string, quiet bool, secs string) error {
	if len(ops) != 1 {
		return cmds.Usagef("want one URL")
	}
	timeout, err := seconds(secs)
	if err != nil {
		return cmds.Usagef("-T: %v", err)
	}
	c := &httpget.Client{Timeout: timeout}
	resp, err := c.Get(e.Context(), ops[0])
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s: %s", resp.URL, resp.Status)
	}

	var w io.Writer = e.Stdout
	var file *os.File
	name := out
	if out != "-" {
		if name == "" {
			// Named after the URL asked for, not where it redirected to,
			// as both busybox and GNU wget do.
			u, _ := httpget.ParseURL(ops[0])
			name = u.FileName()
		}
		// Created only now, so that a 404 leaves no empty file behind.
		file, err = os.Create(e.Path(name))
		if err != nil {
			return e.OpErr(err, name)
		}
		defer file.Close()
		w = file
		if !quiet {
			fmt.Fprintf(e.Stderr, "saving to '%s'\n", name)
		}
	}
	var p *wgetProgress
	if !quiet && out != "-" && isTerminal(e.Stderr) {
		p = &wgetProgress{w: e.Stderr, name: name, total: resp.ContentLength, start: time.Now()}
		w = io.MultiWriter(w, p)
	}
	n, err := io.Copy(w, resp.Body)
	if p != nil {
		p.draw(true)
	}
	if err != nil {
		if cerr := e.Context().Err(); cerr != nil {
			return cerr
		}
		if resp.ContentLength >= 0 {
			return fmt.Errorf("%s: %v after %d of %d bytes", resp.URL, err, n, resp.ContentLength)
		}
		return fmt.Errorf("%s: %v after %d bytes", resp.URL, err, n)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return err
		}
		if !quiet {
			fmt.Fprintf(e.Stderr, "'%s' saved (%d bytes)\n", name, n)
		}
	}
	return nil
}

// isTerminal reports whether w is a terminal, where progress is redrawn
// in place; in a log or a pipe it would be noise.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// wgetProgress redraws one line on a terminal: name, per cent, bytes,
// rate. At most five times a second, since a serial console is slow.
type wgetProgress struct {
	w     io.Writer
	name  string
	total int64 // -1 when unknown
	n     int64
	start time.Time
	last  time.Time
}

func (p *wgetProgress) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	if time.Since(p.last) >= 200*time.Millisecond {
		p.draw(false)
	}
	return len(b), nil
}

func (p *wgetProgress) draw(final bool) {
	p.last = time.Now()
	fmt.Fprint(p.w, "\r"+wgetLine(p.name, p.n, p.total, time.Since(p.start)))
	if final {
		fmt.Fprint(p.w, "\n")
	}
}

// wgetLine is a progress line: "file  45% 460.0k 1.2M/s".
func wgetLine(name string, n, total int64, elapsed time.Duration) string {
	if len(name) > 20 {
		name = name[:17] + "..."
	}
	pct := "    "
	if total > 0 {
		pct = fmt.Sprintf("%3d%%", min(100, n*100/total))
	}
	rate := "--"
	if s := elapsed.Seconds(); s > 0 {
		rate = wgetSize(int64(float64(n)/s)) + "/s"
	}
	return fmt.Sprintf("%-20s %s %7s %9s", name, pct, wgetSize(n), rate)
}

// wgetSize spells a byte count in powers of 1024, as busybox's wget.
func wgetSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d", n)
	}
	v := float64(n)
	for _, u := range "kMGT" {
		v /= 1024
		if v < 1024 {
			return fmt.Sprintf("%.1f%c", v, u)
		}
	}
	return fmt.Sprintf("%.1fP", v/1024)
}
