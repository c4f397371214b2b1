// Package runproto is the wire format between "pidone run -- CMD" on the
// host and init in the guest: which virtio-serial ports carry what, the
// request to run a command and its result. Messages are JSON, one per
// line, on the control port.
package runproto

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Port names. The command's stdin, stdout and stderr each have a port of
// their own, so output stays apart from the kernel's console and from
// each other.
const (
	Control = "org.pidone.ctl"
	Stdin   = "org.pidone.stdin"
	Stdout  = "org.pidone.stdout"
	Stderr  = "org.pidone.stderr"
)

// Ports lists every port, in the order the host creates them.
var Ports = []string{Control, Stdin, Stdout, Stderr}

// InitOption on the kernel command line puts init in run mode: it reads
// one Request from the control port instead of starting a shell.
const InitOption = "pidone.exec"

// Request asks init to run a command. It goes host → guest, first.
type Request struct {
	Argv    []string `json:"argv"`
	Env     []string `json:"env,omitempty"`     // added to init's environment
	Dir     string   `json:"dir,omitempty"`     // working directory; "" is /
	Collect []string `json:"collect,omitempty"` // guest files to send back after the command ends
}

// Signal asks init to send a signal to the command (host → guest, any
// time after the Request): Ctrl-C on the host becomes SIGINT in the guest.
type Signal struct {
	Signal int `json:"signal"`
}

// Result is the command's end (guest → host), sent once its output has
// been written.
type Result struct {
	Status int               `json:"status"`          // exit status; 128+N for signal N
	Error  string            `json:"error,omitempty"` // the command could not be started
	Files  map[string][]byte `json:"files,omitempty"` // collected files (JSON encodes them base64)
}

// Write sends one message.
func Write(w io.Writer, msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// maxLine bounds one message: a collected coverage profile fits easily.
const maxLine = 64 << 20

// Reader reads messages.
type Reader struct{ sc *bufio.Scanner }

// NewReader returns a Reader reading r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	return &Reader{sc: sc}
}

// Read decodes the next message into v.
func (r *Reader) Read(v any) error {
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	if err := json.Unmarshal(r.sc.Bytes(), v); err != nil {
		return fmt.Errorf("runproto: bad message: %v", err)
	}
	return nil
}
