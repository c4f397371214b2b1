package kernel

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Config is a kernel's build configuration: CONFIG_ names (without the
// prefix) to their values, "y" for built in and "m" for a module. Options
// that are not set are absent.
type Config map[string]string

// Has reports whether the kernel has an option, built in or as a module.
func (c Config) Has(name string) bool {
	v := c[strings.TrimPrefix(name, "CONFIG_")]
	return v == "y" || v == "m"
}

// ConfigPath is where a distribution keeps the kernel's configuration:
// config-VERSION beside vmlinuz-VERSION, in /boot and in pidone's cache.
// It is "" when the version is unknown (a bzImage of another name).
func (k *Kernel) ConfigPath() string {
	if k.Version == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(k.Path), "config-"+k.Version)
}

// Config reads the kernel's configuration. An error wrapping
// os.ErrNotExist means it is not known, which is no reason to refuse the
// kernel.
func (k *Kernel) Config() (Config, error) {
	p := k.ConfigPath()
	if p == "" {
		return nil, fmt.Errorf("kernel %s: no version, so no config file: %w", k.Path, os.ErrNotExist)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseConfig(f)
}

// ParseConfig reads a kernel .config: "CONFIG_X=y" lines; "# CONFIG_X is
// not set" leaves X out, and other comments are skipped. As in Kconfig,
// the last line of a name wins.
func ParseConfig(r io.Reader) (Config, error) {
	c := Config{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		// Kconfig reads the last line of a name: "is not set" after
		// CONFIG_X=y unsets it.
		if m := unsetLine.FindStringSubmatch(line); m != nil {
			delete(c, m[1])
			continue
		}
		name, ok := strings.CutPrefix(line, "CONFIG_")
		if !ok {
			continue
		}
		if k, v, ok := strings.Cut(name, "="); ok {
			c[k] = strings.Trim(v, `"`)
		}
	}
	return c, sc.Err()
}

// Cached returns the newest cached kernel of a flavour ("cloud",
// "generic") for the host's architecture, for what needs one in
// particular, such as 9p shares, which Debian's cloud kernel lacks.
func Cached(flavour string) (*Kernel, bool) {
	ks, err := List()
	if err != nil {
		return nil, false
	}
	for _, k := range ks {
		if k.Flavour == flavour && k.Arch == runtime.GOARCH {
			return &k, true
		}
	}
	return nil, false
}
