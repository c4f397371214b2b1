package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad input is refused with one line naming the flag (or variable) and
// what it takes.
func TestBadInput(t *testing.T) {
	cache, version := fakeCache(t)
	dir := t.TempDir()
	guest := filepath.Join(dir, "guest")
	os.WriteFile(guest, []byte("\x7fELF a guest"), 0o755)
	file := filepath.Join(dir, "app")
	os.WriteFile(file, []byte("a file"), 0o755)
	out := filepath.Join(dir, "out.cpio")
	build := func(args ...string) []string {
		return append([]string{"build", "--guest", guest, "-o", out}, args...)
	}
	img := filepath.Join(dir, "d.img")
	tests := []struct {
		name string
		env  []string
		args []string
		code int
		want []string
	}{
		{"file as root", nil, build("--file", file+":/"), 1, []string{"--file " + file + ":/", "/ is a directory", "is a file", "such as /app"}},
		{"file as /bin", nil, build("--file", file+":/bin"), 1, []string{"--file " + file + ":/bin", "/bin is a directory", "/bin/app"}},
		{"file as /etc", nil, build("--file", file+":/etc"), 1, []string{"--file " + file + ":/etc", "/etc/app"}},
		{"hostname newline", nil, build("--hostname", "a\nb"), 2, []string{"-hostname", `"a\nb"`, "letters, digits"}},
		{"hostname long", nil, build("--hostname", strings.Repeat("h", 65)), 2, []string{"-hostname", "64"}},
		{"hostname chars", nil, build("--hostname", "my_box!"), 2, []string{"-hostname", "letters, digits"}},
		{"cmdline quote", nil, build("--cmdline", `pidone.run="echo hi`), 2, []string{"-cmdline", "double quote", "never closed"}},
		{"app quote", nil, build("--app", `./testdata/hello -msg "hi"`), 2, []string{"--app", "double quote"}},
		{"output is a directory", nil, []string{"build", "--guest", guest, "-o", dir}, 2, []string{"-o " + dir, "directory", "give a file"}},
		{"bad uuid", nil, []string{"disk", "create", "--uuid", "notauuid", img}, 2, []string{"--uuid", `"notauuid"`, "8-4-4-4-12"}},
		{"size without value", nil, []string{"disk", "create", img, "--size"}, 2, []string{"flag needs an argument: -size"}},
		{"SOURCE_DATE_EPOCH too big", []string{"SOURCE_DATE_EPOCH=99999999999"}, build(), 1, []string{"SOURCE_DATE_EPOCH", "4294967295"}},
		{"SOURCE_DATE_EPOCH not a number", []string{"SOURCE_DATE_EPOCH=yesterday"}, build(), 1, []string{"SOURCE_DATE_EPOCH", "4294967295"}},
		{"bad module pattern", nil, []string{"kernel", "modules", "["}, 2, []string{"'['", "never closed"}},
		{"no module matches", nil, []string{"kernel", "modules", "nosuch*"}, 1, []string{"no module of kernel " + version + " matches 'nosuch*'"}},
		{"kernel subcommands", nil, []string{"kernel"}, 2, []string{"fetch, build, list, path or modules"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append([]string{"PIDONE_CACHE=" + cache, "PIDONE_KERNEL="}, tt.env...)
			_, stderr, code := pidone(t, env, tt.args...)
			oneLine(t, stderr, code, tt.code, tt.want...)
			for _, p := range []string{out, img} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s written", p)
					os.Remove(p)
				}
			}
		})
	}
}
