package main

// Images and builds: the images every boot uses (pidone's made as
// pidone run makes it, the floor's one-file cpio), their sizes, and the
// build times a user waits for.
//
// Build times are taken on snapshots of the source trees in a temporary
// directory, never on the checkout itself:
//
//   - cold: an empty GOCACHE of its own for each tool (the standard
//     library is compiled too), with the shared GOMODCACHE already holding
//     every module, so downloads are not counted;
//   - warm: the same command again, nothing changed;
//   - edited: after a real content change to the echo command's source
//     (Go's cache is keyed by content, so touching a file's mtime rebuilds
//     nothing): a line "var benchEdit = \"<nonce>\"" appended to
//     guest/cmds/coreutils/echo.go for pidone and cmds/core/echo/echo.go for u-root.
//
// pidone's figure is "pidone build -o DIR/initramfs.cpio.gz" run as a
// subprocess (its CLI built from the snapshot first, untimed), which
// builds the guest binary and writes the gzip image. u-root's is its
// image build command (see uroot.go), which writes a raw cpio.

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/pkg/cpio"
)

// images are one system's initramfs, raw and gzip-compressed.
type images struct {
	raw, gz string
	run     string // pidone's image for pidone run -- CMD (with the serial ports' driver)
}

// boot is the image pidone run would boot.
func (im *images) boot() string {
	if runCompression == "none" {
		return im.raw
	}
	return im.gz
}

// runCompression is the compression of the image pidone run boots (its
// --compress default in cmd/pidone/run.go): the boots use that image.
const runCompression = "none"

// pidoneImages are the images pidone run boots, made by host/system as
// pidone run makes them: uncompressed (what it boots), with gzip (for the
// size a shipped image has), and with the serial ports' driver (what
// pidone run -- CMD boots). They live in pidone's cache, like pidone
// run's.
func pidoneImages(ctx context.Context, k *kernel.Kernel) (*images, error) {
	var im images
	for _, x := range []struct {
		path     *string
		compress string
		exec     bool
	}{{&im.raw, "none", false}, {&im.gz, "gzip", false}, {&im.run, "none", true}} {
		s := &system.System{Kernel: k.Path, Compress: x.compress}
		p, err := s.Image(ctx, k, x.exec)
		if err != nil {
			return nil, err
		}
		*x.path = p
	}
	return &im, nil
}

