package editors_test

import (
	"strings"
	"testing"

	"pidone.dev/vmtest"
)

// TestViInGuest edits files with vi on the serial console, as someone
// rescuing a system would: a new file, then /etc/hosts.
func TestViInGuest(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, nil)
	v.Send("vi /tmp/f\n")
	v.MustExpect(`"/tmp/f" [New file]`)
	// Esc and the next key come in one write, as when typed fast.
	v.Send("ihello\x1bowrold\x1b")
	v.Send("0lxp:wq\r")
	// Only what changed is drawn: the name stays from the row before.
	v.MustExpect("2L, 12C written")
	v.WaitPrompt()
	if out := v.Run("cat /tmp/f"); out != "hello\nworld\n" {
		t.Errorf("cat /tmp/f after vi: %q", out)
	}

	v.Send("vi /etc/hosts\n")
	v.MustExpect(`"/etc/hosts"`)
	v.Send("Go10.0.2.2\thost.example\x1b:w\r")
	v.MustExpect("written")
	v.Send("gg/localhost\rD:q\r")
	v.MustExpect("No write since last change")
	v.Send("u:x\r")
	v.WaitPrompt()
	out := v.Run("cat /etc/hosts")
	if !strings.HasSuffix(out, "\n10.0.2.2\thost.example\n") || !strings.Contains(out, "localhost") {
		t.Errorf("/etc/hosts after vi: %q", out)
	}
	// The shell's line editor works again afterwards.
	if out := v.Run("echo $((6*7))"); strings.TrimSpace(out) != "42" {
		t.Errorf("the shell after vi: %q", out)
	}
}
