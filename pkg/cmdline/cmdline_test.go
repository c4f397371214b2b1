package cmdline

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []Param
	}{
		{"", nil},
		{"console=ttyS0 quiet\n", []Param{{"console", "ttyS0", true}, {"quiet", "", false}}},
		{`pidone.run="echo hi there" x`, []Param{{"pidone.run", "echo hi there", true}, {"x", "", false}}},
		{`"a b"=c`, []Param{{"a b", "c", true}}},
		{"a=b=c", []Param{{"a", "b=c", true}}},
		{"a -- pidone.run=x", []Param{{"a", "", false}}},
		{"  \t a  ", []Param{{"a", "", false}}},
		{`pidone.run="unterminated`, []Param{{"pidone.run", "unterminated", true}}},
		{`a""b ""`, []Param{{"ab", "", false}, {"", "", false}}},
		{"h=voil\u00e0 x", []Param{{"h", "voil\xc3", true}, {"x", "", false}}},
		{"h=\"voil\u00e0\"", []Param{{"h", "voil\u00e0", true}}},
	}
	for _, tt := range tests {
		if got := Parse(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, ok := range []string{"", `a="b c" d`, `"x"`, `a -- "`, "quiet"} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{`pidone.run="echo hi`, `a="b" c="d`, `"`, `x" y`} {
		err := Check(bad)
		if err == nil || !strings.Contains(err.Error(), "never closed") {
			t.Errorf("Check(%q) = %v, want an open quote", bad, err)
		}
	}
}

func TestJoin(t *testing.T) {
	params := []Param{{"pidone.app", "/bin/srv -a 1", true}, {"quiet", "", false}, {"", "", false}, {"a\tb", "", false}, {"h", "voil\u00e0", true}}
	s := Join(params)
	if got := Parse(s); !reflect.DeepEqual(got, params) {
		t.Errorf("Parse(Join(%#v)) = Parse(%q) = %#v", params, s, got)
	}
}

// Whatever the line, Parse does not panic, a line it splits can be
// written back and split again into the same words, and Check agrees
// with the last word's quoting.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"console=ttyS0 quiet", `pidone.run="echo hi"`, `a"b c"d -- e`, `"`, "\x00a\x00", `""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		params := Parse(s)
		for _, p := range params {
			if strings.Contains(p.Key+p.Value, `"`) {
				t.Fatalf("Parse(%q) kept a quote: %#v", s, p)
			}
			if strings.ContainsAny(p.Key, " \t\n") && !strings.Contains(s, `"`) {
				t.Errorf("Parse(%q): unquoted key %q has white space", s, p.Key)
			}
			if p.Key == "--" && !p.HasValue {
				t.Errorf("Parse(%q) kept -- as a parameter", s)
			}
		}
		again := Parse(Join(params))
		if len(params) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(again, params) {
			t.Errorf("Parse(%q) = %#v, but Parse(Join(...)) = Parse(%q) = %#v", s, params, Join(params), again)
		}
		if err := Check(Join(params)); err != nil {
			t.Errorf("Check(Join(Parse(%q))) = %v", s, err)
		}
	})
}
