package main

// u-root v0.16.0 "core", the system pidone is measured against:
// installing its build tool, finding its source, building its images
// (cached, since a build takes minutes), and recognising its prompt.
//
// The tool is installed with
//
//	GOBIN=<cache>/bin GOFLAGS=-mod=mod go install github.com/u-root/u-root@v0.16.0
//
// into pidone's cache (kernel.CacheDir()/bench/u-root-v0.16.0-<go version>).
// u-root builds its commands from source, so it runs in its own module's
// directory in the shared module cache (go mod download -json tells where;
// it only reads there):
//
//	cd $GOMODCACHE/github.com/u-root/u-root@v0.16.0 &&
//	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 u-root -o core.cpio -defaultsh gosh core
//
// which makes one busybox-style binary of every core command with
// u-root's init as /init and gosh as the shell. The power-off image is the
// same build with -uinitcmd=poweroff: init runs /bin/uinit, u-root's
// poweroff, which calls reboot(2) at once; u-root has no option to run a
// command on the kernel command line as pidone.run does.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"pidone.dev/host/kernel"
)

const (
	urootModule  = "github.com/u-root/u-root"
	urootVersion = "v0.16.0"
)

// urootPrompt is gosh's prompt. gosh's line editor (bubbline) draws "> "
// at the start of a line (ESC sequences around it are stripped by
// pkg/expect), followed by a help line "... toggle key help ..."; nothing
// u-root's init prints before it starts a line with "> ".
var urootPrompt = regexp.MustCompile(`(^|\n)> `)

// uroot is an installed u-root and its images.
type uroot struct {
	dir      string // its cache directory
	bin      string // the u-root tool
	src      string // its module source, read-only
	image    string // core, raw cpio: what it boots
	imageGz  string // the same, gzip -9
	offImage string // core with -uinitcmd=poweroff
}

// args are u-root's arguments to build core into out.
func (u *uroot) args(out string, poweroff bool) []string {
	a := []string{"-o", out, "-defaultsh", "gosh"}
	if poweroff {
		a = append(a, "-uinitcmd=poweroff")
	}
	return append(a, "core")
}

// env is what u-root's builds add to the environment: the guest's
// GOOS/GOARCH, static as pidone's guest.
func (u *uroot) env() []string {
	return []string{"GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0"}
}

// command is the image build as a shell command, for the record.
func (u *uroot) command(poweroff bool) string {
	out := u.image
	if poweroff {
		out = u.offImage
	}
	return fmt.Sprintf("cd %s && %s u-root %s", u.src, strings.Join(u.env(), " "), strings.Join(u.args(out, poweroff), " "))
}

// setupURoot installs u-root if needed, finds its source and builds the
// images that are not cached yet. On error the returned uroot, if any,
// still names the paths it would use.
func setupURoot(ctx context.Context) (*uroot, error) {
	cache, err := kernel.CacheDir()
	if err != nil {
		return nil, err
	}
	u := &uroot{dir: filepath.Join(cache, "bench", "u-root-"+urootVersion+"-"+runtime.Version())}
	u.bin = filepath.Join(u.dir, "bin", "u-root")
	u.image = filepath.Join(u.dir, "core.cpio")
	u.imageGz = filepath.Join(u.dir, "core.cpio.gz")
	u.offImage = filepath.Join(u.dir, "core-poweroff.cpio")
	if err := os.MkdirAll(u.dir, 0o755); err != nil {
		return u, err
	}
	if !exists(u.bin) {
		progress("u-root: installing %s@%s into %s", urootModule, urootVersion, filepath.Dir(u.bin))
		_, msg, err := goCmd(ctx, []string{"GOBIN=" + filepath.Dir(u.bin), "GOFLAGS=" + goflags("-mod=mod")},
			"install", urootModule+"@"+urootVersion)
		if err != nil {
			return u, fmt.Errorf("installing u-root: %v: %s%s", err, lastLines(msg, 3), gitHint())
		}
	}
	out, msg, err := goCmd(ctx, []string{"GOFLAGS=" + goflags("-mod=mod")}, "mod", "download", "-json", urootModule+"@"+urootVersion)
	var mod struct{ Dir, Error string }
	if err == nil {
		err = json.Unmarshal([]byte(out), &mod)
	}
	if err == nil && mod.Dir == "" {
		err = errors.New(mod.Error)
	}
	if err != nil {
		return u, fmt.Errorf("finding u-root's source: %v: %s%s", err, lastLines(msg, 3), gitHint())
	}
	u.src = mod.Dir
	for _, img := range []struct {
		path     string
		poweroff bool
	}{{u.image, false}, {u.offImage, true}} {
		if exists(img.path) {
			continue
		}
		progress("u-root: building %s (once; cached in %s)", filepath.Base(img.path), u.dir)
		if err := u.build(ctx, img.path, img.poweroff); err != nil {
			return u, err
		}
	}
	if !exists(u.imageGz) {
		if err := gzipFile(u.image, u.imageGz+".tmp"); err != nil {
			return u, err
		}
		if err := os.Rename(u.imageGz+".tmp", u.imageGz); err != nil {
			return u, err
		}
	}
	return u, nil
}

// build builds an image into out, atomically, with the default GOCACHE.
func (u *uroot) build(ctx context.Context, out string, poweroff bool) error {
	tmp := out + ".tmp"
	cmd := exec.CommandContext(ctx, u.bin, u.args(tmp, poweroff)...)
	cmd.Dir = u.src
	cmd.Env = append(os.Environ(), u.env()...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("u-root build failed (%s): %v: %s%s", u.command(poweroff), err, lastLines(string(b), 3), gitHint())
	}
	return os.Rename(tmp, out)
}

// goCmd runs the go command outside any module and returns its output
// and its messages.
func goCmd(ctx context.Context, env []string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), env...)
	var msg strings.Builder
	cmd.Stderr = &msg
	out, err := cmd.Output()
	return string(out), msg.String(), err
}

func gitHint() string {
	if _, err := exec.LookPath("git"); err != nil {
		return " (git is not installed; some module and u-root modes need it)"
	}
	return ""
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
