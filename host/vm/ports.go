package vm

import (
	"fmt"
	"net"
	"os"
	"time"
)

// Port is a virtio-serial port: a named byte stream between host and
// guest beside the console, so that a program's output need not share
// the serial line with the kernel's messages. On the host it is a unix
// socket that QEMU listens on; in the guest, /dev/vportNpM with the name
// in /sys/class/virtio-ports/vportNpM/name.
type Port struct {
	Name   string // e.g. "org.pidone.stdout"
	Socket string // unix socket path QEMU listens on; "" for one in the VM's own directory
}

func (c *Config) portArgs(m *Machine) []string {
	if len(c.Ports) == 0 {
		return nil
	}
	args := []string{"-device", m.virtio("serial") + ",id=vser0,max_ports=" + fmt.Sprint(len(c.Ports)+1)}
	for i, p := range c.Ports {
		id := fmt.Sprintf("port%d", i)
		args = append(args,
			"-chardev", fmt.Sprintf("socket,id=%s,path=%s,server=on,wait=off", id, qemuEscape(p.Socket)),
			// nr=0 is reserved for a console port; numbering from 1 keeps
			// the names stable.
			"-device", fmt.Sprintf("virtserialport,bus=vser0.0,nr=%d,chardev=%s,name=%s", i+1, id, p.Name))
	}
	return args
}

// DialPort connects to the port named name once QEMU has created its
// socket.
func (v *VM) DialPort(name string, timeout time.Duration) (*net.UnixConn, error) {
	var p Port
	for _, q := range v.ports {
		if q.Name == name {
			p = q
		}
	}
	if p.Socket == "" {
		return nil, fmt.Errorf("no port %s in this VM", name)
	}
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: p.Socket, Net: "unix"})
		if err == nil {
			return c, nil
		}
		select {
		case <-v.done:
			return nil, fmt.Errorf("QEMU ended before port %s was ready", p.Name)
		default:
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("port %s: %w", p.Name, err)
		}
		if _, statErr := os.Stat(p.Socket); statErr != nil {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		time.Sleep(5 * time.Millisecond)
	}
}
