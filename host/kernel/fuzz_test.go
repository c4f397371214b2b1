package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addConfigSeeds seeds f with the unit tests' inputs and pidone's own
// fragments.
func addConfigSeeds(f *testing.F) {
	f.Add("#\n# Automatically generated\nCONFIG_NET_9P=m\n# CONFIG_9P_FS is not set\nCONFIG_EXT4_FS=y\nCONFIG_LOCALVERSION=\"-x\"\nCONFIG_NR_CPUS=64\n")
	f.Add("# a comment\n\nCONFIG_TMPFS=y\n# CONFIG_SERIO is not set\nCONFIG_LOCALVERSION=\"-x\"\n  CONFIG_NR_CPUS=8  \n")
	f.Add("CONFIG_A=y\nCONFIG_TMP FS=y\n")
	f.Add("CONFIG_TMPFS=\nCONFIG_X=\"\"\nCONFIG_Y=\"\r\n")
	configs, _ := filepath.Glob("configs/*.config")
	for _, p := range configs {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	addConfigSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseConfig(strings.NewReader(in))
		if err != nil {
			return
		}
		for k, v := range c {
			if strings.Contains(k, "=") || strings.Contains(k, "\n") {
				t.Errorf("name %q holds = or a newline", k)
			}
			if strings.HasPrefix(v, `"`) || strings.HasSuffix(v, `"`) {
				t.Errorf("%s: value %q keeps its quotes", k, v)
			}
			// Has takes a name with or without CONFIG_ (a name that
			// itself starts with CONFIG_ is not a kernel's).
			if !strings.HasPrefix(k, "CONFIG_") && (c.Has(k) != (v == "y" || v == "m") || c.Has("CONFIG_"+k) != c.Has(k)) {
				t.Errorf("Has(%q) = %v with value %q", k, c.Has(k), v)
			}
		}
	})
}

// FuzzParseFragment: a fragment written back (Option.String, MergeConfig)
// reads as the same options, and a .config made of it satisfies
// CheckConfig; against any base config, the merged result does too.
func FuzzParseFragment(f *testing.F) {
	addConfigSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		base := in
		frag, err := ParseFragment("fuzz.config", []byte(in))
		if err != nil {
			// A config that is not a fragment is still a base to merge
			// into; the fragment is then its first half, if that parses.
			frag, err = ParseFragment("fuzz.config", []byte(in[:len(in)/2]))
			if err != nil {
				return
			}
			base = in[len(in)/2:]
		}
		var lines []string
		last := map[string]string{}
		var order []string
		for _, o := range frag.Options {
			if o.Name == "" || strings.ContainsAny(o.Value, "\n") || o.Value == "" || o.Value != strings.TrimSpace(o.Value) {
				t.Fatalf("option %+v", o)
			}
			lines = append(lines, o.String())
			if _, ok := last[o.Name]; !ok {
				order = append(order, o.Name)
			}
			last[o.Name] = o.Value
		}
		again, err := ParseFragment("again.config", []byte(strings.Join(lines, "\n")))
		if err != nil || len(again.Options) != len(frag.Options) {
			t.Fatalf("written back %q: %v, %d options, want %d", lines, err, len(again.Options), len(frag.Options))
		}
		for i, o := range again.Options {
			if w := frag.Options[i]; o.Name != w.Name || o.Value != w.Value || o.Line != i+1 {
				t.Errorf("option %d read back as %+v, want %+v", i, o, w)
			}
		}

		// Merged alone: one line per option, the last value.
		merged, err := ParseFragment("merged.config", MergeConfig(nil, frag))
		if err != nil {
			t.Fatalf("merged: %v", err)
		}
		if len(merged.Options) != len(order) {
			t.Fatalf("merged %d options, want %d", len(merged.Options), len(order))
		}
		for i, o := range merged.Options {
			if o.Name != order[i] || o.Value != last[o.Name] {
				t.Errorf("merged option %d = %+v, want %s=%s", i, o, order[i], last[order[i]])
			}
		}
		// A .config with every wish kept passes the check, with or
		// without a base under it.
		for _, b := range []string{"", base} {
			c, err := ParseConfig(strings.NewReader(string(MergeConfig([]byte(b), frag))))
			if err != nil {
				continue // a line too long for the scanner
			}
			if err := CheckConfig(c, frag); err != nil {
				t.Errorf("base %q: %v", b, err)
			}
		}
		// An empty .config keeps only what is not set.
		err = CheckConfig(Config{}, frag)
		want := 0
		for _, name := range order {
			if strings.Trim(last[name], `"`) != "n" {
				want++
			}
		}
		if d, ok := err.(*DroppedError); (want == 0) != (err == nil) || ok && len(d.Dropped) != want {
			t.Errorf("empty config: %v, want %d dropped", err, want)
		}
		if err != nil {
			_ = err.Error()
		}
	})
}