// floorImages builds bench/floor and packs it as the only file of a cpio
// with /dev/console.
func floorImages(ctx context.Context, src, work string) (*images, error) {
	bin := filepath.Join(work, "floor-init")
	if err := gobuild.Build(ctx, src, "./bench/floor", "amd64", bin); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	var raw bytes.Buffer
	w := cpio.NewWriter(&raw)
	for _, e := range []struct {
		h    cpio.Header
		data []byte
	}{
		{cpio.Header{Name: "dev", Mode: cpio.TypeDir | 0o755}, nil},
		{cpio.Header{Name: "dev/console", Mode: cpio.TypeChar | 0o600, RDevMajor: 5, RDevMinor: 1}, nil},
		{cpio.Header{Name: "init", Mode: cpio.TypeReg | 0o755, Size: int64(len(data))}, data},
	} {
		if err := w.WriteHeader(&e.h); err != nil {
			return nil, err
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	im := &images{raw: filepath.Join(work, "floor.cpio"), gz: filepath.Join(work, "floor.cpio.gz")}
	if err := os.WriteFile(im.raw, raw.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return im, gzipFile(im.raw, im.gz)
}

// gzipFile writes src compressed with gzip -9 to dst.
func gzipFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	if _, err := io.Copy(zw, in); err != nil {
		out.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fileSize(path string) (float64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return float64(st.Size()), nil
}

func sizeCell(path string) *Cell {
	n, err := fileSize(path)
	if err != nil {
		return failed(err)
	}
	return value(n)
}

// sizeRows are the image sizes, raw and gzip-compressed.
func sizeRows(pid, floor *images, ur *uroot, urErr error, quick bool) []Row {
	raw := Row{Key: "image_raw", Name: "image, raw cpio", Unit: "bytes", Pidone: sizeCell(pid.raw), Floor: sizeCell(floor.raw)}
	gz := Row{Key: "image_gzip", Name: "image, gzip -9", Unit: "bytes", Pidone: sizeCell(pid.gz), Floor: sizeCell(floor.gz),
		Note: "pidone: as pidone build writes it (host/image, gzip level 9); u-root and floor: the raw cpio through Go's compress/gzip level 9"}
	if quick {
		gz.Note = "pidone: as pidone build writes it (host/image, gzip level 9); floor: the raw cpio through Go's compress/gzip level 9"
	} else {
		switch {
		case urErr != nil:
			raw.URoot, gz.URoot = failed(urErr), failed(urErr)
		default:
			raw.URoot = sizeCell(ur.image)
			gz.URoot = sizeCell(ur.imageGz)
		}
	}
	return []Row{raw, gz}
}

// tool is one build being timed.
type tool struct {
	name               string
	dir                string   // working directory
	args               []string // command and arguments
	env                []string // added to the environment
	editFile           string   // file given a real content change for the edited case
	cold, warm, edited samples
	projectCold        samples  // cold for the tool's own packages, the standard library cached
	stdFlags           []string // go build flags that warm a cache with the standard library for this tool
}

func (t *tool) run(ctx context.Context, what string) {
	cmd := exec.CommandContext(ctx, t.args[0], t.args[1:]...)
	cmd.Dir = t.dir
	cmd.Env = append(os.Environ(), t.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group, so that the go commands it starts are ended
	// with it if the bench is interrupted.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	if err != nil {
		err = fmt.Errorf("%s: %v: %s", strings.Join(t.args, " "), err, lastLines(out.String(), 3))
		progress("%s %s build: failed: %v", t.name, what, err)
	} else {
		progress("%s %s build: %.2f s", t.name, what, d.Seconds())
	}
	switch what {
	case "project-cold":
		t.projectCold.add(d.Seconds(), err)
	case "cold":
		t.cold.add(d.Seconds(), err)
	case "warm":
		t.warm.add(d.Seconds(), err)
	case "edited":
		t.edited.add(d.Seconds(), err)
	}
}

// edit makes a real change to the tool's edit file.
func (t *tool) edit(nonce int) error {
	f, err := os.OpenFile(t.editFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(f, "\n// Added by pidone's bench to time a rebuild after an edit.\nvar benchEdit%d = \"%d\"\n", nonce, time.Now().UnixNano())
	return f.Close()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// buildRows times cold, warm and edited builds of pidone and u-root,
// interleaved; warm and edited builds are repeated reps times.
func buildRows(ctx context.Context, src, work string, ur *uroot, urErr error, reps int) []Row {
	rows := []Row{
		{Key: "build_cold", Name: "cold build", Unit: "s", Note: "empty GOCACHE, modules already downloaded; pidone: pidone build (guest + gzip image); u-root: its image build (raw cpio)"},
		{Key: "build_cold_project", Name: "cold build, std cached", Unit: "s", Note: "the tool's own packages and dependencies cold, the standard library already in GOCACHE (built with the tool's flags); u-root's go build -a rebuilds it anyway"},
		{Key: "build_warm", Name: "rebuild, nothing changed", Unit: "s", Note: "u-root v0.16.0's busybox builder runs go build -a, so Go's cache never saves it any work"},
		{Key: "build_edited", Name: "rebuild, echo source edited", Unit: "s", Note: "a line appended to the echo command's source (a content change: Go's cache ignores mtimes)"},
	}
	fail := func(err error) []Row {
		for i := range rows {
			rows[i].Pidone = failed(err)
		}
		return rows
	}
	dir := filepath.Join(work, "build")
	progress("builds: snapshotting the sources")
	snap := filepath.Join(dir, "pidone-src")
	if err := copyTree(src, snap, skipPidone); err != nil {
		return fail(fmt.Errorf("copying the source: %w", err))
	}
	cli := filepath.Join(dir, "pidone")
	if err := gobuild.Build(ctx, snap, "./cmd/pidone", "", cli); err != nil {
		return fail(err)
	}
	// Every module both builds need is in the shared module cache before
	// anything is timed.
	if err := prefetch(ctx, snap, "./..."); err != nil {
		return fail(err)
	}
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	pid := &tool{
		name: "pidone",
		dir:  dir,
		args: []string{cli, "build", "-o", filepath.Join(out, "initramfs.cpio.gz")},
		env: []string{
			"GOCACHE=" + filepath.Join(dir, "gocache-pidone"),
			"PIDONE_SRC=" + snap,
			"PIDONE_CACHE=" + filepath.Join(dir, "pidone-cache"),
			"PIDONE_GUEST=",
		},
		editFile: filepath.Join(snap, "guest", "cmds", "coreutils", "echo.go"),
		stdFlags: gobuild.GuestFlags(),
	}
	tools := []*tool{pid}
	var urTool *tool
	if urErr == nil && ur != nil {
		usrc := filepath.Join(dir, "u-root-src")
		err := copyTree(ur.src, usrc, nil)
		if err == nil {
			err = prefetch(ctx, usrc, "./cmds/core/...")
		}
		if err != nil {
			urErr = fmt.Errorf("preparing the u-root source: %w", err)
		} else {
			urTool = &tool{
				name:     "u-root",
				dir:      usrc,
				args:     append([]string{ur.bin}, ur.args(filepath.Join(out, "u-root.cpio"), false)...),
				env:      append(ur.env(), "GOCACHE="+filepath.Join(dir, "gocache-u-root")),
				editFile: filepath.Join(usrc, "cmds", "core", "echo", "echo.go"),
				stdFlags: []string{"-trimpath"},
			}
			tools = append(tools, urTool)
		}
	}
	for _, t := range tools {
		if ctx.Err() != nil {
			break
		}
		t.run(ctx, "cold")
	}
	// The same cold build again, with the standard library already in a
	// fresh cache: what a developer with Go installed waits for.
	for _, t := range tools {
		if ctx.Err() != nil {
			break
		}
		std := filepath.Join(dir, "gocache-"+t.name+"-std")
		if err := warmStd(ctx, t, std); err != nil {
			t.projectCold.add(0, err)
			continue
		}
		saved := t.env
		t.env = append(append([]string{}, t.env...), "GOCACHE="+std)
		if t == pid {
			// A fresh pidone cache too: the cold run's has the guest,
			// and pidone would rightly not build it again.
			t.env = append(t.env, "PIDONE_CACHE="+filepath.Join(dir, "pidone-cache-std"))
		}
		t.run(ctx, "project-cold")
		t.env = saved
	}
	for i := 1; i <= reps && ctx.Err() == nil; i++ {
		for _, t := range tools {
			t.run(ctx, "warm")
		}
		for _, t := range tools {
			if err := t.edit(i); err != nil {
				t.edited.add(0, err)
				continue
			}
			t.run(ctx, "edited")
		}
	}
	rows[0].Pidone, rows[1].Pidone, rows[2].Pidone, rows[3].Pidone = pid.cold.cell(), pid.projectCold.cell(), pid.warm.cell(), pid.edited.cell()
	switch {
	case urTool != nil:
		rows[0].URoot, rows[1].URoot, rows[2].URoot, rows[3].URoot = urTool.cold.cell(), urTool.projectCold.cell(), urTool.warm.cell(), urTool.edited.cell()
	case urErr != nil:
		for i := range rows {
			rows[i].URoot = failed(urErr)
		}
	}
	return rows
}

// warmStd fills the cache dir with the standard library as t builds it
// (untimed): the same GOOS, GOARCH, CGO_ENABLED and compiler flags, so
// its cache keys match.
func warmStd(ctx context.Context, t *tool, dir string) error {
	args := append(append([]string{"build"}, t.stdFlags...), "std")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = t.dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOCACHE="+dir)
	progress("%s: warming a build cache with the standard library", t.name)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build std: %v: %s", err, lastLines(string(out), 3))
	}
	return nil
}

// prefetch downloads the modules the packages need into the shared
// module cache (untimed).
func prefetch(ctx context.Context, dir, pkgs string) error {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", pkgs)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go list -deps %s in %s: %v: %s", pkgs, dir, err, lastLines(string(out), 3))
	}
	return nil
}

// goflags is $GOFLAGS (as go env has it) with extra flags added.
func goflags(extra ...string) string {
	cur := os.Getenv("GOFLAGS")
	if cur == "" {
		if out, err := exec.Command("go", "env", "GOFLAGS").Output(); err == nil {
			cur = strings.TrimSpace(string(out))
		}
	}
	return strings.TrimSpace(cur + " " + strings.Join(extra, " "))
}

// skipPidone leaves out of the snapshot what is not source.
func skipPidone(rel string, d fs.DirEntry) bool {
	switch {
	case d.IsDir():
		return rel == ".git" || rel == "bin"
	case strings.HasPrefix(rel, "initramfs.cpio"):
		return true
	}
	return false
}

// copyTree copies the regular files and directories of src into dst,
// writable (the module cache's are read-only), leaving out what skip
// says.
func copyTree(src, dst string, skip func(rel string, d fs.DirEntry) bool) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if rel != "." && skip != nil && skip(filepath.ToSlash(rel), d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			mode := os.FileMode(0o644)
			if info.Mode()&0o111 != 0 {
				mode = 0o755
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, mode)
		}
		return nil // symlinks and the like: none in a Go source tree we need
	})
}
