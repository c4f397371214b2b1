// Package bootopts is the contract between pidone's host and its guest's
// init: the init options carried on the kernel command line and in the
// image's /etc/pidone/cmdline, and the paths both sides know. The guest
// parses the options with Parse; the host writes them with Encode, so
// that neither side spells a "pidone.xxx=" word by hand and what one
// writes the other reads back unchanged.
package bootopts

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"pidone.dev/pkg/cmdline"
)

// Paths that the host and the guest, or the guest's programs between
// themselves, agree on.
const (
	// CmdlineFile holds options baked into the image (pidone build
	// --cmdline). Init reads it before /proc/cmdline, so the kernel
	// command line wins.
	CmdlineFile = "/etc/pidone/cmdline"
	// PromptFile is made by the shell at its first prompt; it holds the
	// uptime then, in seconds. Init holds back loading drivers until it
	// appears (or a second), so that the prompt comes first.
	PromptFile = "/run/pidone/prompt"
	// SettledFile is made by init once the boot's drivers are loaded; the
	// settle command waits for it.
	SettledFile = "/run/pidone/settled"
	// LogDir holds each supervised program's log, named for the program;
	// the logs command reads them.
	LogDir = "/run/log"
	// ModprobeLink is where images with modules link pidone's modprobe.
	// They have no /sbin/modprobe at boot: the kernel would run it for
	// every module it asks for while it boots, none of them in the image,
	// at a Go start-up each. Init links it once it runs.
	ModprobeLink = "/lib/pidone/modprobe"
	// AbsentFile, in /lib/modules/RELEASE, lists the aliases of the
	// drivers the kernel has and the image lacks, so that the guest can
	// say which module a device needs.
	AbsentFile = "pidone.absent"
	// DataDir is where init mounts pidone.data's disk.
	DataDir = "/data"
	// EntrypointFile, in a root disk made from a container image, says
	// what init runs there when the image has no init of its own: a
	// runproto.Request (argv, environment, working directory).
	EntrypointFile = "/etc/pidone/entrypoint"
)

// Share is a 9p share from the host that init mounts: pidone.share=TAG:/dir.
type Share struct{ Tag, Dir string }

func (s Share) String() string { return s.Tag + ":" + s.Dir }

// Winsize is the console's size, for serial lines that have none:
// pidone.winsize=COLSxROWS. The zero value means unknown.
type Winsize struct{ Cols, Rows int }

func (w Winsize) String() string { return strconv.Itoa(w.Cols) + "x" + strconv.Itoa(w.Rows) }

// maxWinsize is the most a terminal's size can hold (struct winsize's
// unsigned shorts).
const maxWinsize = 1<<16 - 1

// Options are init's settings. The zero value of each field means "not
// given": init's default.
type Options struct {
	Run      string  // pidone.run=CMD: run CMD with sh -c instead of the shell, then power off
	Init     string  // pidone.init=PATH: exec PATH as init after the basic mounts
	Hostname string  // pidone.hostname=NAME
	Winsize  Winsize // pidone.winsize=COLSxROWS: the console's size
	// Term is TERM=NAME. It is no pidone.* word: the kernel hands it to
	// init as an environment variable. It is parsed so that what the
	// host encodes reads back whole.
	Term      string
	Quiet     bool // pidone.quiet: init prints nothing of its own unless something fails
	Debug     bool // pidone.debug: init explains what it does
	CrashTest bool // pidone.crashtest: init panics after boot, to check that this powers off cleanly

	Exec    bool       // pidone.exec: run one command sent by the host over virtio-serial, then power off
	Modules string     // pidone.modules=auto|none|a,b: what to load at boot (default auto: what the devices need)
	Net     string     // pidone.net=dhcp|none: bring up the network card at boot
	Data    string     // pidone.data=DEV: mount this disk (/dev/vda, LABEL=x, UUID=x) on DataDir
	Shares  []Share    // pidone.share=TAG:/dir (repeatable): mount a 9p share
	Apps    [][]string // pidone.app="/bin/prog ARGS" (repeatable): supervise this program; each is its argv
	NoShell bool       // pidone.shell=off: no shell on the console (an appliance)

	// Root is root=DEV (/dev/vda, LABEL=x, UUID=x): the disk init mounts
	// and switches into, as an initramfs's init does. RootReadOnly is
	// "ro" (else "rw": pidone's root disks are written), and RootInit
	// is init=PATH, what runs there. These are the kernel's own words,
	// which the kernel leaves to an initramfs's init.
	Root         string
	RootReadOnly bool
	RootInit     string
}

