package shell

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runScript runs script as sh -c does, with this machine's programs. Its
// output goes to files, as a shell's usually does: the shell then hands
// the descriptors to its children rather than copying their output.
func runScript(t *testing.T, script string) (stdout, stderr string, status int) {
	t.Helper()
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	errOut, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errOut.Close()
	s := &Shell{Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	status = s.RunString(ctx, script, "sh")
	o, _ := os.ReadFile(out.Name())
	e, _ := os.ReadFile(errOut.Name())
	return string(o), string(e), status
}

// $! is the PID of the background job's process, as POSIX has it, and
// kill and wait take it.
func TestBackgroundPID(t *testing.T) {
	tests := []struct {
		script, want string
	}{
		{`sleep 60 & kill $!; wait $!; echo $?`, "143\n"},
		{`sleep 60 & p=$!; kill -9 "$p"; wait "${!}"; echo $?`, "137\n"},
		{`(exit 3) & wait $!; echo $?`, "3\n"},
		{`exit 4 & wait $!; echo $?`, "4\n"},
		{`{ sleep 0.1; exit 5; } & wait $!; echo $?`, "5\n"},
		{`sh -c 'exit 6' & wait $!; echo $?`, "6\n"},
		{`true & a=$!; false & b=$!; wait $a; echo $?; wait $b; echo $?`, "0\n1\n"},
		{`sleep 0.2 & wait; echo all`, "all\n"},
		{`echo "[$!]"`, "[]\n"},
		{`wait 99999999; echo $?`, "127\n"},
		{`f() { sleep 60 & }; f; kill $!; wait $!; echo $?`, "143\n"},
	}
	for _, tt := range tests {
		out, errOut, _ := runScript(t, tt.script)
		if out != tt.want {
			t.Errorf("%s\n  printed %q, want %q; stderr %q", tt.script, out, tt.want, errOut)
		}
	}
}

func TestBackgroundPIDIsAProcess(t *testing.T) {
	out, errOut, _ := runScript(t, `sleep 5 & echo $!`)
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("$! = %q, want a PID; stderr %q", out, errOut)
	}
	comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil || strings.TrimSpace(string(comm)) != "sleep" {
		t.Errorf("$! = %d, whose /proc/%d/comm is %q (%v), want sleep", pid, pid, comm, err)
	}
	syscall.Kill(pid, syscall.SIGKILL)
}

// The same through pidone's own sh, as in the guest where /bin/sh is this
// binary: with no sh on PATH the shell runs its own, in-process. Before
// $! was a PID, "wait $!" waited for the interpreter's background
// goroutine, whose last statement, the rewrite's marker, made it 0.
func TestBackgroundOwnShell(t *testing.T) {
	for _, tt := range []struct{ script, want string }{
		{`sh -c 'exit 3' & wait $!; echo $?`, "3\n"},
		{`sh -c 'sleep 0.1; exit 4' & p=$!; wait $p; echo $?`, "4\n"},
		{`sh -c 'exit 5' & sleep 0.1; wait $!; echo $?`, "5\n"},
		{`sh -c 'exit 3' & wait $!`, ""},
	} {
		dir := t.TempDir()
		out, err := os.Create(filepath.Join(dir, "stdout"))
		if err != nil {
			t.Fatal(err)
		}
		var errOut strings.Builder
		s := &Shell{Stdin: strings.NewReader(""), Stdout: out, Stderr: &errOut, Env: []string{"PATH=" + dir}}
		st := s.RunString(context.Background(), tt.script, "sh")
		out.Close()
		got, _ := os.ReadFile(out.Name())
		if string(got) != tt.want || errOut.Len() > 0 || tt.want == "" && st != 3 {
			t.Errorf("%s\n  printed %q, status %d, stderr %q; want %q", tt.script, got, st, errOut.String(), tt.want)
		}
	}
}
