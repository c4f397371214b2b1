package initd

import (
	"fmt"
	"os"
	"strings"

	"pidone.dev/pkg/cmdline"
)

// Options are init's settings, from "pidone.*" words on the kernel command
// line. The image's /etc/pidone/cmdline (written by "pidone build
// --cmdline") is read first, so the kernel command line wins.
type Options struct {
	Run       string // pidone.run=CMD: run CMD with sh -c instead of the shell, then power off
	Init      string // pidone.init=PATH: exec PATH as init after the basic mounts
	Hostname  string // pidone.hostname=NAME
	Winsize   string // pidone.winsize=COLSxROWS: console size, for serial lines that have none
	Quiet     bool   // pidone.quiet: init prints nothing of its own unless something fails
	Debug     bool   // pidone.debug: init explains what it does
	CrashTest bool   // pidone.crashtest: init panics after boot, to check that this powers off cleanly

	Exec    bool     // pidone.exec: run one command sent by the host over virtio-serial, then power off
	Modules string   // pidone.modules=auto|none|m1,m2: what to load at boot (default auto: what the devices need)
	Net     string   // pidone.net=dhcp|none: bring up the network card at boot
	Data    string   // pidone.data=/dev/vda: mount this disk on /data
	Shares  []string // pidone.share=TAG:/dir (repeatable): mount a 9p share
	Apps    []string // pidone.app="/bin/prog ARGS" (repeatable): supervise this program
	NoShell bool     // pidone.shell=off: no shell on the console (an appliance)
}

// Param is one word of a kernel command line.
type Param = cmdline.Param

// ParseCmdline splits a kernel command line the way the kernel does
// (cmdline.Parse): words separated by white space, double quotes group
// (and are removed), and everything after a lone "--" is for init's argv
// and is dropped here.
func ParseCmdline(s string) []Param { return cmdline.Parse(s) }

// Apply sets the options named in params and returns errors for unknown
// or malformed pidone.* words; other words are the kernel's and ignored.
func (o *Options) Apply(params []Param) []error {
	var errs []error
	for _, p := range params {
		name, ok := strings.CutPrefix(p.Key, "pidone.")
		if !ok {
			continue
		}
		flag := func() bool {
			switch p.Value {
			case "", "1", "y", "yes", "on", "true":
				return true
			}
			return false
		}
		needValue := func(dst *string) {
			if !p.HasValue || p.Value == "" {
				errs = append(errs, fmt.Errorf("%s needs a value (%s=...); ignored", p.Key, p.Key))
				return
			}
			*dst = p.Value
		}
		switch name {
		case "run":
			needValue(&o.Run)
		case "init":
			needValue(&o.Init)
		case "hostname":
			needValue(&o.Hostname)
		case "winsize":
			var c, r int
			if _, err := fmt.Sscanf(p.Value, "%dx%d", &c, &r); err != nil || c <= 0 || r <= 0 {
				errs = append(errs, fmt.Errorf("pidone.winsize=%q: want COLSxROWS such as 120x40; ignored", p.Value))
				continue
			}
			o.Winsize = p.Value
		case "quiet":
			o.Quiet = flag()
		case "debug":
			o.Debug = flag()
		case "crashtest":
			o.CrashTest = flag()
		case "exec":
			o.Exec = flag()
		case "modules":
			needValue(&o.Modules)
		case "net":
			needValue(&o.Net)
		case "data":
			needValue(&o.Data)
		case "app":
			var v string
			needValue(&v)
			if v != "" {
				o.Apps = append(o.Apps, v)
			}
		case "shell":
			o.NoShell = p.Value == "off" || p.Value == "0" || p.Value == "no"
		case "share":
			var v string
			needValue(&v)
			if tag, dir, ok := strings.Cut(v, ":"); v != "" && (!ok || tag == "" || !strings.HasPrefix(dir, "/")) {
				errs = append(errs, fmt.Errorf("pidone.share=%q: want TAG:/dir; ignored", v))
			} else if v != "" {
				o.Shares = append(o.Shares, v)
			}
		default:
			errs = append(errs, fmt.Errorf("unknown option %s (ignored); known: pidone.run, pidone.init, pidone.hostname, pidone.winsize, pidone.quiet, pidone.debug, pidone.exec, pidone.modules, pidone.net, pidone.data, pidone.share, pidone.app, pidone.shell", p.Key))
		}
	}
	return errs
}

// LoadOptions reads /etc/pidone/cmdline and /proc/cmdline.
func LoadOptions() (Options, []error) {
	var o Options
	var errs []error
	for _, f := range []string{"/etc/pidone/cmdline", "/proc/cmdline"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		errs = append(errs, o.Apply(ParseCmdline(string(b)))...)
	}
	return o, errs
}