// Parse reads the options of a command line.
func Parse(line string) (Options, []error) {
	var o Options
	errs := o.Apply(line)
	return o, errs
}

// known lists the option words, for the error about an unknown one.
const known = "pidone.run, pidone.init, pidone.hostname, pidone.winsize, pidone.quiet, pidone.debug, pidone.crashtest, pidone.exec, pidone.modules, pidone.net, pidone.data, pidone.share, pidone.app, pidone.shell"

// Apply sets the options that line's words name, split as the kernel
// splits them (package cmdline). Later words win; pidone.share and
// pidone.app add to what is there. A pidone.* word that is unknown or
// malformed is an error naming it, and changes nothing; other words are
// the kernel's or other programs' and are ignored, except TERM=NAME.
//
// Apply takes no value that Encode could not write back: a value holding
// a newline, carriage return or NUL is an error too.
func (o *Options) Apply(line string) []error {
	var errs []error
	for _, p := range cmdline.Parse(line) {
		switch {
		case p.Key == "root" && p.HasValue, p.Key == "init" && p.HasValue:
			if err := checkChars(p.Value); err != nil || p.Value == "" {
				errs = append(errs, fmt.Errorf("%s=%q: want a device or path; ignored", p.Key, p.Value))
				continue
			}
			if p.Key == "root" {
				o.Root = p.Value
			} else {
				o.RootInit = p.Value
			}
			continue
		case p.Key == "ro" && !p.HasValue:
			o.RootReadOnly = true
			continue
		case p.Key == "rw" && !p.HasValue:
			o.RootReadOnly = false
			continue
		}
		if p.Key == "TERM" && p.HasValue {
			if err := checkChars(p.Value); err != nil {
				errs = append(errs, fmt.Errorf("TERM=%q: %v; ignored", p.Value, err))
				continue
			}
			o.Term = p.Value
			continue
		}
		if !strings.HasPrefix(p.Key, "pidone.") {
			continue
		}
		if err := o.set(p); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// set applies one pidone.* word.
func (o *Options) set(p cmdline.Param) error {
	if err := checkChars(p.Value); err != nil {
		return fmt.Errorf("%s=%q: %v; ignored", p.Key, p.Value, err)
	}
	value := func(dst *string) error {
		if p.Value == "" {
			return fmt.Errorf("%s needs a value (%s=...); ignored", p.Key, p.Key)
		}
		*dst = p.Value
		return nil
	}
	flag := func(dst *bool) error {
		v, ok := parseFlag(p.Value)
		if !ok {
			return fmt.Errorf("%s=%q: want on or off (or 1/0, yes/no, y/n, true/false); ignored", p.Key, p.Value)
		}
		*dst = v
		return nil
	}
	switch strings.TrimPrefix(p.Key, "pidone.") {
	case "run":
		return value(&o.Run)
	case "init":
		return value(&o.Init)
	case "hostname":
		return value(&o.Hostname)
	case "winsize":
		w, ok := parseWinsize(p.Value)
		if !ok {
			return fmt.Errorf("pidone.winsize=%q: want COLSxROWS such as 120x40; ignored", p.Value)
		}
		o.Winsize = w
	case "quiet":
		return flag(&o.Quiet)
	case "debug":
		return flag(&o.Debug)
	case "crashtest":
		return flag(&o.CrashTest)
	case "exec":
		return flag(&o.Exec)
	case "modules":
		return value(&o.Modules)
	case "net":
		return value(&o.Net)
	case "data":
		return value(&o.Data)
	case "share":
		var v string
		if err := value(&v); err != nil {
			return err
		}
		tag, dir, _ := strings.Cut(v, ":")
		s := Share{Tag: tag, Dir: dir}
		if err := s.check(); err != nil {
			return fmt.Errorf("pidone.share=%q: want TAG:/dir (%v); ignored", v, err)
		}
		o.Shares = append(o.Shares, s)
	case "app":
		var v string
		if err := value(&v); err != nil {
			return err
		}
		argv := strings.Fields(v)
		if len(argv) == 0 {
			return fmt.Errorf("pidone.app=%q: want a program and its arguments; ignored", v)
		}
		o.Apps = append(o.Apps, argv)
	case "shell":
		on, ok := parseFlag(p.Value)
		if !ok {
			return fmt.Errorf("pidone.shell=%q: want off (or on); ignored", p.Value)
		}
		o.NoShell = !on
	default:
		return fmt.Errorf("unknown option %s (ignored); known: %s", p.Key, known)
	}
	return nil
}

// parseFlag reads a flag's value; a flag without one is on.
func parseFlag(v string) (on, ok bool) {
	switch v {
	case "", "1", "y", "yes", "on", "true":
		return true, true
	case "0", "n", "no", "off", "false":
		return false, true
	}
	return false, false
}

// parseWinsize reads COLSxROWS: decimal digits only, so that what it
// accepts is what Winsize.String writes.
func parseWinsize(v string) (Winsize, bool) {
	c, r, ok := strings.Cut(v, "x")
	if !ok {
		return Winsize{}, false
	}
	w := Winsize{Cols: digits(c), Rows: digits(r)}
	return w, w.check() == nil
}

// digits is s as a decimal number, or -1 if s is not one or too large to
// be a size.
func digits(s string) int {
	if s == "" || len(s) > 5 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func (w Winsize) check() error {
	if w.Cols <= 0 || w.Rows <= 0 || w.Cols > maxWinsize || w.Rows > maxWinsize {
		return fmt.Errorf("%s: columns and rows must be from 1 to %d", w, maxWinsize)
	}
	return nil
}

func (s Share) check() error {
	switch {
	case s.Tag == "":
		return errors.New("no tag")
	case strings.Contains(s.Tag, ":"):
		return errors.New("a colon in the tag")
	case !strings.HasPrefix(s.Dir, "/"):
		return errors.New("the directory must be absolute")
	case hasSpace(s.Tag) || hasSpace(s.Dir):
		return errors.New("white space")
	}
	return checkChars(s.Tag + s.Dir)
}

// checkArg checks one argument of a pidone.app program: Apply splits the
// value at white space, so an argument can hold none, nor be empty.
func checkArg(a string) error {
	switch {
	case a == "":
		return errors.New("an empty argument")
	case hasSpace(a):
		return fmt.Errorf("white space in the argument %q", a)
	}
	return checkChars(a)
}

func hasSpace(s string) bool { return strings.IndexFunc(s, unicode.IsSpace) >= 0 }

// checkChars reports the characters no value can hold. The tokenizer
// drops every double quote, and has no escape for one; a newline or a
// carriage return is white space outside quotes, and boot loaders and
// QEMU's -append take neither well within them; NUL ends the kernel's
// string.
func checkChars(v string) error {
	switch {
	case strings.Contains(v, `"`):
		return errors.New("a double quote, which a kernel command line cannot carry")
	case strings.ContainsAny(v, "\n\r\x00"):
		return errors.New("a newline, carriage return or NUL, which a kernel command line cannot carry")
	}
	return nil
}

// Encode returns the command-line words for the options that are set, in
// a fixed order (the fields' order), each quoted as the kernel needs.
// Parse reads them back into o. A value that no command line can carry is
// an error naming its field: a double quote, a newline, carriage return
// or NUL anywhere; white space in an app's argument or a share; an empty
// argument or app; a share without a tag or an absolute directory; a
// winsize with a side not from 1 to 65535.
func (o Options) Encode() (string, error) {
	var params []cmdline.Param
	var errs []error
	str := func(field, key, v string) {
		if v == "" {
			return
		}
		if err := checkChars(v); err != nil {
			errs = append(errs, fmt.Errorf("bootopts: %s (%s): %v", field, key, err))
			return
		}
		params = append(params, cmdline.Param{Key: key, Value: v, HasValue: true})
	}
	flag := func(key string, on bool) {
		if on {
			params = append(params, cmdline.Param{Key: key})
		}
	}
	str("Run", "pidone.run", o.Run)
	str("Init", "pidone.init", o.Init)
	str("Hostname", "pidone.hostname", o.Hostname)
	if o.Winsize != (Winsize{}) {
		if err := o.Winsize.check(); err != nil {
			errs = append(errs, fmt.Errorf("bootopts: Winsize (pidone.winsize): %v", err))
		} else {
			params = append(params, cmdline.Param{Key: "pidone.winsize", Value: o.Winsize.String(), HasValue: true})
		}
	}
	str("Term", "TERM", o.Term)
	flag("pidone.quiet", o.Quiet)
	flag("pidone.debug", o.Debug)
	flag("pidone.crashtest", o.CrashTest)
	flag("pidone.exec", o.Exec)
	str("Modules", "pidone.modules", o.Modules)
	str("Net", "pidone.net", o.Net)
	str("Data", "pidone.data", o.Data)
	for i, s := range o.Shares {
		if err := s.check(); err != nil {
			errs = append(errs, fmt.Errorf("bootopts: Shares[%d] (pidone.share=%s): want TAG:/dir: %v", i, s, err))
			continue
		}
		params = append(params, cmdline.Param{Key: "pidone.share", Value: s.String(), HasValue: true})
	}
	for i, argv := range o.Apps {
		if len(argv) == 0 {
			errs = append(errs, fmt.Errorf("bootopts: Apps[%d] (pidone.app): no program", i))
			continue
		}
		var bad error
		for _, a := range argv {
			if bad = checkArg(a); bad != nil {
				break
			}
		}
		if bad != nil {
			errs = append(errs, fmt.Errorf("bootopts: Apps[%d] (pidone.app): %v", i, bad))
			continue
		}
		params = append(params, cmdline.Param{Key: "pidone.app", Value: strings.Join(argv, " "), HasValue: true})
	}
	if o.NoShell {
		params = append(params, cmdline.Param{Key: "pidone.shell", Value: "off", HasValue: true})
	}
	if o.Root != "" {
		str("Root", "root", o.Root)
		flag("ro", o.RootReadOnly)
		flag("rw", !o.RootReadOnly)
	}
	str("RootInit", "init", o.RootInit)
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	return cmdline.Join(params), nil
}

// Merge returns o with p's options on top: a string or winsize that p
// sets replaces o's, a flag that p sets is set, and p's shares and apps
// follow o's. It is what Apply does with p's words after o's, for the
// host that combines the options baked into an image with a boot's own.
func (o Options) Merge(p Options) Options {
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	str(&o.Run, p.Run)
	str(&o.Init, p.Init)
	str(&o.Hostname, p.Hostname)
	if p.Winsize != (Winsize{}) {
		o.Winsize = p.Winsize
	}
	str(&o.Term, p.Term)
	o.Quiet = o.Quiet || p.Quiet
	o.Debug = o.Debug || p.Debug
	o.CrashTest = o.CrashTest || p.CrashTest
	o.Exec = o.Exec || p.Exec
	str(&o.Modules, p.Modules)
	str(&o.Net, p.Net)
	str(&o.Data, p.Data)
	if p.Root != "" {
		o.Root, o.RootReadOnly = p.Root, p.RootReadOnly
	}
	str(&o.RootInit, p.RootInit)
	// Clipped, so that appending never writes into o's array, which the
	// caller still holds.
	if len(p.Shares) > 0 {
		o.Shares = append(slices.Clip(o.Shares), p.Shares...)
	}
	if len(p.Apps) > 0 {
		o.Apps = append(slices.Clip(o.Apps), p.Apps...)
	}
	o.NoShell = o.NoShell || p.NoShell
	return o
}
