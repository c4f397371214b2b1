// Package compatrun runs one case of TestCompat: the same code on the
// host (under BusyBox's sh) and in the guest (testdata/compatdriver,
// under pidone's), so that both sides run a script alike and speak one
// protocol.
package compatrun

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// Case is a script the driver is sent.
type Case struct {
	ID     int
	Script string
}

// Result is what a case printed and its exit status (128+N for signal
// N; -1 when it could not start, with the reason on Stderr).
type Result struct {
	ID             int
	Dir            string
	Stdout, Stderr []byte
	Status         int
}

// Run runs argv in dir with env and HOME=dir, no input and at most 20
// seconds; its whole process group is killed at the end of them.
func Run(dir string, env []string, argv ...string) Result {
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
