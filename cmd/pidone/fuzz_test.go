package main

import (
	"flag"
	"slices"
	"strings"
	"testing"

	"pidone.dev/host/system"
)

// FuzzSplitTestArgs: pidone test's command line (NUL-separated
// arguments) splits into pidone's flags, packages and the binary's
// flags, losing and adding nothing but -args, keeping each part's order.
func FuzzSplitTestArgs(f *testing.F) {
	f.Add("-v\x00-run\x00X\x00./a\x00-test.cpu\x001,2\x00./b\x00-test.short\x00-run=Y\x00-test.count=2\x00-args\x00-v\x00c")
	f.Add("--\x00-x\x00-\x00--test.v\x00-run")
	f.Fuzz(func(t *testing.T, in string) {
		args := strings.Split(in, "\x00")
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.Bool("v", false, "")
		fs.String("run", "", "")
		own, pkgs, bin := splitTestArgs(fs, args)
		for _, p := range pkgs {
			if strings.HasPrefix(p, "-") && p != "-" {
				t.Errorf("package %q is a flag", p)
			}
		}
		all := append(append(append([]string{}, own...), pkgs...), bin...)
		want := slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "-args" || a == "--args" })
		got := slices.DeleteFunc(slices.Clone(all), func(a string) bool { return a == "-args" || a == "--args" })
		slices.Sort(want)
		slices.Sort(got)
		if i := slices.Index(args, "-args"); i < 0 && slices.Index(args, "--args") < 0 && !slices.Equal(got, want) {
			t.Errorf("split %q into %q %q %q", args, own, pkgs, bin)
		}
		if len(all) > len(args) {
			t.Errorf("split %q into more: %q %q %q", args, own, pkgs, bin)
		}
		if !isSubsequence(pkgs, args) || !isSubsequence(own, args) || !isSubsequence(bin, args) {
			t.Errorf("split %q out of order: %q %q %q", args, own, pkgs, bin)
		}
	})
}

func isSubsequence(sub, of []string) bool {
	for _, s := range sub {
		i := slices.Index(of, s)
		if i < 0 {
			return false
		}
		of = of[i+1:]
	}
	return true
}

// FuzzShareFlag: --share HOSTDIR[:GUESTDIR], taken only with a host
// directory and an absolute guest one, which it keeps as given.
func FuzzShareFlag(f *testing.F) {
	f.Add("/srv/data:/mnt/data")
	f.Add("data")
	f.Add(":/x")
	f.Add("a:b:c")
	f.Fuzz(func(t *testing.T, v string) {
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		fs.SetOutput(discard{})
		var s system.System
		machineFlags(fs, &s)
		if err := fs.Parse([]string{"--share", v}); err != nil {
			return
		}
		if len(s.Shares) != 1 {
			t.Fatalf("--share %q: %d shares", v, len(s.Shares))
		}
		sh := s.Shares[0]
		if sh.HostDir == "" || sh.Dir != "" && !strings.HasPrefix(sh.Dir, "/") {
			t.Errorf("--share %q accepted as %+v", v, sh)
		}
		if back := sh.HostDir + ":" + sh.Dir; back != v && sh.HostDir != v && back != v+":" {
			t.Errorf("--share %q read as %+v", v, sh)
		}
	})
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
