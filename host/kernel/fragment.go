package kernel

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// A Fragment is a piece of kernel configuration, as in a .config: lines
// "CONFIG_X=y", "CONFIG_S=\"text\"" and "# CONFIG_X is not set"; other
// comments and blank lines are skipped.
type Fragment struct {
	Name    string // where it comes from, for messages: "pidone.config"
	Options []Option
}

// An Option is one line of a Fragment: Value is "n" for "is not set".
type Option struct {
	Name  string // without CONFIG_
	Value string // as in .config: y, m, n, 64, "text" (quotes kept)
	Line  int
}

func (o Option) String() string {
	if o.Value == "n" {
		return "# CONFIG_" + o.Name + " is not set"
	}
	return "CONFIG_" + o.Name + "=" + o.Value
}

var (
	setLine   = regexp.MustCompile(`^CONFIG_([A-Za-z0-9_]+)=(.*)$`)
	unsetLine = regexp.MustCompile(`^# CONFIG_([A-Za-z0-9_]+) is not set$`)
)

// ParseFragment reads a configuration fragment. A line that is neither
// an option nor a comment is an error naming it: a typo in a fragment
// would otherwise be a kernel built without what was asked.
func ParseFragment(name string, b []byte) (Fragment, error) {
	f := Fragment{Name: name}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if m := setLine.FindStringSubmatch(line); m != nil {
			v := strings.TrimSpace(m[2])
			if v == "" {
				return f, fmt.Errorf("%s:%d: %s: no value", name, n, line)
			}
			f.Options = append(f.Options, Option{m[1], v, n})
			continue
		}
		if m := unsetLine.FindStringSubmatch(line); m != nil {
			f.Options = append(f.Options, Option{m[1], "n", n})
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return f, fmt.Errorf("%s:%d: %q is not CONFIG_NAME=VALUE or # CONFIG_NAME is not set", name, n, line)
	}
	return f, sc.Err()
}

// MergeConfig applies fragments to a .config, in order, as the kernel's
// scripts/kconfig/merge_config.sh does: each option replaces the line of
// the same name, or is added at the end. olddefconfig must then settle
// what depends on the new values.
func MergeConfig(config []byte, frags ...Fragment) []byte {
	var lines []string
	at := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(config))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if name := optionName(line); name != "" {
			at[name] = len(lines)
		}
		lines = append(lines, line)
	}
	for _, f := range frags {
		for _, o := range f.Options {
			if i, ok := at[o.Name]; ok {
				lines[i] = o.String()
				continue
			}
			at[o.Name] = len(lines)
			lines = append(lines, o.String())
		}
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

func optionName(line string) string {
	if m := setLine.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	if m := unsetLine.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	return ""
}

// DroppedError names the options that fragments asked for and the final
// .config does not have: olddefconfig turns off, without a word, any
// option whose dependencies are not met (TMPFS without SHMEM), and a
// kernel without them boots and then fails in the guest.
type DroppedError struct {
	Dropped []Dropped
}

// Dropped is one option asked for and what .config has instead.
type Dropped struct {
	Want Option
	From string // the fragment that asked
	Got  string // the value in .config, "n" when it is not set
}

func (e *DroppedError) Error() string {
	var parts []string
	for _, d := range e.Dropped {
		got := "it is " + d.Got
		if d.Got == "n" {
			got = "it is not set"
		}
		parts = append(parts, fmt.Sprintf("%s (%s:%d; %s)", d.Want, d.From, d.Want.Line, got))
	}
	return "the kernel configuration lost options the fragments asked for, as olddefconfig does when their dependencies are off: " +
		strings.Join(parts, ", ") + "; turn on what they depend on (make menuconfig's help shows it) in the fragment"
}

// CheckConfig checks that every option of frags survived in config (the
// .config after olddefconfig): the last fragment to name an option wins,
// as in MergeConfig. An option asked "is not set" may be absent.
func CheckConfig(config Config, frags ...Fragment) error {
	var order []string
	from := map[string]string{}
	opts := map[string]Option{}
	for _, f := range frags {
		for _, o := range f.Options {
			if _, ok := opts[o.Name]; !ok {
				order = append(order, o.Name)
			}
			opts[o.Name], from[o.Name] = o, f.Name
		}
	}
	var e DroppedError
	for _, name := range order {
		o := opts[name]
		got, ok := config[name]
		if !ok || got == "n" {
			got = "n"
		}
		if strings.Trim(got, `"`) != strings.Trim(o.Value, `"`) {
			e.Dropped = append(e.Dropped, Dropped{Want: o, From: from[name], Got: got})
		}
	}
	if len(e.Dropped) > 0 {
		return &e
	}
	return nil
}
