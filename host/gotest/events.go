package gotest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// event is one line of go test -json: test2json's event, with the fields
// pidone reads or writes itself.
type event struct {
	Time        *time.Time `json:",omitempty"`
	Action      string
	Package     string   `json:",omitempty"`
	Test        string   `json:",omitempty"`
	Elapsed     *float64 `json:",omitempty"`
	Output      string   `json:",omitempty"`
	FailedBuild string   `json:",omitempty"`
	ImportPath  string   `json:",omitempty"` // of build-output and build-fail
}

// ends reports whether e is a package's last event.
func (e *event) ends() bool {
	return e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip")
}

// marshal is e as go test -json prints it: one line.
func (e *event) marshal() []byte {
	b, _ := json.Marshal(e)
	return append(b, '\n')
}

// newEvent is an event of pkg stamped with the time, as test2json -t
// stamps its own.
func newEvent(pkg, action string) *event {
	now := time.Now()
	return &event{Time: &now, Action: action, Package: pkg}
}

// elapsed is test2json's Elapsed: seconds, to the millisecond.
func elapsed(d time.Duration) *float64 {
	s := d.Round(time.Millisecond).Seconds()
	return &s
}

// converter is "go tool test2json -t -p PKG", which go test -json runs
// in-process: a test binary's output goes in (best with
// -test.v=test2json, whose framing leaves nothing to guess), and go test
// -json's events come out, each line handed to emit as it comes. It is
// the tool of the go that builds the tests, so the events are that go's.
type converter struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	stderr bytes.Buffer
	done   chan struct{}
}

func startConverter(pkg string, emit func(line []byte, e *event)) (*converter, error) {
	c := &converter{done: make(chan struct{})}
	// Not ended by the context: it ends when its input does, after the
	// lines that say how an interrupted run ended. In a process group of
	// its own, so that a Ctrl-C at the terminal is pidone's to handle.
	c.cmd = exec.Command("go", "tool", "test2json", "-t", "-p", pkg)
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.cmd.Stderr = &c.stderr
	var err error
	if c.in, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("go tool test2json: %w", err)
	}
	go func() {
		defer close(c.done)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadBytes('\n')
			var e event
			if len(line) > 0 && json.Unmarshal(line, &e) == nil {
				emit(line, &e)
			}
			if err != nil {
				return
			}
		}
	}()
	return c, nil
}

// Write feeds the converter the test binary's output. A converter that
// died is reported by Close.
func (c *converter) Write(b []byte) (int, error) {
	c.in.Write(b)
	return len(b), nil
}

// Close ends the input and returns once every event has been emitted.
func (c *converter) Close() error {
	c.in.Close()
	<-c.done
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("go tool test2json: %v: %s", err, strings.TrimSpace(c.stderr.String()))
	}
	return nil
}
