package initd

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLoopbackUp brings lo up in a network namespace of its own, where it
// starts down, as in a freshly booted kernel; the host's lo is left alone.
func TestLoopbackUp(t *testing.T) {
	done := make(chan string)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- "skip: cannot make a network namespace: " + err.Error()
			return
		}
		flags := func() uint16 {
			fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
			defer unix.Close(fd)
			ifr, _ := unix.NewIfreq("lo")
			unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr)
			return ifr.Uint16()
		}
		if flags()&unix.IFF_UP != 0 {
			done <- "lo is up in a new namespace"
			return
		}
		for i := 0; i < 2; i++ { // twice: bringing up what is up is no error
			if err := loopbackUp(); err != nil {
				done <- err.Error()
				return
			}
		}
		if flags()&(unix.IFF_UP|unix.IFF_RUNNING) != unix.IFF_UP|unix.IFF_RUNNING {
			done <- "lo is not up and running"
			return
		}
		// The kernel gives lo its address: 127.0.0.1 accepts a UDP send.
		fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
		defer unix.Close(fd)
		if err := unix.Sendto(fd, []byte("x"), 0, &unix.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			done <- "sending to 127.0.0.1: " + err.Error()
			return
		}
		done <- ""
	}()
	switch msg := <-done; {
	case msg == "":
	case len(msg) > 6 && msg[:6] == "skip: ":
		t.Skip(msg[6:])
	default:
		t.Error(msg)
	}
}
