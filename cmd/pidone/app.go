package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
)

// appFlags turn the user's Go programs into the system: --app PKG (with
// arguments after it, quoted: --app './cmd/srv -addr :80').
type appFlags struct {
	apps    []string
	noShell bool
	pid1    bool
}

type appList struct{ a *appFlags }

func (l appList) String() string     { return "" }
func (l appList) Set(s string) error { l.a.apps = append(l.a.apps, s); return nil }

func (a *appFlags) register(fs *flag.FlagSet) {
	fs.Var(appList{a}, "app", "build the Go main package `PKG [ARGS]` into the image and have init run and supervise it (repeatable)")
	fs.BoolVar(&a.noShell, "no-shell", false, "no shell on the console: the --app programs are the system")
	fs.BoolVar(&a.pid1, "pid1", false, "the one --app program is PID 1 itself (it calls initd.Run or initd.Setup); pidone's commands stay in /bin")
}

// add builds each app for the guest and puts it in spec, with the init
// options that start it.
func (a *appFlags) add(ctx context.Context, spec *image.Spec, goarch string, net bool) error {
	if a.pid1 && len(a.apps) != 1 {
		return fmt.Errorf("--pid1 needs exactly one --app (got %d)", len(a.apps))
	}
	var opts []string
	for _, app := range a.apps {
		fields := strings.Fields(app)
		if len(fields) == 0 {
			return fmt.Errorf("--app %q: give a Go main package, such as ./cmd/server", app)
		}
		pkg := fields[0]
		name := path.Base(strings.TrimSuffix(pkg, "/"))
		if abs, err := filepath.Abs(pkg); err == nil && (name == "." || name == "..") {
			name = filepath.Base(abs)
		}
		dir, err := kernel.CacheDir()
		if err != nil {
			return err
		}
		out := filepath.Join(dir, "programs", goarch, name)
		var tags []string
		if net {
			tags = []string{gobuild.NetTag} // for initd.Run's network set-up
		}
		wd, _ := os.Getwd()
		if err := gobuild.BuildTags(ctx, wd, pkg, goarch, out, tags...); err != nil {
			return fmt.Errorf("--app %s: %v", pkg, err)
		}
		if a.pid1 {
			spec.Userland, spec.Init = spec.Init, out
			continue
		}
		spec.Files = append(spec.Files, image.File{Host: out, Guest: "/bin/" + name})
		argv := append([]string{"/bin/" + name}, fields[1:]...)
		opts = append(opts, fmt.Sprintf("pidone.app=%q", strings.Join(argv, " ")))
	}
	if a.noShell {
		opts = append(opts, "pidone.shell=off")
	}
	if len(opts) > 0 {
		spec.Cmdline = strings.TrimSpace(spec.Cmdline + " " + strings.Join(opts, " "))
	}
	return nil
}
