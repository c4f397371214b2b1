package shell

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sh takes set's options on its command line, as POSIX sh does: scripts
// start with "#!/bin/sh -e", people run "sh -x script".
func TestOptions(t *testing.T) {
	dir := t.TempDir()
	script := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fails := script("fails", "echo one\nfalse\necho not reached\n")
	unset := script("unset", "echo \"[$1]\"\necho \"$nope\"\necho not reached\n")
	tests := []struct {
		args        []string
		stdin       string
		out, errOut string // errOut: a part of stderr
		status      int
	}{
		{args: []string{"-e", fails}, out: "one\n", status: 1},
		{args: []string{fails}, out: "one\nnot reached\n"},
		{args: []string{"-ec", "false; echo not reached"}, status: 1},
		{args: []string{"-c", "-e", "false; echo not reached"}, status: 1},
		{args: []string{"-e", "+e", "-c", "false; echo reached"}, out: "reached\n"},
		{args: []string{"-u", "-c", `echo "$nope"; echo not reached`}, errOut: "nope", status: 1},
		{args: []string{"-eu", unset, "a"}, out: "[a]\n", errOut: "nope", status: 1},
		{args: []string{"-x", "-c", "echo hi"}, out: "hi\n", errOut: "+ echo hi\n"},
		{args: []string{"-v", "-c", "echo a; echo b # note\necho c\n# end"}, out: "a\nb\nc\n", errOut: "echo a; echo b # note\necho c\n# end\n"},
		{args: []string{"-o", "pipefail", "-c", "false | true"}, status: 1},
		{args: []string{"-c", "false | true"}},
		{args: []string{"-o", "errexit", "-o", "nounset", "-c", `echo "$nope"`}, errOut: "nope", status: 1},
		{args: []string{"-f", "-c", "echo *"}, out: "*\n"},
		{args: []string{"-n", "-c", "echo not run"}},
		{args: []string{"-s", "a", "b"}, stdin: "echo $1$2", out: "ab\n"},
		{args: []string{"-e", "-s"}, stdin: "false\necho not reached", status: 1},
		{args: []string{"-c", "echo $0 $1", "name", "one"}, out: "name one\n"},
		{args: []string{"-q"}, errOut: "sh: -q: unknown option\nusage: sh", status: 2},
		{args: []string{"-o"}, errOut: "-o needs an option name", status: 2},
		{args: []string{"-o", "nosuch", "-c", "true"}, errOut: "-o nosuch: unknown option", status: 2},
		{args: []string{"-c"}, errOut: "-c needs a command", status: 2},
	}
	for _, tt := range tests {
		var out, errOut strings.Builder
		st := Command(context.Background(), strings.NewReader(tt.stdin), &out, &errOut, nil, dir, "", append([]string{"sh"}, tt.args...))
		if out.String() != tt.out || !strings.Contains(errOut.String(), tt.errOut) || st != tt.status {
			t.Errorf("sh %q: status %d, stdout %q, stderr %q; want %d, %q, stderr with %q", tt.args, st, out.String(), errOut.String(), tt.status, tt.out, tt.errOut)
		}
	}
}
