package utillinux

import (
	"context"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestStripPriority(t *testing.T) {
	for in, want := range map[string]string{
		"<6>[    0.000000] Linux": "[    0.000000] Linux",
		"<12>user":                "user",
		"<191>x":                  "x",
		"<1234>x":                 "<1234>x",
		"<>x":                     "<>x",
		"<a>x":                    "<a>x",
		"no prefix":               "no prefix",
		"<6":                      "<6",
		"":                        "",
	} {
		if got := stripPriority(in); got != want {
			t.Errorf("stripPriority(%q) = %q, want %q", in, got, want)
		}
	}
	buf := "<6>[    0.000000] Linux version\n<4>[    1.234567] warning\n<6>[    2.000000] last"
	if got := dmesgText(buf, false); got != "[    0.000000] Linux version\n[    1.234567] warning\n[    2.000000] last\n" {
		t.Errorf("dmesgText: %q", got)
	}
	if got := dmesgText(buf, true); got != buf+"\n" {
		t.Errorf("dmesgText raw: %q", got)
	}
}

func TestParseKmsg(t *testing.T) {
	r, err := parseKmsg("6,1234,5678901,-;hello; world\n SUBSYSTEM=acpi\n DEVICE=+acpi:PNP0A03:00\n")
	if err != nil || r != (kmsgRecord{prio: 6, seq: 1234, usec: 5678901, msg: "hello; world"}) {
		t.Fatalf("got %+v, %v", r, err)
	}
	if got := r.format(false); got != "[    5.678901] hello; world" {
		t.Errorf("format: %q", got)
	}
	if got := r.format(true); got != "<6>[    5.678901] hello; world" {
		t.Errorf("format raw: %q", got)
	}
	r, err = parseKmsg("12,7,123456789012,c,caller=T42;from user space")
	if err != nil || r.prio != 12 || r.format(false) != "[123456.789012] from user space" {
		t.Errorf("extra fields: %+v, %v", r, err)
	}
	for _, bad := range []string{"", "6,1,2;no flags", "6,1,2,-", "x,1,2,-;m", "6,x,2,-;m", "6,1,-2,-;m", "-1,1,2,-;m"} {
		if _, err := parseKmsg(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	for _, tt := range []struct {
		in   string
		want int
	}{{"3", 3}, {"err", 4}, {"DEBUG", 8}, {"8", 8}} {
		if n, err := dmesgLevel(tt.in); err != nil || n != tt.want {
			t.Errorf("dmesgLevel(%q) = %d, %v", tt.in, n, err)
		}
	}
	for _, bad := range []string{"0", "9", "loud"} {
		if _, err := dmesgLevel(bad); err == nil {
			t.Errorf("dmesgLevel(%q): no error", bad)
		}
	}
}

func FuzzKmsg(f *testing.F) {
	f.Add("6,1234,5678901,-;hello world\n SUBSYSTEM=acpi\n")
	f.Add("<6>[    0.000000] Linux")
	f.Add("12,7,1,c,caller=T42;x;y")
	f.Fuzz(func(t *testing.T, s string) {
		if got := stripPriority(s); !strings.HasSuffix(s, got) {
			t.Errorf("stripPriority(%q) = %q, not a suffix", s, got)
		}
		if out := dmesgText(s, false); out != "" && !strings.HasSuffix(out, "\n") {
			t.Errorf("dmesgText(%q) = %q: no final newline", s, out)
		}
		r, err := parseKmsg(s)
		if err != nil {
			return
		}
		line := r.format(false)
		if strings.Contains(r.msg, "\n") || !strings.HasPrefix(line, "[") || !strings.HasSuffix(line, "] "+r.msg) {
			t.Errorf("%q: record %+v formats as %q", s, r, line)
		}
		if raw := r.format(true); stripPriority(raw) != line {
			t.Errorf("%q: raw %q does not strip to %q", s, raw, line)
		}
	})
}

func TestDmesg(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "dmesg")
	switch {
	case st == 0:
		if out != "" && !strings.HasPrefix(out, "[") {
			t.Errorf("dmesg output starts %q", out[:min(len(out), 40)])
		}
	case st == 1 && strings.HasPrefix(errs, "dmesg: cannot read the kernel log: ") && strings.Count(errs, "\n") == 1:
		t.Logf("dmesg not allowed here: %s", errs)
	default:
		t.Errorf("status %d, stderr %q", st, errs)
	}
	if _, _, st := cmdtest.Run(t, "", "", "dmesg", "-n", "loud"); st != 2 {
		t.Errorf("dmesg -n loud: status %d", st)
	}
}

func TestDmesgFollow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(300*time.Millisecond, cancel) // Ctrl-C
	start := time.Now()
	out, errs, st := cmdtest.RunContext(t, ctx, "dmesg", "-w")
	switch {
	case st == 1 && strings.HasPrefix(errs, "dmesg: cannot read /dev/kmsg: "):
		t.Skipf("no /dev/kmsg here: %s", errs)
	case st != 130:
		t.Errorf("dmesg -w: status %d, stderr %q", st, errs)
	case time.Since(start) > 2*time.Second:
		t.Errorf("dmesg -w took %v to stop", time.Since(start))
	}
	if plain, _, pst := cmdtest.Run(t, "", "", "dmesg"); pst == 0 && out != "" && !strings.HasPrefix(plain, out[:strings.Index(out, "\n")+1]) {
		// Both read the log from the last clear on.
		t.Logf("dmesg and dmesg -w start differently:\n%q\n%q", out[:min(80, len(out))], plain[:min(80, len(plain))])
	}
}
