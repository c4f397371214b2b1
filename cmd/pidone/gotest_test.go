package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pidone test takes go test's command line: its flags before or after
// the packages, -test.* flags and what follows -args for the binary.
func TestSplitTestArgs(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.Bool("v", false, "")
	fs.String("run", "", "")
	own, pkgs, bin := splitTestArgs(fs, []string{
		"-v", "-run", "X", "./a", "-test.cpu", "1,2", "./b", "-test.short", "-run=Y", "-test.count=2", "-args", "-v", "c",
	})
	if want := []string{"-v", "-run", "X", "-run=Y"}; !reflect.DeepEqual(own, want) {
		t.Errorf("pidone's flags %q, want %q", own, want)
	}
	if want := []string{"./a", "./b"}; !reflect.DeepEqual(pkgs, want) {
		t.Errorf("packages %q, want %q", pkgs, want)
	}
	if want := []string{"-test.cpu", "1,2", "-test.short", "-test.count=2", "-v", "c"}; !reflect.DeepEqual(bin, want) {
		t.Errorf("the binary's flags %q, want %q", bin, want)
	}
}

// Every go test flag pidone test passes on reaches the build or the
// binary, with --env, VMTEST_IN_GUEST and the machine flags: the
// package's tests check them in the guest.
func TestGoTestFlags(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pidone(t, nil, "test", "-v", "-short", "-skip", "TestSkipped", "-failfast", "-parallel", "3",
		"-tags", "pidonetest", "-covermode", "count", "-coverpkg", "./testdata/gotest/flags",
		"--env", "PIDONE_WORD=from --env", "--smp", "2", "--mem", "320", "--append", "flagtest.x=1",
		"./testdata/gotest/flags", "-test.cpu", "1", "-test.shuffle=off", "-args", "-word", "hello")
	for _, want := range []string{"--- PASS: TestFlags", "--- PASS: TestEnv", "--- PASS: TestMachine",
		"ok  \tpidone.dev/cmd/pidone/testdata/gotest/flags\t", "\tcoverage: 100.0% of statements in ./testdata/gotest/flags\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q", want)
		}
	}
	if code != 0 || strings.Contains(stdout, "TestSkipped") {
		t.Errorf("status %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// pidone test prints what go test prints, in its three formats: plain,
// -v and -json's events, for packages that behave the same on the host
// and in a VM. Only the times differ, and the ok line of a package whose
// tests all skipped, which says why.
func TestGoTestLikeGoTest(t *testing.T) {
	t.Parallel()
	const skipall = "ok  \tpidone.dev/cmd/pidone/testdata/gotest/skipall\tT"
	both := []string{"./testdata/gotest/report", "./testdata/gotest/skipall"}
	for _, c := range []struct {
		flag string
		pkgs []string
	}{{"", both}, {"-v", both[:1]}, {"-json", both}} {
		args := append([]string{"test"}, c.pkgs...)
		if c.flag != "" {
			args = append([]string{"test", c.flag}, c.pkgs...)
		}
		want := goTest(t, append([]string{"-count=1"}, args[1:]...)...)
		got, stderr, code := pidone(t, nil, args...)
		if code != 1 {
			t.Errorf("pidone %s: status %d, stderr:\n%s", strings.Join(args, " "), code, stderr)
		}
		if c.flag == "-json" {
			if g, w := jsonEvents(t, got), jsonEvents(t, want); !reflect.DeepEqual(g, w) {
				t.Errorf("pidone test -json:\n%s\ngo test -json:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
			continue
		}
		want = strings.Replace(untimed(want), skipall+"\n", skipall+" [all 3 tests skipped: cgroup2 is not mounted]\n", 1)
		if untimed(got) != want {
			t.Errorf("pidone %s:\n%s\ngo %s:\n%s", strings.Join(args, " "), got, strings.Join(args, " "), want)
		}
	}
}

// goTest runs go test on the host and returns its stdout.
func goTest(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"test"}, args...)...).Output()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return string(out)
}

var times = regexp.MustCompile(`\(\d+\.\d+s\)|\t\d+\.\d+s`)

// untimed is go test's output with its times made T.
func untimed(s string) string {
	return times.ReplaceAllStringFunc(s, func(m string) string {
		if m[0] == '(' {
			return "(T)"
		}
		return "\tT"
	})
}

// jsonEvents is a -json stream as each package's events in order, untimed.
func jsonEvents(t *testing.T, stream string) []string {
	t.Helper()
	byPkg := map[string][]string{}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(stream), "\n") {
		var e struct {
			Time                          *time.Time
			Action, Package, Test, Output string
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.Time == nil {
			t.Fatalf("not an event of go test -json: %q (%v)", line, err)
		}
		if byPkg[e.Package] == nil {
			order = append(order, e.Package)
		}
		byPkg[e.Package] = append(byPkg[e.Package], e.Action+" "+e.Test+" "+untimed(e.Output))
	}
	var all []string
	for _, p := range order {
		all = append(all, byPkg[p]...)
	}
	return all
}

// With -v and one package, the tests' output streams as it comes; a
// Ctrl-C then ends the run with go test's lines for the interrupted
// package.
func TestGoTestStreamsAndInterrupt(t *testing.T) {
	t.Parallel()
	stdout, code := interruptTest(t, func(stdout string) bool { return strings.Contains(stdout, "hang: started\n") },
		"test", "-v", "./testdata/gotest/hang")
	const pkg = "pidone.dev/cmd/pidone/testdata/gotest/hang"
	if code != 130 || !strings.Contains(stdout, "--- PASS: TestQuick") ||
		!regexp.MustCompile("=== RUN   TestHang\nhang: started\n\\*\\*\\* Test interrupted: stopped by Ctrl-C \\(SIGINT\\)\\.\nFAIL\t"+pkg+"\t[0-9.]+s\nFAIL\n$").MatchString(stdout) {
		t.Errorf("status %d, stdout:\n%s", code, stdout)
	}
}

// Interrupted, pidone test prints what the packages printed so far
// (without -v, go test holds it until a package ends) and a FAIL line for
// each that did not finish, started or not.
func TestGoTestInterruptPrints(t *testing.T) {
	t.Parallel()
	disk := filepath.Join(t.TempDir(), "ready.img")
	if err := os.WriteFile(disk, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	ready := func(string) bool {
		b, _ := os.ReadFile(disk)
		return strings.HasPrefix(string(b), "ready")
	}
	stdout, code := interruptTest(t, ready, "test", "-p", "1", "--disk", disk, "./testdata/gotest/hang", "./testdata/gotest/pass")
	const want = "hang: started\n*** Test interrupted: stopped by Ctrl-C (SIGINT).\nFAIL\tpidone.dev/cmd/pidone/testdata/gotest/hang\tT\n" +
		"FAIL\tpidone.dev/cmd/pidone/testdata/gotest/pass [not started]\nFAIL\n"
	if code != 130 || untimed(stdout) != want {
		t.Errorf("status %d, stdout:\n%s\nwant:\n%s", code, stdout, want)
	}
}

// interruptTest starts pidone, sends it SIGINT once ready says so,
// given its stdout so far, and returns its stdout and status.
func interruptTest(t *testing.T, ready func(stdout string) bool, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pidoneBin, args...)
	cmd.Env = os.Environ()
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for !ready(stdout.String()) {
		select {
		case err := <-done:
			t.Fatalf("pidone %s ended before it could be interrupted: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if ctx.Err() != nil {
			t.Fatalf("pidone %s: not ready to interrupt after 3 minutes\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout.String(), stderr.String())
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("pidone %s still running 30 s after SIGINT\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout.String(), stderr.String())
	}
	return stdout.String(), cmd.ProcessState.ExitCode()
}
