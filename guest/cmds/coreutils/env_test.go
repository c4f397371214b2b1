package coreutils

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
)

func TestEnv(t *testing.T) {
	dir := t.TempDir()
	var out, errb strings.Builder
	envRun := func(environ []string, args ...string) (string, string, int) {
		out.Reset()
		errb.Reset()
		e := &cmds.Env{Stdout: &out, Stderr: &errb, Dir: dir, Environ: environ, Stdin: strings.NewReader("")}
		st := cmds.Lookup("env").Main(e, args)
		return out.String(), errb.String(), st
	}
	base := []string{"A=1", "B=2", "PATH=/usr/bin:/bin"}
	tests := []struct {
		args        []string
		out, errOut string
		status      int
	}{
		{nil, "A=1\nB=2\nPATH=/usr/bin:/bin\n", "", 0},
		{[]string{"-u", "A", "C=3"}, "B=2\nPATH=/usr/bin:/bin\nC=3\n", "", 0},
		{[]string{"A=x"}, "B=2\nPATH=/usr/bin:/bin\nA=x\n", "", 0},
		{[]string{"-i", "X=y"}, "X=y\n", "", 0},
		{[]string{"-", "X=y"}, "X=y\n", "", 0},
		{[]string{"-0", "-i", "X=y", "Z=w"}, "X=y\x00Z=w\x00", "", 0},
		// Our own commands run in-process, with the new environment.
		{[]string{"-i", "K=v", "env"}, "K=v\n", "", 0},
		{[]string{"echo", "hi"}, "hi\n", "", 0},
		{[]string{"false"}, "", "", 1},
		{[]string{"-C", "sub", "pwd"}, filepath.Join(dir, "sub") + "\n", "", 0},
		{[]string{"-C", "nope", "pwd"}, "", "env: cannot change directory to nope: No such file or directory\n", 125},
		{[]string{"no-such-program-xyz"}, "", "env: 'no-such-program-xyz': No such file or directory\n", 127},
		{[]string{"=x"}, "", "env: cannot set '=x': Invalid argument\n", 1},
		{[]string{"-Z"}, "", "env: unknown option -Z\nusage: env " + cmds.Lookup("env").Usage + "\n", 2},
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, tt := range tests {
		o, eo, st := envRun(base, tt.args...)
		if o != tt.out || eo != tt.errOut || st != tt.status {
			t.Errorf("env %q = %q, %q, %d; want %q, %q, %d", tt.args, o, eo, st, tt.out, tt.errOut, tt.status)
		}
	}

	// Other programs are executed, with our stdio, directory and status.
	script := filepath.Join(dir, "prog")
	os.WriteFile(script, []byte("#!/bin/sh\necho \"$V $(pwd) $*\"\nexit 3\n"), 0o755)
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh to run a script")
	}
	o, eo, st := envRun([]string{"PATH=" + dir}, "V=val", "prog", "a", "b")
	if o != "val "+dir+" a b\n" || st != 3 {
		t.Errorf("env prog = %q, %q, %d", o, eo, st)
	}
	os.WriteFile(filepath.Join(dir, "noexec"), nil, 0o644)
	if _, eo, st := envRun(base, "./noexec"); st != 126 || eo != "env: './noexec': Permission denied\n" {
		t.Errorf("env ./noexec = %q, %d", eo, st)
	}
}
