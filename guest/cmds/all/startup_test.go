package all_test

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"pidone.dev/guest/cmds"
)

// TestStartupCost checks that the command packages do nothing at start-up
// but register their commands. Every package initialization in the guest
// binary runs at every start of it, for "ls" as for init, so a
// regexp.MustCompile, a map literal or a table computed in a
// package-level variable or an init function is paid by every command.
//
// The measure is the Go runtime's own: GODEBUG=inittrace=1 makes a
// program print, for each package it initializes, the bytes and objects
// that initialization allocated. This test runs its own binary again that
// way with no test to run: it links every family, as the guest binary
// does, and its initializations of guest/cmds/... are the same code.
// Allocations are exact and repeatable where time is not (time is
// printed, not checked), and this needs no go build, so it also runs in a
// pidone test VM.
//
// The bound, per package: registering a command allocates its Cmd, one
// object of Cmd's size class, since Register itself appends to room that
// needs no allocation; a command is counted for the package its Run
// function comes from. On top of that each package may allocate 4
// objects and 128 bytes: closures made for Run (sumCmd(sha256.New),
// powerCmd(power.Halt)) and the like. A compiled regular expression costs
// thousands of bytes and dozens of objects; a map of ten entries, some
// hundreds of bytes.
func TestStartupCost(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation adds work to every package's initialization")
	}
	const (
		extraAllocs = 4
		extraBytes  = 128
	)
	cmdBytes := (int(unsafe.Sizeof(cmds.Cmd{})) + 15) &^ 15 // its size class, below 128 bytes

	commands := map[string]int{} // package → commands
	for _, c := range cmds.All() {
		commands[funcPackage(c.Run)]++
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG="+strings.TrimPrefix(os.Getenv("GODEBUG")+",inittrace=1", ","))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	line := regexp.MustCompile(`(?m)^init (\S+) @\S+ ms, (\S+) ms clock, (\d+) bytes, (\d+) allocs$`)
	seen := map[string]bool{}
	var report strings.Builder
	for _, m := range line.FindAllStringSubmatch(string(out), -1) {
		pkg := m[1]
		if pkg != "pidone.dev/guest/cmds" && !strings.HasPrefix(pkg, "pidone.dev/guest/cmds/") ||
			strings.HasSuffix(pkg, "_test") {
			// Test packages (this one's flags) are not in the guest binary.
			continue
		}
		seen[pkg] = true
		bytes, _ := strconv.Atoi(m[3])
		allocs, _ := strconv.Atoi(m[4])
		n := commands[pkg]
		maxAllocs, maxBytes := n+extraAllocs, n*cmdBytes+extraBytes
		fmt.Fprintf(&report, "%-35s %3d commands %5d bytes (at most %5d) %3d allocs (at most %3d) %s ms\n",
			pkg, n, bytes, maxBytes, allocs, maxAllocs, m[2])
		if allocs > maxAllocs || bytes > maxBytes {
			t.Errorf("%s allocates %d bytes in %d objects at start-up, more than its %d commands need (%d bytes, %d objects): "+
				"a package-level variable or init function does work that belongs in a command's run", pkg, bytes, allocs, n, maxBytes, maxAllocs)
		}
	}
	t.Logf("start-up cost of the command packages:\n%s", report.String())
	if !seen["pidone.dev/guest/cmds/coreutils"] {
		t.Fatalf("no inittrace line for coreutils; the output was:\n%s", out)
	}
}

// funcPackage is the import path of the package that defines f.
func funcPackage(f any) string {
	name := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name() // pidone.dev/guest/cmds/coreutils.sumCmd.func1
	slash := strings.LastIndexByte(name, '/')
	if dot := strings.IndexByte(name[slash+1:], '.'); dot >= 0 {
		return name[:slash+1+dot]
	}
	return name
}
