package shell

// The shell runs whichever commands are registered; its tests want the
// whole set, as the guest binary has it (kill, for one, is a builtin
// that runs procps' kill).
import (
	"testing"

	_ "pidone.dev/guest/cmds/all"
)

// TestEcho: the shell's echo is pidone's (BusyBox's): options together
// in one word, \c and octal escapes without the leading 0, redirections
// and pipes as for any builtin.
func TestEcho(t *testing.T) {
	for script, want := range map[string]string{
		`echo -ne 'a\tb\n'`:                  "a\tb\n",
		`echo -e '\101\0102x\cy'; echo`:      "ABx\n",
		`echo - -x -- a`:                     "- -x -- a\n",
		`echo one >&2 2>/dev/null; echo two`: "two\n",
		`echo a b | { read x y; echo $y; }`:  "b\n",
	} {
		if out, _, st := runScript(t, script); out != want || st != 0 {
			t.Errorf("%s: %q, status %d; want %q", script, out, st, want)
		}
	}
}
