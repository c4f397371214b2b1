package initd

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// The tokenizer itself is tested in pidone.dev/pkg/cmdline.

func TestApply(t *testing.T) {
	var o Options
	errs := o.Apply(ParseCmdline(`console=ttyS0 pidone.run="ls /" pidone.quiet pidone.winsize=100x30 pidone.hostname=box pidone.bogus pidone.init= pidone.winsize=wide`))
	want := Options{Run: "ls /", Quiet: true, Winsize: "100x30", Hostname: "box"}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("options = %+v, want %+v", o, want)
	}
	if len(errs) != 3 {
		t.Fatalf("errors = %v, want 3 (bogus, empty init, bad winsize)", errs)
	}
	for i, sub := range []string{"unknown option pidone.bogus", "pidone.init needs a value", "pidone.winsize"} {
		if !strings.Contains(errs[i].Error(), sub) {
			t.Errorf("error %d = %q, want it to mention %q", i, errs[i], sub)
		}
	}
	var off Options
	off.Apply(ParseCmdline("pidone.quiet=0 pidone.debug=yes"))
	if off.Quiet || !off.Debug {
		t.Errorf("flag values: %+v", off)
	}
}

func FuzzParseCmdline(f *testing.F) {
	f.Add(`console=ttyS0 pidone.run="echo hi" -- x`)
	f.Add(`"""=" a`)
	f.Fuzz(func(t *testing.T, s string) {
		params := ParseCmdline(s)
		for _, p := range params {
			if strings.ContainsAny(p.Key, " \t\n") && !strings.Contains(s, `"`) {
				t.Errorf("unquoted key %q has white space", p.Key)
			}
			if p.Key == "--" {
				t.Errorf("-- kept as a parameter")
			}
		}
		var o Options
		o.Apply(params)
		if utf8.ValidString(s) && !utf8.ValidString(o.Run) {
			t.Errorf("valid input gave invalid run %q", o.Run)
		}
	})
}
