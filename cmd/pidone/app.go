package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/pkg/cmdline"
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

// app is one --app: the package, its arguments and its name in the
// guest (/bin/NAME).
type app struct {
	flag, pkg, name string
	args            []string
	// id tells packages apart: the directory of a relative package, the
	// import path of another.
	id string
}

// parseApps reads the --app values and refuses two packages that would
// be the same /bin/NAME in the guest.
func (a *appFlags) parseApps() ([]app, error) {
	var apps []app
	byName := map[string]app{}
	for _, v := range a.apps {
		fields := strings.Fields(v)
		if len(fields) == 0 {
			return nil, fmt.Errorf("--app %q: give a Go main package, such as ./cmd/server", v)
		}
		if strings.Contains(v, `"`) {
			// Arguments travel on init's command line, which has no way
			// to carry a double quote.
			return nil, usageError{fmt.Sprintf("--app %s: an argument cannot hold a double quote (init's command line has no escape for it)", v)}
		}
		x := app{flag: v, pkg: fields[0], args: fields[1:], id: fields[0]}
		x.name = path.Base(strings.TrimSuffix(x.pkg, "/"))
		local := x.pkg == "." || x.pkg == ".." || strings.HasPrefix(x.pkg, "./") || strings.HasPrefix(x.pkg, "../") || filepath.IsAbs(x.pkg)
		if abs, err := filepath.Abs(x.pkg); err == nil && local {
			x.id = abs
			if x.name == "." || x.name == ".." {
				x.name = filepath.Base(abs)
			}
		}
		if other, ok := byName[x.name]; ok && other.id != x.id {
			return nil, usageError{fmt.Sprintf("--app %s and --app %s would both be /bin/%s in the guest: give programs with different names", other.pkg, x.pkg, x.name)}
		}
		byName[x.name] = x
		apps = append(apps, x)
	}
	return apps, nil
}

// programFile is where a Go program for the guest is built in pidone's
// cache: a directory per package (id) and build tags, so that two
// programs of the same name never share a file, even from two pidone
// commands at once.
func programFile(cache, goarch, id, name string, tags []string) string {
	h := sha256.Sum256([]byte(id + "\x00" + strings.Join(tags, ",")))
	return filepath.Join(cache, "programs", goarch, hex.EncodeToString(h[:12]), name)
}

// add builds each app for the guest and puts it in spec, with the init
// options that start it.
func (a *appFlags) add(ctx context.Context, spec *image.Spec, goarch string, net bool) error {
	if a.pid1 && len(a.apps) != 1 {
		return fmt.Errorf("--pid1 needs exactly one --app (got %d)", len(a.apps))
	}
	apps, err := a.parseApps()
	if err != nil {
		return err
	}
	dir, err := kernel.CacheDir()
	if err != nil {
		return err
	}
	var tags []string
	if net {
		tags = []string{gobuild.NetTag} // for initd.Run's network set-up
	}
	var opts []string
	built := map[string]string{}
	for _, x := range apps {
		out, ok := built[x.id]
		if !ok {
			out = programFile(dir, goarch, x.id, x.name, tags)
			wd, _ := os.Getwd()
			if err := gobuild.BuildTags(ctx, wd, x.pkg, goarch, out, tags...); err != nil {
				return fmt.Errorf("--app %s: %v", x.pkg, err)
			}
			built[x.id] = out
			if !a.pid1 {
				spec.Files = append(spec.Files, image.File{Host: out, Guest: "/bin/" + x.name})
			}
		}
		if a.pid1 {
			spec.Userland, spec.Init = spec.Init, out
			continue
		}
		argv := append([]string{"/bin/" + x.name}, x.args...)
		opts = append(opts, cmdline.Param{Key: "pidone.app", Value: strings.Join(argv, " "), HasValue: true}.String())
	}
	if a.noShell {
		opts = append(opts, "pidone.shell=off")
	}
	if len(opts) > 0 {
		spec.Cmdline = strings.TrimSpace(spec.Cmdline + " " + strings.Join(opts, " "))
	}
	return nil
}
