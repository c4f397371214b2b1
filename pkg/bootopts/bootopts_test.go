package bootopts

import (
	"reflect"
	"strings"
	"testing"
)

// The tokenizer itself is tested in pidone.dev/pkg/cmdline.

func TestApply(t *testing.T) {
	tests := []struct {
		line string
		want Options
		errs []string // what each error mentions, in order
	}{
		{
			line: `console=ttyS0 pidone.run="ls /" pidone.quiet pidone.winsize=100x30 pidone.hostname=box pidone.bogus pidone.init= pidone.winsize=wide`,
			want: Options{Run: "ls /", Quiet: true, Winsize: Winsize{100, 30}, Hostname: "box"},
			errs: []string{"unknown option pidone.bogus", "pidone.init needs a value", `pidone.winsize="wide"`},
		},
		{line: "", want: Options{}},
		{line: "quiet console=ttyS0 init=/init pidone", want: Options{RootInit: "/init"}},
		{line: "root=LABEL=root ro init=/sbin/init", want: Options{Root: "LABEL=root", RootReadOnly: true, RootInit: "/sbin/init"}},
		{line: "ro root=/dev/vda rw", want: Options{Root: "/dev/vda"}},
		{line: "pidone.quiet=0 pidone.debug=yes", want: Options{Debug: true}},
		{line: "pidone.quiet pidone.quiet=off", want: Options{}},
		{line: "pidone.quiet=maybe", errs: []string{`pidone.quiet="maybe": want on or off`}},
		{line: "pidone.debug=1 pidone.crashtest=true pidone.exec=on", want: Options{Debug: true, CrashTest: true, Exec: true}},
		{line: "pidone.run=a pidone.run=b", want: Options{Run: "b"}},
		{line: `pidone.run="echo a=b" pidone.run`, want: Options{Run: "echo a=b"}, errs: []string{"pidone.run needs a value"}},
		{line: "pidone.winsize=80x24 pidone.winsize=0x24 pidone.winsize=80x pidone.winsize=+80x24 pidone.winsize=80x24x1 pidone.winsize=70000x1",
			want: Options{Winsize: Winsize{80, 24}},
			errs: []string{"0x24", `"80x"`, "+80x24", "80x24x1", "70000x1"}},
		{line: "TERM=xterm-256color", want: Options{Term: "xterm-256color"}},
		{line: "TERM=xterm TERM= TERM", want: Options{}},
		{line: "pidone.modules=virtio_blk,auto pidone.net=dhcp pidone.data=LABEL=data",
			want: Options{Modules: "virtio_blk,auto", Net: "dhcp", Data: "LABEL=data"}},
		{line: "pidone.share=src:/src pidone.share=out:/mnt/o:x pidone.share=/x pidone.share=t:rel pidone.share=:/x",
			want: Options{Shares: []Share{{"src", "/src"}, {"out", "/mnt/o:x"}}},
			errs: []string{`pidone.share="/x"`, `pidone.share="t:rel"`, `pidone.share=":/x"`}},
		{line: `pidone.share="a:/b c"`, errs: []string{"white space"}},
		{line: `pidone.app="/bin/srv -p 80" pidone.app=/bin/logger pidone.app=" " pidone.app`,
			want: Options{Apps: [][]string{{"/bin/srv", "-p", "80"}, {"/bin/logger"}}},
			errs: []string{`pidone.app=" "`, "pidone.app needs a value"}},
		{line: "pidone.shell=off", want: Options{NoShell: true}},
		{line: "pidone.shell=no pidone.shell", want: Options{}},
		{line: "pidone.shell=0", want: Options{NoShell: true}},
		{line: "pidone.shell=later", errs: []string{`pidone.shell="later"`}},
		{line: "pidone.run=x -- pidone.run=y", want: Options{Run: "x"}},
		{line: "pidone.run=\"a\nb\"", errs: []string{"newline"}},
		{line: "TERM=\"a\x00b\"", errs: []string{"TERM="}},
	}
	for _, tt := range tests {
		got, errs := Parse(tt.line)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.line, got, tt.want)
		}
		if len(errs) != len(tt.errs) {
			t.Errorf("Parse(%q): errors %q, want %d", tt.line, errs, len(tt.errs))
			continue
		}
		for i, sub := range tt.errs {
			if !strings.Contains(errs[i].Error(), sub) {
				t.Errorf("Parse(%q): error %d = %q, want it to mention %q", tt.line, i, errs[i], sub)
			}
		}
	}
}

