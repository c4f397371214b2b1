package kmod_test

import (
	"bytes"
	"path"
	"strings"
	"testing"

	"pidone.dev/pkg/kmod"
	"pidone.dev/pkg/kmod/kmodtest"
)

func FuzzParseDep(f *testing.F) {
	f.Add(depText)
	f.Add("a.ko:\n\n# c\n b.ko : a.ko  \n")
	f.Fuzz(func(t *testing.T, in string) {
		deps, err := kmod.ParseDep(strings.NewReader(in))
		if err != nil {
			return
		}
		// What was read is written back in a form that reads the same.
		var buf bytes.Buffer
		kmod.WriteDep(&buf, deps)
		again, err := kmod.ParseDep(&buf)
		if err != nil || len(again) != len(deps) {
			t.Fatalf("re-reading %q: %v (%d lines, want %d)", buf.String(), err, len(again), len(deps))
		}
		ix := kmod.NewIndex(deps, nil, nil, nil)
		for _, n := range ix.Names() {
			if _, err := ix.Order([]string{n}, true); err != nil {
				t.Fatalf("Order(%q): %v", n, err)
			}
		}
	})
}

func FuzzParseAlias(f *testing.F) {
	f.Add(aliasText)
	f.Add("alias a b\nalias x\n")
	f.Fuzz(func(t *testing.T, in string) {
		as, err := kmod.ParseAlias(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		kmod.WriteAlias(&buf, as)
		again, err := kmod.ParseAlias(&buf)
		if err != nil || len(again) != len(as) {
			t.Fatalf("re-reading %q: %v", buf.String(), err)
		}
		kmod.LookupIn(as, "virtio:d00000001v00001AF4")
	})
}

func FuzzParseSoftdep(f *testing.F) {
	f.Add("softdep a pre: b c post: d\nsoftdep a post: e\n")
	f.Fuzz(func(t *testing.T, in string) {
		sds, err := kmod.ParseSoftdep(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		kmod.WriteSoftdep(&buf, sds)
		if _, err := kmod.ParseSoftdep(&buf); err != nil {
			t.Fatalf("re-reading %q: %v", buf.String(), err)
		}
	})
}

func FuzzModInfo(f *testing.F) {
	f.Add([]byte("name=a\x00alias=pci:v*\x00depends=b,c\x00softdep=pre: x post: y\x00"))
	f.Add(kmodtest.Module("name=a", "depends="))
	f.Fuzz(func(t *testing.T, b []byte) {
		kmod.ParseModInfo(b)
		// A corrupt .ko must be an error, never a crash.
		kmod.ReadModInfo(bytes.NewReader(b))
	})
}

func FuzzMatch(f *testing.F) {
	f.Add("pci:v00001AF4d*sv*sd*bc*sc*i*", "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00")
	f.Add("[!]a-c[:digit:]]*\\", "b")
	f.Add("[[.a.]-z]", "q")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		got := kmod.Match(pattern, s)
		cs := s
		if i := strings.IndexByte(cs, 0); i >= 0 {
			cs = cs[:i]
		}
		// Every byte quoted: the pattern is the string itself.
		var q strings.Builder
		for i := 0; i < len(cs); i++ {
			q.WriteByte('\\')
			q.WriteByte(cs[i])
		}
		if !kmod.Match(q.String(), s) {
			t.Fatalf("Match(quoted %q, itself) = false", cs)
		}
		if !kmod.Match("*"+q.String()+"*", "x"+s) || !kmod.Match("*", s) {
			t.Fatalf("'*' does not match around %q", cs)
		}
		// Where path.Match means the same thing, it must agree: ASCII, no
		// '/', no NUL, and none of the set syntax only fnmatch has.
		if isPlain(pattern) && isPlain(s) {
			want, err := path.Match(pattern, s)
			if err == nil && got != want {
				t.Fatalf("Match(%q, %q) = %v, path.Match says %v", pattern, s, got, want)
			}
		}
	})
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == '/' || s[i] == 0 {
			return false
		}
	}
	for _, x := range []string{"[!", "[:", "[.", "[="} {
		if strings.Contains(s, x) {
			return false
		}
	}
	return true
}
