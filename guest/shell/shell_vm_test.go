package shell_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"pidone.dev/vmtest"
)

// TestJobControl drives job control on the serial console the way a user
// does: Ctrl-Z, jobs, bg, fg, Ctrl-C.
func TestJobControl(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, nil)
	startForeground(v, "sleep 100")
	v.Send("\x1a") // Ctrl-Z
	v.MustExpect("Stopped")
	v.WaitPrompt()
	if out := v.Run("jobs"); !regexp.MustCompile(`\[1\]\+\s+Stopped\s+sleep 100`).MatchString(out) {
		t.Errorf("jobs after Ctrl-Z: %q", out)
	}
	if out := v.Run("bg"); !strings.Contains(out, "sleep 100 &") {
		t.Errorf("bg: %q", out)
	}
	if out := v.Run("jobs"); !regexp.MustCompile(`\[1\]\+\s+Running\s+sleep 100`).MatchString(out) {
		t.Errorf("jobs after bg: %q", out)
	}
	v.Send("fg\n")
	v.MustExpect("sleep 100")
	time.Sleep(500 * time.Millisecond)
	v.Send("\x03")
	v.WaitPrompt()
	if out := v.Run("jobs; echo end"); strings.TrimSpace(out) != "end" {
		t.Errorf("jobs after fg and Ctrl-C: %q", out)
	}
	// A background job started with & reports when it is done.
	v.Run("sleep 1 &")
	time.Sleep(2 * time.Second)
	if out := v.Run("true"); !regexp.MustCompile(`\[1\]\+\s+Done\s+sleep 1`).MatchString(out) {
		t.Errorf("no Done report: %q", out)
	}
}

// TestInteractiveShell checks scripting, pipes, completion and history.
func TestInteractiveShell(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, nil)
	if out := v.Run(`for i in 1 2 3; do echo n$i; done | grep -c n`); strings.TrimSpace(out) != "3" {
		t.Errorf("pipeline: %q", out)
	}
	if out := v.Run(`x=$(echo hi | cat); echo "[$x]"`); strings.TrimSpace(out) != "[hi]" {
		t.Errorf("command substitution: %q", out)
	}
	v.Run(`printf 'echo script $1\nexit 7\n' > /tmp/s.sh`)
	if out := v.Run(`sh /tmp/s.sh arg; echo status $?`); !strings.Contains(out, "script arg\nstatus 7") {
		t.Errorf("sh file: %q", out)
	}
	if out := v.Run(`sh -c 'echo $0 $1' zero one`); strings.TrimSpace(out) != "zero one" {
		t.Errorf("sh -c: %q", out)
	}
	// A script whose #! line gives options: the kernel runs /bin/sh -eu.
	v.Run(`printf '#!/bin/sh -eu\necho "in $1"\nfalse\necho not reached\n' > /tmp/e.sh && chmod +x /tmp/e.sh`)
	if out := v.Run(`/tmp/e.sh arg; echo status $?`); !strings.Contains(out, "in arg\nstatus 1") || strings.Contains(out, "not reached") {
		t.Errorf("#!/bin/sh -eu script: %q", out)
	}
	if out := v.Run(`sh -c 'exit 3' & wait $!; echo status $?`); !strings.Contains(out, "status 3") {
		t.Errorf("pidone's sh in the background: %q", out)
	}
	if out := v.Run(`cd /proc/self && pwd`); strings.TrimSpace(out) != "/proc/self" {
		t.Errorf("cd: %q", out)
	}
	v.Run("cd /")
	// Tab completes a path; Up recalls the last line.
	v.Run("mkdir -p /tmp/completeme && echo zzz > /tmp/completeme/file1")
	v.Send("cat /tmp/complet\t")
	v.MustExpect("completeme/")
	v.Send("fi\t\n")
	if _, err := v.Expect("zzz", vmtest.Timeout); err != nil {
		t.Errorf("tab completion: %v", err)
	}
	v.WaitPrompt()
	v.Send("\x1b[A\n") // Up, Enter
	if _, err := v.Expect("zzz", vmtest.Timeout); err != nil {
		t.Errorf("history: %v", err)
	}
	v.WaitPrompt()
	if out := v.Run("nosuchcommand; echo $?"); !strings.Contains(out, "nosuchcommand: not found\n127") {
		t.Errorf("unknown command: %q", out)
	}
}

// TestBackgroundPIDAtConsole checks $! at the console: the background
// job's PID, which kill and wait take, as in any POSIX shell.
func TestBackgroundPIDAtConsole(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, nil)
	out := v.Run("sleep 5 & echo pid=$!")
	job := regexp.MustCompile(`\[1\] (\d+)`).FindStringSubmatch(out)
	pid := regexp.MustCompile(`pid=(\S*)`).FindStringSubmatch(out)
	if job == nil || pid == nil || job[1] != pid[1] {
		t.Fatalf("sleep 5 & echo pid=$!: %q, want the job's PID", out)
	}
	// Its arguments, NUL-separated: pidone's commands run as /proc/self/exe.
	if out := v.Run("cat /proc/" + pid[1] + "/cmdline; echo"); strings.TrimSpace(out) != "sleep\x005\x00" {
		t.Errorf("$! = %s, whose /proc/%s/cmdline is %q", pid[1], pid[1], out)
	}
	if out := v.Run("sleep 60 & kill $!; wait $!; echo status=$?"); !strings.Contains(out, "status=143") {
		t.Errorf("kill $!; wait $!: %q", out)
	}
	if out := v.Run("(exit 3) & wait $!; echo status=$?"); !strings.Contains(out, "status=3") {
		t.Errorf("(exit 3) & wait $!: %q", out)
	}
	if out := v.Run(`sh -c 'sleep 60 & kill $!; wait $!; echo script=$?'`); !strings.Contains(out, "script=143") {
		t.Errorf("sh -c: %q", out)
	}
}

// startForeground types cmd and returns once it is (all but) running in
// the foreground: the shell's echo of a computed marker comes just before
// it takes the terminal, so a Ctrl-Z or Ctrl-C typed next reaches it even
// on a loaded machine.
func startForeground(v *vmtest.VM, cmd string) {
	v.Send("echo zz-$((1+1)); " + cmd + "\n")
	v.MustExpect("zz-2")
	time.Sleep(300 * time.Millisecond)
}
