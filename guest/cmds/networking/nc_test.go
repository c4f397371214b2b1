//go:build pidone_net

package networking

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestNetCmdNc(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	got := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		c.Write([]byte("from server\n"))
		b := make([]byte, 100)
		n, _ := c.Read(b)
		c.Close()
		got <- string(b[:n])
	}()
	out, errs, st := cmdtest.Run(t, "", "to server\n", "nc", "127.0.0.1", port)
	if st != 0 || out != "from server\n" {
		t.Errorf("nc: %d %q %q", st, out, errs)
	}
	if s := <-got; s != "to server\n" {
		t.Errorf("the server got %q", s)
	}
	// -z: open or not.
	go l.Accept()
	if _, errs, st := cmdtest.Run(t, "", "", "nc", "-z", "127.0.0.1", port); st != 0 {
		t.Errorf("nc -z to an open port: %d %q", st, errs)
	}
	l.Close()
	if _, errs, st := cmdtest.Run(t, "", "", "nc", "-z", "127.0.0.1", port); st != 1 || !strings.Contains(errs, "Connection refused") {
		t.Errorf("nc -z to a closed port: %d %q", st, errs)
	}
	// -l -p: one connection.
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	lport := strconv.Itoa(free.Addr().(*net.TCPAddr).Port)
	free.Close()
	done := make(chan string)
	go func() {
		out, _, _ := cmdtest.Run(t, "", "", "nc", "-l", "-p", lport, "127.0.0.1")
		done <- out
	}()
	var c net.Conn
	for i := 0; i < 50; i++ {
		if c, err = net.Dial("tcp", "127.0.0.1:"+lport); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("hello listener\n"))
	c.Close()
	if s := <-done; s != "hello listener\n" {
		t.Errorf("nc -l got %q", s)
	}
	// -w: a listener nobody comes to.
	if _, errs, st := cmdtest.Run(t, "", "", "nc", "-l", "-w", "0.2", "-p", lport); st != 1 || errs != "nc: timed out\n" {
		t.Errorf("nc -l -w: %d %q", st, errs)
	}
	if _, _, st := cmdtest.Run(t, "", "", "nc", "127.0.0.1"); st != 2 {
		t.Errorf("nc with no port: %d", st)
	}
}
