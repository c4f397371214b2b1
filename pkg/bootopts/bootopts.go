// Package bootopts is a placeholder of the boot contract while it is
// written elsewhere (replaced at merge).
package bootopts

import (
	"fmt"
	"strings"

	"pidone.dev/pkg/cmdline"
)

const (
	CmdlineFile  = "/etc/pidone/cmdline"
	PromptFile   = "/run/pidone/prompt"
	SettledFile  = "/run/pidone/settled"
	LogDir       = "/run/log"
	ModprobeLink = "/lib/pidone/modprobe"
	AbsentFile   = "pidone.absent"
)

type Share struct{ Tag, Dir string }
type Winsize struct{ Cols, Rows int }
type Options struct {
	Run                     string
	Init                    string
	Hostname                string
	Winsize                 Winsize
	Term                    string
	Quiet, Debug, CrashTest bool
	Exec                    bool
	Modules                 string
	Net                     string
	Data                    string
	Shares                  []Share
	Apps                    [][]string
	NoShell                 bool
}

func Parse(s string) (Options, []error)        { return Options{}, nil }
func (o *Options) Apply(s string) []error { return nil }
func (o Options) Merge(p Options) Options {
	if p.Run != "" {
		o.Run = p.Run
	}
	if p.Term != "" {
		o.Term = p.Term
	}
	if p.Winsize != (Winsize{}) {
		o.Winsize = p.Winsize
	}
	o.Exec = o.Exec || p.Exec
	o.CrashTest = o.CrashTest || p.CrashTest
	o.NoShell = o.NoShell || p.NoShell
	if p.Net != "" {
		o.Net = p.Net
	}
	if p.Data != "" {
		o.Data = p.Data
	}
	o.Shares = append(append([]Share(nil), o.Shares...), p.Shares...)
	o.Apps = append(append([][]string(nil), o.Apps...), p.Apps...)
	return o
}
func (o Options) Encode() (string, error) {
	var w []string
	add := func(k, v string) { w = append(w, cmdline.Param{Key: k, Value: v, HasValue: true}.String()) }
	if o.Term != "" {
		add("TERM", o.Term)
	}
	if o.Winsize.Cols > 0 {
		add("pidone.winsize", fmt.Sprintf("%dx%d", o.Winsize.Cols, o.Winsize.Rows))
	}
	if o.Run != "" {
		add("pidone.run", o.Run)
	}
	if o.Exec {
		w = append(w, "pidone.exec")
	}
	if o.CrashTest {
		w = append(w, "pidone.crashtest")
	}
	if o.Net != "" {
		add("pidone.net", o.Net)
	}
	if o.Data != "" {
		add("pidone.data", o.Data)
	}
	for _, s := range o.Shares {
		add("pidone.share", s.Tag+":"+s.Dir)
	}
	for _, a := range o.Apps {
		add("pidone.app", strings.Join(a, " "))
	}
	if o.NoShell {
		add("pidone.shell", "off")
	}
	return strings.Join(w, " "), nil
}
