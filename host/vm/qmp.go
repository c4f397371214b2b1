package vm

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Ending is how a VM ended, as QEMU itself reported it. pidone decides
// what to do next (boot again, explain a panic, report success) from
// this, never from what the guest printed on its console: once init has
// started, any program in the guest can print a line that looks like the
// kernel's.
type Ending int

const (
	// Running: QEMU has not ended yet.
	Running Ending = iota
	// Poweroff: the guest powered off or halted.
	Poweroff
	// Reset: the guest reset the machine. That is a reboot, or a kernel
	// panic when the kernel had no pvpanic driver to say so (panic=-1
	// resets at once).
	Reset
	// Panic: the guest kernel panicked and said so through the pvpanic
	// device.
	Panic
	// Killed: pidone ended QEMU (Kill, or the context of Start).
	Killed
	// Failed: QEMU exited with an error of its own (a bad option, no
	// memory for the guest, a missing file) or was killed by a signal.
	Failed
)

func (e Ending) String() string {
	switch e {
	case Running:
		return "running"
	case Poweroff:
		return "powered off"
	case Reset:
		return "reset"
	case Panic:
		return "kernel panic"
	case Killed:
		return "killed"
	case Failed:
		return "QEMU failed"
	}
	return fmt.Sprintf("Ending(%d)", int(e))
}

// qmpArgs adds a QMP monitor on a unix socket. wait=on makes QEMU wait for
// pidone to connect before it starts the machine, so no event is missed.
func qmpArgs(socket string) []string {
	return []string{
		"-chardev", fmt.Sprintf("socket,id=qmp,path=%s,server=on,wait=on", qemuEscape(socket)),
		"-mon", "chardev=qmp,mode=control",
	}
}

// qmpMessage is the part of a QMP message pidone reads: an event, or the
// reply to a command.
type qmpMessage struct {
	Event string `json:"event"`
	Data  struct {
		Guest  bool   `json:"guest"`
		Reason string `json:"reason"`
	} `json:"data"`
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
}

// qmpEvent is a message that is an event.
type qmpEvent = qmpMessage

// maxQMPLine bounds one QMP message: events and replies are a few hundred
// bytes, and a longer line (which only QEMU could send) is skipped, not
// buffered.
const maxQMPLine = 64 << 10

// qmp is pidone's end of QEMU's QMP monitor: events are recorded in the
// VM as they come, and commands are sent one at a time.
type qmp struct {
	ready   chan struct{} // closed once negotiated, or given up
	conn    *net.UnixConn // nil if QEMU ended first
	mu      sync.Mutex    // one command at a time
	replies chan qmpMessage
}

// watchQMP connects to QEMU's QMP socket, negotiates, and records the
// guest's shutdown reason and panics, and passes command replies on,
// until QEMU closes the socket. It gives up when QEMU exits before the
// socket appears.
func (v *VM) watchQMP(socket string) {
	q := v.qmp
	var c *net.UnixConn
	for {
		var err error
		c, err = net.DialUnix("unix", nil, &net.UnixAddr{Name: socket, Net: "unix"})
		if err == nil {
			break
		}
		select {
		case <-v.done:
			close(q.ready)
			return
		case <-time.After(2 * time.Millisecond):
		}
	}
	defer c.Close()
	go func() {
		// QEMU ends: so does the socket; a killed VM must not leave this
		// reader behind.
		<-v.done
		c.Close()
	}()
	r := bufio.NewReaderSize(c, 4096)
	negotiated := false
	if _, err := readQMPLine(r); err == nil { // the greeting
		if _, err := c.Write([]byte(`{"execute":"qmp_capabilities"}` + "\n")); err == nil {
			line, err := readQMPLine(r)
			negotiated = err == nil && strings.Contains(string(line), `"return"`)
		}
	}
	if negotiated {
		q.conn = c
	}
	close(q.ready)
	if !negotiated {
		return
	}
	for {
		line, err := readQMPLine(r)
		if err != nil {
			close(q.replies)
			return
		}
		var m qmpMessage
		if json.Unmarshal(line, &m) != nil {
			continue
		}
		if m.Event != "" {
			v.qmpSaw(m)
			continue
		}
		select {
		case q.replies <- m:
		default: // a reply nobody waits for
		}
	}
}

// command sends a QMP command and waits for its reply. fds, if any, go
// with it (SCM_RIGHTS), for getfd.
func (v *VM) command(ctx context.Context, name string, args any, fds ...int) (json.RawMessage, error) {
	q := v.qmp
	select {
	case <-q.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if q.conn == nil {
		return nil, errors.New("QEMU's monitor is not available (QEMU ended)")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	msg := map[string]any{"execute": name}
	if args != nil {
		msg["arguments"] = args
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	b = append(b, '\n')
	if len(fds) > 0 {
		_, _, err = q.conn.WriteMsgUnix(b, unix.UnixRights(fds...), nil)
	} else {
		_, err = q.conn.Write(b)
	}
	if err != nil {
		return nil, fmt.Errorf("QMP %s: %w", name, err)
	}
	select {
	case m, ok := <-q.replies:
		if !ok {
			return nil, fmt.Errorf("QMP %s: QEMU ended", name)
		}
		if m.Error != nil {
			return nil, fmt.Errorf("QMP %s: %s", name, m.Error.Desc)
		}
		return m.Return, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-v.done:
		return nil, fmt.Errorf("QMP %s: QEMU ended", name)
	}
}

func (v *VM) qmpSaw(ev qmpEvent) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch ev.Event {
	case "GUEST_PANICKED":
		v.panicked = true
	case "SHUTDOWN":
		if !ev.Data.Guest || v.shutdown != "" {
			return
		}
		v.shutdown = ev.Data.Reason
	}
}

// readQMPLine reads one line. A line longer than maxQMPLine is skipped
// without being held in memory, and comes back as nil.
func readQMPLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		part, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(part) > maxQMPLine {
				tooLong, line = true, nil
			} else {
				line = append(line, part...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return line, nil
	}
}

// ending works out how QEMU ended from its exit status and what QMP said.
func (v *VM) ending() Ending {
	v.mu.Lock()
	defer v.mu.Unlock()
	// What the guest did comes first: a VM killed just as it powered
	// off has powered off.
	switch {
	case v.panicked || v.shutdown == "guest-panic":
		return Panic
	case v.shutdown == "guest-reset":
		return Reset
	case v.shutdown != "":
		return Poweroff // guest-shutdown
	case v.killed:
		return Killed
	case v.waitErr != nil:
		return Failed
	}
	// QEMU exited with status 0 without a guest shutdown event: Ctrl-A X
	// (or "quit" on the monitor). The user ended it.
	return Killed
}

// runDir makes the directory of a VM's sockets.
func runDir() (string, error) {
	d, err := os.MkdirTemp("", "pidone-vm-")
	if err != nil {
		return "", fmt.Errorf("a directory for QEMU's sockets: %w", err)
	}
	return d, nil
}
