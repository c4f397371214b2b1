// Command compatdriver runs TestCompat's cases in the guest: it reads
// them as JSON on standard input, runs each with the guest's /bin/sh -c
// in an empty directory of its own, and writes what each printed and
// its exit status as JSON on standard output. The host runs the same
// cases under BusyBox's sh and compares.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Case and Result are TestCompat's; the two sides keep them in step.
type Case struct {
	ID     int
	Script string
}

type Result struct {
	ID             int
	Dir            string
	Stdout, Stderr []byte
	Status         int
}

func main() {
	var cases []Case
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "compatdriver:", err)
		os.Exit(2)
	}
	env := []string{"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "TZ=UTC", "LC_ALL=C.UTF-8"}
	var results []Result
	for _, c := range cases {
		dir := filepath.Join("/tmp/compat", fmt.Sprint(c.ID))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "compatdriver:", err)
			os.Exit(2)
		}
		r := run(dir, env, "/bin/sh", "-c", c.Script)
		r.ID = c.ID
		results = append(results, r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "compatdriver:", err)
		os.Exit(2)
	}
}

// run runs argv in dir with no input and at most 20 seconds, as the
// host side's runCompat does.
func run(dir string, env []string, argv ...string) Result {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, append(env, "HOME="+dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err := cmd.Run()
	status := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.Exited():
		status = ee.ExitCode()
	case errors.As(err, &ee):
		status = 128 + int(ee.Sys().(syscall.WaitStatus).Signal())
	case err != nil:
		errb.WriteString(err.Error())
		status = -1
	}
	return Result{Dir: dir, Stdout: out.Bytes(), Stderr: errb.Bytes(), Status: status}
}
