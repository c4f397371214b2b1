package consoletools

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// FuzzSttySaved reads arbitrary -g lines: nothing panics, and a line it
// takes is written back by -g as a line it reads to the same settings.
func FuzzSttySaved(f *testing.F) {
	var sane unix.Termios
	sttySane(&sane)
	f.Add(strings.TrimSuffix(sttySaved(&sane), "\n"))
	f.Add("500:5:bf:8a3b:3:1c:7f:15:4:0:1:0:11:13:1a:0:12:f:17:16:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0")
	f.Add("0:0:0:0")
	f.Add("ffffffff:0:0:0:100:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0")
	f.Fuzz(func(t *testing.T, line string) {
		m, ok := sttyParseSaved(line, &sane)
		if !ok {
			return
		}
		again, ok := sttyParseSaved(strings.TrimSuffix(sttySaved(m), "\n"), &sane)
		if !ok || *again != *m {
			t.Errorf("-g %q read back as %+v, want %+v", line, again, m)
		}
	})
}