// Apply on top of what is there: what LoadOptions does with the image's
// options and then the kernel's.
func TestApplyTwice(t *testing.T) {
	o, _ := Parse("pidone.app=/bin/a pidone.hostname=img pidone.quiet")
	o.Apply("pidone.app=/bin/b pidone.hostname=boot pidone.quiet=0")
	want := Options{Hostname: "boot", Apps: [][]string{{"/bin/a"}, {"/bin/b"}}}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got %+v, want %+v", o, want)
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		o    Options
		want string
	}{
		{Options{}, ""},
		{Options{Exec: true}, "pidone.exec"},
		{
			Options{
				Run: "echo hi", Init: "/sbin/init", Hostname: "box", Winsize: Winsize{120, 40}, Term: "xterm",
				Quiet: true, Debug: true, CrashTest: true, Exec: true, Modules: "auto,9p", Net: "dhcp", Data: "/dev/vda",
				Shares: []Share{{"src", "/src"}}, Apps: [][]string{{"/bin/srv", "-p", "80"}, {"/bin/b"}}, NoShell: true,
			},
			`"pidone.run=echo hi" pidone.init=/sbin/init pidone.hostname=box pidone.winsize=120x40 TERM=xterm pidone.quiet pidone.debug pidone.crashtest pidone.exec pidone.modules=auto,9p pidone.net=dhcp pidone.data=/dev/vda pidone.share=src:/src "pidone.app=/bin/srv -p 80" pidone.app=/bin/b pidone.shell=off`,
		},
	}
	for _, tt := range tests {
		got, err := tt.o.Encode()
		if err != nil || got != tt.want {
			t.Errorf("Encode(%+v) = %q, %v; want %q", tt.o, got, err, tt.want)
		}
		if back, errs := Parse(got); !reflect.DeepEqual(back, tt.o) || errs != nil {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", got, back, errs, tt.o)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		o    Options
		want []string // what the error mentions
	}{
		{Options{Run: `echo "hi"`}, []string{"Run (pidone.run)", "double quote"}},
		{Options{Run: "a\nb"}, []string{"Run", "newline"}},
		{Options{Hostname: "a\x00"}, []string{"Hostname", "NUL"}},
		{Options{Term: "x\ry"}, []string{"Term (TERM)"}},
		{Options{Modules: `"`}, []string{"Modules"}},
		{Options{Net: "\n"}, []string{"Net"}},
		{Options{Data: "\x00"}, []string{"Data"}},
		{Options{Init: `/x"`}, []string{"Init"}},
		{Options{Winsize: Winsize{0, 24}}, []string{"Winsize", "0x24"}},
		{Options{Winsize: Winsize{80, -1}}, []string{"Winsize"}},
		{Options{Winsize: Winsize{70000, 24}}, []string{"Winsize"}},
		{Options{Shares: []Share{{"ok", "/ok"}, {"", "/x"}}}, []string{"Shares[1]", "no tag"}},
		{Options{Shares: []Share{{"a:b", "/x"}}}, []string{"Shares[0]", "colon"}},
		{Options{Shares: []Share{{"a", "x"}}}, []string{"Shares[0]", "absolute"}},
		{Options{Shares: []Share{{"a", "/x y"}}}, []string{"Shares[0]", "white space"}},
		{Options{Shares: []Share{{"a\tb", "/x"}}}, []string{"Shares[0]", "white space"}},
		{Options{Shares: []Share{{"a", `/"x`}}}, []string{"Shares[0]", "double quote"}},
		{Options{Apps: [][]string{{}}}, []string{"Apps[0]", "no program"}},
		{Options{Apps: [][]string{{"/bin/a"}, {"/bin/b", "two words"}}}, []string{"Apps[1]", "white space"}},
		{Options{Apps: [][]string{{"/bin/a", ""}}}, []string{"Apps[0]", "empty argument"}},
		{Options{Apps: [][]string{{"/bin/a", "\u00a0"}}}, []string{"Apps[0]", "white space"}},
		{Options{Apps: [][]string{{`/bin/"a"`}}}, []string{"Apps[0]", "double quote"}},
		{Options{Run: `"`, Data: `"`}, []string{"Run", "Data"}},
	}
	for _, tt := range tests {
		s, err := tt.o.Encode()
		if err == nil {
			t.Errorf("Encode(%+v) = %q, want an error", tt.o, s)
			continue
		}
		if s != "" {
			t.Errorf("Encode(%+v) = %q with an error", tt.o, s)
		}
		for _, sub := range tt.want {
			if !strings.Contains(err.Error(), sub) {
				t.Errorf("Encode(%+v): %q, want it to mention %q", tt.o, err, sub)
			}
		}
	}
}

