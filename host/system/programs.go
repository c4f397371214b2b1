package system

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
)

// program is a Go main package to build for the guest.
type program struct {
	pkg   string   // as the user gave it
	id    string   // tells packages apart: a relative one's directory, else its import path
	name  string   // its file in the guest's /bin
	args  []string // for an App
	host  string   // where it is built (after buildPrograms)
	guest string   // /bin/NAME
}

// IsGoPackage reports whether a command's first word names a Go main
// package rather than a command of the guest: ./cmd/foo, ../x, or an
// import path with a domain such as example.com/tool.
func IsGoPackage(arg string) bool {
	if strings.HasPrefix(arg, "./") || strings.HasPrefix(arg, "../") {
		return true
	}
	first, _, ok := strings.Cut(arg, "/")
	return ok && strings.Contains(first, ".")
}

func local(pkg string) bool {
	return pkg == "." || pkg == ".." || strings.HasPrefix(pkg, "./") || strings.HasPrefix(pkg, "../") || filepath.IsAbs(pkg)
}

// newProgram names a package's program: the last element of its path,
// or of its directory for "." and "..".
func newProgram(pkg string, args []string) program {
	p := program{pkg: pkg, id: pkg, args: args, name: path.Base(strings.TrimSuffix(pkg, "/"))}
	if local(pkg) {
		if abs, err := filepath.Abs(pkg); err == nil {
			p.id = abs
			if p.name == "." || p.name == ".." {
				p.name = filepath.Base(abs)
			}
		}
	}
	p.guest = "/bin/" + p.name
	return p
}

// programs are s's apps, checked: two packages that would both be
// /bin/NAME are refused, and arguments must fit on init's command line.
func (s *System) programs() ([]program, error) {
	var progs []program
	byName := map[string]program{}
	for _, a := range s.Apps {
		if a.Pkg == "" {
			return nil, fmt.Errorf("--app: give a Go main package, such as ./cmd/server")
		}
		for _, arg := range a.Args {
			if strings.ContainsAny(arg, "\" \t\n") {
				// Arguments travel on init's command line, which has no
				// way to carry a double quote or white space in one.
				return nil, fmt.Errorf("--app %s: the argument %q cannot hold a double quote or white space (init's command line has no escape for them)", a.Pkg, arg)
			}
		}
		p := newProgram(a.Pkg, a.Args)
		if other, ok := byName[p.name]; ok && other.id != p.id {
			return nil, fmt.Errorf("--app %s and --app %s would both be /bin/%s in the guest: give programs with different names", other.pkg, p.pkg, p.name)
		}
		byName[p.name] = p
		progs = append(progs, p)
	}
	return progs, nil
}

// buildPrograms builds s's apps for the guest, each package once.
func (s *System) buildPrograms(ctx context.Context) ([]program, error) {
	progs, err := s.programs()
	if err != nil {
		return nil, err
	}
	built := map[string]string{}
	for i := range progs {
		p := &progs[i]
		if host, ok := built[p.id]; ok {
			p.host = host
			continue
		}
		// initd.Run's network set-up needs the networking build.
		if err := s.buildProgram(ctx, p, s.tags()); err != nil {
			return nil, fmt.Errorf("--app %s: %w", p.pkg, err)
		}
		built[p.id] = p.host
	}
	return progs, nil
}

// buildProgram builds p into pidone's cache: a directory per package and
// build tags, so that two programs of the same name never share a file,
// even from two pidone commands at once.
func (s *System) buildProgram(ctx context.Context, p *program, tags []string) error {
	dir, err := kernel.CacheDir()
	if err != nil {
		return err
	}
	h := sha256.Sum256([]byte(p.id + "\x00" + strings.Join(tags, ",")))
	p.host = filepath.Join(dir, "programs", s.arch(), hex.EncodeToString(h[:12]), p.name)
	wd, _ := os.Getwd()
	return gobuild.BuildTags(ctx, wd, p.pkg, s.arch(), p.host, tags...)
}

// goCommand builds argv[0] for the guest when it names a Go main package
// and returns the file to send with the work and argv pointing at it
// (nil and argv as they are for another command).
func (s *System) goCommand(ctx context.Context, argv []string) (*image.File, []string, error) {
	if len(argv) == 0 || !IsGoPackage(argv[0]) {
		return nil, argv, nil
	}
	if local(argv[0]) {
		if st, err := os.Stat(argv[0]); err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("%s: not a Go package directory", argv[0])
		}
	}
	p := newProgram(argv[0], nil)
	if err := s.buildProgram(ctx, &p, nil); err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("%w: stopped while building %s", ErrInterrupted, argv[0])
		}
		return nil, nil, err
	}
	return &image.File{Host: p.host, Guest: p.guest}, append([]string{p.guest}, argv[1:]...), nil
}
