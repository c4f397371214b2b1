package elfdeps

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestDepsAsLdd: for the host's own programs, Deps finds what ldd (the
// host's loader itself) finds, at the same paths.
func TestDepsAsLdd(t *testing.T) {
	ldd, err := exec.LookPath("ldd")
	if err != nil {
		t.Skip("no ldd on this host")
	}
	n := 0
	for _, prog := range []string{"/usr/bin/ls", "/bin/sh", "/usr/sbin/ip", "/usr/bin/ip"} {
		if _, err := os.Stat(prog); err != nil {
			continue
		}
		out, err := exec.Command(ldd, prog).Output()
		if err != nil {
			continue // static: "not a dynamic executable"
		}
		n++
		want := map[string]string{}
		for _, m := range regexp.MustCompile(`(?m)^\s+(\S+) => (\S+) \(`).FindAllStringSubmatch(string(out), -1) {
			want[m[1]] = m[2]
		}
		for _, m := range regexp.MustCompile(`(?m)^\s+(/\S+) \(`).FindAllStringSubmatch(string(out), -1) {
			want[m[1]] = m[1] // the loader
		}
		deps, err := Deps(prog, prog)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, d := range deps {
			got[d.Name] = d.Host
			if d.Guest != d.Host {
				t.Errorf("%s: %s goes to %s, not its own path", prog, d.Host, d.Guest)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Deps(%s) =\n%v\nldd says\n%v", prog, got, want)
		}
		if len(deps) == 0 || !strings.Contains(deps[0].Name, "ld-linux") {
			t.Errorf("Deps(%s): the loader is not first: %v", prog, deps)
		}
	}
	if n == 0 {
		t.Skip("no dynamically linked program found on this host")
	}
}

// cc builds C source with the host's compiler, or skips the test.
func cc(t *testing.T, out, src string, args ...string) {
	t.Helper()
	gcc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler on this host")
	}
	c := filepath.Join(t.TempDir(), "src.c")
	os.WriteFile(c, []byte(src), 0o644)
	os.MkdirAll(filepath.Dir(out), 0o755)
	if b, err := exec.Command(gcc, append([]string{"-o", out, c}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, b)
	}
}

// A program that finds its libraries through $ORIGIN brings them to
// where $ORIGIN points in the guest; an RPATH counts for the libraries
// the program loads too, a RUNPATH only for the program's own.
func TestDepsOrigin(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	cc(t, filepath.Join(lib, "libpda.so"), "int a(void) { return 1; }", "-shared", "-fPIC", "-Wl,-soname,libpda.so")
	cc(t, filepath.Join(lib, "libpdb.so"), "int a(void); int b(void) { return a(); }", "-shared", "-fPIC", "-Wl,-soname,libpdb.so", "-L"+lib, "-lpda")
	main := "int b(void); int main(void) { return b(); }"
	for _, c := range []struct {
		name, flag string
		wantErr    string // with a RUNPATH, libpdb's own needs are not found through it
	}{
		{"rpath", "-Wl,--disable-new-dtags", ""},
		{"runpath", "-Wl,--enable-new-dtags", "libpdb.so needs libpda.so, which the loader would not find"},
	} {
		t.Run(c.name, func(t *testing.T) {
			prog := filepath.Join(dir, c.name, "bin", "prog")
			cc(t, prog, main, "-L"+lib, "-Wl,-rpath-link,"+lib, "-lpdb", "-Wl,-rpath,$ORIGIN/../../lib", c.flag)
			deps, err := Deps(prog, "/opt/app/bin/prog")
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("Deps: %v, want an error with %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Dep{}
			for _, d := range deps {
				got[d.Name] = d
			}
			for name, guest := range map[string]string{"libpdb.so": "/opt/lib/libpdb.so", "libpda.so": "/opt/lib/libpda.so"} {
				want := Dep{Name: name, Host: filepath.Join(lib, name), Guest: guest}
				if got[name] != want {
					t.Errorf("%s: %+v, want %+v", name, got[name], want)
				}
			}
			if _, ok := got["libc.so.6"]; !ok {
				t.Errorf("no libc: %v", deps)
			}
		})
	}
}

func TestDepsMissing(t *testing.T) {
	dir := t.TempDir()
	cc(t, filepath.Join(dir, "libgone.so"), "int g(void) { return 1; }", "-shared", "-fPIC", "-Wl,-soname,libgone.so")
	prog := filepath.Join(dir, "prog")
	cc(t, prog, "int g(void); int main(void) { return g(); }", "-L"+dir, "-lgone")
	os.Remove(filepath.Join(dir, "libgone.so"))
	_, err := Deps(prog, "/prog")
	if err == nil || !strings.HasPrefix(err.Error(), prog+" needs libgone.so, which the loader would not find (looked in ld.so.cache, /lib/") {
		t.Errorf("missing library: %v", err)
	}
}

func TestDepsNone(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "script")
	os.WriteFile(text, []byte("#!/bin/sh\necho hi\n"), 0o755)
	for _, p := range []string{text, os.Args[0]} { // a script; this test binary, static Go
		if deps, err := Deps(p, "/x"); err != nil || deps != nil {
			t.Errorf("Deps(%s) = %v, %v; want nothing", p, deps, err)
		}
	}
	if _, err := Deps(filepath.Join(dir, "missing"), "/x"); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v", err)
	}
}

func TestParseLdconfig(t *testing.T) {
	out := `3 libs found in cache ` + "`/etc/ld.so.cache'" + `
	libz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1
	libz.so.1 (libc6) => /lib/i386-linux-gnu/libz.so.1
	libfoo.so.2 (libc6,x86-64, hwcap: "x86-64-v3") => /usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libfoo.so.2
	libfoo.so.2 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libfoo.so.2
	libc.so.6 (libc6,x86-64, OS ABI: Linux 3.2.0) => /lib/x86_64-linux-gnu/libc.so.6
`
	m, err := ParseLdconfig(strings.NewReader(out))
	want := map[string][]string{
		"libz.so.1":   {"/lib/x86_64-linux-gnu/libz.so.1", "/lib/i386-linux-gnu/libz.so.1"},
		"libfoo.so.2": {"/usr/lib/x86_64-linux-gnu/libfoo.so.2"},
		"libc.so.6":   {"/lib/x86_64-linux-gnu/libc.so.6"},
	}
	if err != nil || !reflect.DeepEqual(m, want) {
		t.Errorf("ParseLdconfig = %v, %v; want %v", m, err, want)
	}
}
