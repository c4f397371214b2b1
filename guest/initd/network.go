package initd

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// netReady is closed when startCard has done what pidone.net asks, which
// may take a DHCP exchange in the background.
var netReady <-chan struct{}

// startNetwork brings up loopback, at every boot and in every image:
// programs expect 127.0.0.1 to answer, networking or not. Then startCard
// (network_net.go, or network_nonet.go in images without networking)
// does what pidone.net asks of the network card.
func (in *initd) startNetwork() {
	if err := loopbackUp(); err != nil {
		in.logf("%v", err)
	}
	netReady = in.startCard()
}

// waitNetwork waits for the network card to be configured. The shell's
// prompt does not wait, but a one-shot command (pidone.run, pidone run
// -- CMD) would otherwise race the DHCP client for the network it was
// given. DHCP gives up by itself; the bound is only for safety.
func (in *initd) waitNetwork() {
	if netReady == nil {
		return
	}
	select {
	case <-netReady:
	case <-time.After(30 * time.Second):
	}
}

// loopbackUp sets lo's IFF_UP flag with the old interface ioctls; the
// kernel then gives lo 127.0.0.1/8 and ::1 itself. The ioctls need
// neither netlink nor the net package, so images without networking pay
// nothing for a working loopback.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("lo: cannot open a socket to configure it: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("lo: %w", err)
	}
	flags := ifr.Uint16()
	if flags&unix.IFF_UP != 0 {
		return nil
	}
	ifr.SetUint16(flags | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("lo: cannot bring it up: %w", err)
	}
	return nil
}
