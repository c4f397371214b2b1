package cmds

import (
	"fmt"
	"strconv"
	"strings"
)

// Flags parses POSIX-style options, the way every command here takes
// them: single letters that group ("-la" is "-l -a"), a value either
// attached or as the next word ("-n5", "-n 5"), "--" to end the options
// and "-" as an operand. Options may also have a long name ("--recursive",
// "--lines=5"). The first operand ends the options, as POSIX says, so
// "rm -- -f" and "grep -e x -- -y" work as people expect.
//
// The standard flag package cannot group letters, which shell users type
// all the time; this is the one parser every command shares.
type Flags struct {
	opts []*option
}

type option struct {
	short rune
	long  string
	help  string
	set   func(string) error // nil for a plain boolean
	flag  *bool
	count *int
}

// Bool declares a boolean option -c (and --long, if long is not "").
func (f *Flags) Bool(c rune, long, help string) *bool {
	p := new(bool)
	f.opts = append(f.opts, &option{short: c, long: long, help: help, flag: p})
	return p
}

// Count declares a boolean option that counts how often it is given (-vv).
func (f *Flags) Count(c rune, long, help string) *int {
	p := new(int)
	f.opts = append(f.opts, &option{short: c, long: long, help: help, count: p})
	return p
}

// String declares an option -c VALUE.
func (f *Flags) String(c rune, long, def, help string) *string {
	p := &def
	f.opts = append(f.opts, &option{short: c, long: long, help: help, set: func(s string) error {
		*p = s
		return nil
	}})
	return p
}

// Strings declares an option that may be repeated; each value is kept.
func (f *Flags) Strings(c rune, long, help string) *[]string {
	p := new([]string)
	f.opts = append(f.opts, &option{short: c, long: long, help: help, set: func(s string) error {
		*p = append(*p, s)
		return nil
	}})
	return p
}

// Int declares an option -c N.
func (f *Flags) Int(c rune, long string, def int, help string) *int {
	p := &def
	f.opts = append(f.opts, &option{short: c, long: long, help: help, set: func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("invalid number %q", s)
		}
		*p = n
		return nil
	}})
	return p
}

func (f *Flags) find(short rune, long string) *option {
	for _, o := range f.opts {
		if (short != 0 && o.short == short) || (long != "" && o.long == long) {
			return o
		}
	}
	return nil
}

// Parse parses args (without the command name) and returns the operands.
// Mistakes are *UsageError, which Cmd.Main prints with the usage line.
func (f *Flags) Parse(args []string) ([]string, error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return args[i+1:], nil
		case a == "-" || !strings.HasPrefix(a, "-"):
			return args[i:], nil
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			o := f.find(0, name)
			if o == nil {
				return nil, Usagef("unknown option --%s", name)
			}
			if o.set == nil {
				if hasVal {
					return nil, Usagef("option --%s takes no value", name)
				}
				o.on()
				continue
			}
			if !hasVal {
				if i+1 == len(args) {
					return nil, Usagef("option --%s needs a value", name)
				}
				i++
				val = args[i]
			}
			if err := o.set(val); err != nil {
				return nil, Usagef("--%s: %v", name, err)
			}
		default:
			letters := []rune(a[1:])
			for j := 0; j < len(letters); j++ {
				c := letters[j]
				o := f.find(c, "")
				if o == nil {
					return nil, Usagef("unknown option -%c", c)
				}
				if o.set == nil {
					o.on()
					continue
				}
				val := string(letters[j+1:])
				if val == "" {
					if i+1 == len(args) {
						return nil, Usagef("option -%c needs a value", c)
					}
					i++
					val = args[i]
				}
				if err := o.set(val); err != nil {
					return nil, Usagef("-%c: %v", c, err)
				}
				break
			}
		}
	}
	return nil, nil
}

func (o *option) on() {
	if o.flag != nil {
		*o.flag = true
	}
	if o.count != nil {
		*o.count++
	}
}

// BareColor turns "--color" (or "--colour") without a value into
// "--color=always", as GNU ls and grep take it; Flags would otherwise eat
// the next word as its value.
func BareColor(args []string) []string {
	for i, a := range args {
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
		if a == "--color" || a == "--colour" {
			out := append([]string(nil), args...)
			out[i] = a + "=always"
			return out
		}
	}
	return args
}
