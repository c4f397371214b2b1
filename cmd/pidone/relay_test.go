package main

import (
	"io"
	"net"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pidone.dev/host/vm"
)

// TestRelayLimit starts the relays QEMU would start for guest connections
// to a --guestfwd service, more than the limit: the one over it is
// refused with a line saying so, and a slot freed is taken again.
func TestRelayLimit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func() { io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	slots := t.TempDir()
	addr := ln.Addr().String()
	relay := func() *exec.Cmd { return exec.Command(pidoneBin, "relay", "--slots", slots, addr) }
	var held []io.WriteCloser
	var cmds []*exec.Cmd
	t.Cleanup(func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
	})
	for i := 0; i < vm.MaxRelays; i++ {
		c := relay()
		in, _ := c.StdinPipe()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, held = append(cmds, c), append(held, in)
	}
	for deadline := time.Now().Add(30 * time.Second); accepted.Load() < vm.MaxRelays; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d relays connected", accepted.Load(), vm.MaxRelays)
		}
		time.Sleep(20 * time.Millisecond)
	}
	out, err := relay().CombinedOutput()
	if err == nil || !strings.Contains(string(out), "guest connections to "+addr+" are open already; refusing another") {
		t.Errorf("relay over the limit: %v, %q", err, out)
	}
	if n := accepted.Load(); n != vm.MaxRelays {
		t.Errorf("%d connections reached the service, want %d", n, vm.MaxRelays)
	}
	// One connection ends: its slot is free again.
	held[0].Close()
	cmds[0].Wait()
	cmds = cmds[1:]
	c := relay()
	c.Stdin = strings.NewReader("")
	if out, err := c.CombinedOutput(); err != nil {
		t.Errorf("relay after a slot was freed: %v, %q", err, out)
	}
}