func TestMerge(t *testing.T) {
	baked := Options{Hostname: "img", Quiet: true, Apps: [][]string{{"/bin/a"}}, Shares: []Share{{"a", "/a"}}, Winsize: Winsize{80, 24}}
	boot := Options{Hostname: "boot", Exec: true, Apps: [][]string{{"/bin/b"}}, Term: "xterm"}
	got := baked.Merge(boot)
	want := Options{Hostname: "boot", Quiet: true, Exec: true, Term: "xterm", Winsize: Winsize{80, 24},
		Apps: [][]string{{"/bin/a"}, {"/bin/b"}}, Shares: []Share{{"a", "/a"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge = %+v, want %+v", got, want)
	}
	if len(baked.Apps) != 1 {
		t.Errorf("Merge changed its receiver: %+v", baked)
	}
	// Appending to what Merge returned must not write into either.
	a := make([][]string, 1, 4)
	a[0] = []string{"/bin/a"}
	o := Options{Apps: a}
	m1 := o.Merge(Options{Apps: [][]string{{"/bin/1"}}})
	m2 := o.Merge(Options{Apps: [][]string{{"/bin/2"}}})
	if m1.Apps[1][0] != "/bin/1" || m2.Apps[1][0] != "/bin/2" {
		t.Errorf("Merges share an array: %v %v", m1.Apps, m2.Apps)
	}
}

// normalize makes empty lists nil, which Parse returns for none.
func normalize(o Options) Options {
	if len(o.Shares) == 0 {
		o.Shares = nil
	}
	if len(o.Apps) == 0 {
		o.Apps = nil
	}
	if o.Root == "" {
		o.RootReadOnly = false // "ro" is written only with a root
	}
	return o
}

// fuzzOptions builds Options from fuzzed fields: the lists from strings
// split at '|' (shares) and at ';' then ',' (apps' argvs).
func fuzzOptions(run, init, host, term, mods, net, data, shares, apps string, cols, rows int, flags uint8) Options {
	o := Options{
		Run: run, Init: init, Hostname: host, Term: term, Modules: mods, Net: net, Data: data,
		Winsize:   Winsize{cols, rows},
		Quiet:     flags&1 != 0,
		Debug:     flags&2 != 0,
		CrashTest: flags&4 != 0,
		Exec:      flags&8 != 0,
		NoShell:   flags&16 != 0,
		// The kernel's root words, from the same strings.
		Root:         data,
		RootReadOnly: flags&64 != 0,
		RootInit:     init,
	}
	if shares != "" {
		for _, s := range strings.Split(shares, "|") {
			tag, dir, _ := strings.Cut(s, "=")
			o.Shares = append(o.Shares, Share{tag, dir})
		}
	}
	if apps != "" {
		for _, a := range strings.Split(apps, ";") {
			o.Apps = append(o.Apps, strings.Split(a, ","))
		}
	}
	return o
}

// Whatever the options, Encode either refuses them or writes words that
// Parse reads back into the same options, with no error; and two
// encodings one after the other read back as their Merge.
func FuzzRoundTrip(f *testing.F) {
	f.Add("echo hi", "/sbin/init", "box", "xterm", "auto", "dhcp", "/dev/vda", "src=/src|b=/x:y", "/bin/srv,-p,80;/bin/b", 120, 40, uint8(31))
	f.Add(`echo "q"`, "", "", "", "", "", "", "", "", 0, 0, uint8(0))
	f.Add("a\tb", "x\u00a0y", "voil\u00e0", "", "a, b", "", "LABEL=x", "=/x", "", 0, 24, uint8(3))
	f.Add("", "", "", "", "", "", "", "t=rel", "/bin/a,,b", 1, 1, uint8(8))
	f.Add("--", "-- x", "", "", "", "", "", "", "--", 65535, 65535, uint8(0))
	f.Fuzz(func(t *testing.T, run, init, host, term, mods, net, data, shares, apps string, cols, rows int, flags uint8) {
		o := fuzzOptions(run, init, host, term, mods, net, data, shares, apps, cols, rows, flags)
		s, err := o.Encode()
		if err != nil {
			return
		}
		got, errs := Parse(s)
		if errs != nil {
			t.Fatalf("Parse(Encode(%+v)) = Parse(%q): errors %v", o, s, errs)
		}
		if !reflect.DeepEqual(got, normalize(o)) {
			t.Fatalf("Parse(Encode(%+v)) = Parse(%q) = %+v", o, s, got)
		}
		// The host puts the image's options and the boot's on one line.
		p := Options{Run: data, Hostname: run, Apps: o.Apps, Quiet: flags&32 != 0, Winsize: Winsize{rows, cols}}
		ps, err := p.Encode()
		if err != nil {
			return
		}
		both, errs := Parse(s + " " + ps)
		if want := normalize(o.Merge(p)); errs != nil || !reflect.DeepEqual(both, want) {
			t.Fatalf("Parse(%q) = %+v, %v; want the Merge, %+v", s+" "+ps, both, errs, want)
		}
	})
}

// Whatever the line, Parse does not panic, and what it returns encodes
// without an error into words that Parse reads back into the same.
func FuzzParse(f *testing.F) {
	f.Add(`console=ttyS0 pidone.run="echo hi" -- x`)
	f.Add(`"""=" a`)
	f.Add(`pidone.app="/bin/a  b" pidone.share=a:/b pidone.winsize=0080x024 TERM=vt100 pidone.shell=0`)
	f.Add("pidone.run=\"a\x00b\" pidone.quiet=y pidone.hostname=\u00e0")
	f.Fuzz(func(t *testing.T, line string) {
		o, _ := Parse(line)
		s, err := o.Encode()
		if err != nil {
			t.Fatalf("Parse(%q) = %+v, which Encode refuses: %v", line, o, err)
		}
		again, errs := Parse(s)
		if errs != nil || !reflect.DeepEqual(again, o) {
			t.Fatalf("Parse(%q) = %+v, encoded as %q, which Parse reads as %+v, %v", line, o, s, again, errs)
		}
	})
}
