package vmexec

import (
	"reflect"
	"testing"
)

func TestClampStatus(t *testing.T) {
	for in, want := range map[int]int{0: 0, 3: 3, 255: 255, 256: 255, 512: 255, -1: 0, 1 << 40: 255} {
		if got := clampStatus(in); got != want {
			t.Errorf("clampStatus(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestOnlyWantedFiles(t *testing.T) {
	sent := map[string][]byte{"/tmp/cover.out": []byte("mode: set\n"), "/etc/shadow": []byte("x"), "/tmp/other": nil}
	got := wanted(sent, []string{"/tmp/cover.out", "/tmp/missing"})
	if want := map[string][]byte{"/tmp/cover.out": []byte("mode: set\n")}; !reflect.DeepEqual(got, want) {
		t.Errorf("kept %q, want %q", got, want)
	}
	if got := wanted(sent, nil); got != nil {
		t.Errorf("nothing asked for, kept %q", got)
	}
}
