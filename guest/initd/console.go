package initd

import (
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/pkg/bootopts"
)

// consoleTTY returns the device behind /dev/console, such as /dev/ttyS0.
// The shell must run on that device, not on /dev/console: the console
// cannot be a controlling terminal, and without one there is no job
// control ("can't access tty; job control turned off").
func consoleTTY() string {
	b, err := os.ReadFile("/sys/class/tty/console/active")
	if err == nil {
		// The last console named is the one /dev/console writes to.
		if f := strings.Fields(string(b)); len(f) > 0 {
			dev := "/dev/" + f[len(f)-1]
			if _, err := os.Stat(dev); err == nil {
				return dev
			}
		}
	}
	return "/dev/console"
}

// setWinsize tells the terminal its size: a serial line has none, and the
// host that started the VM knows the real one.
func setWinsize(tty string, size bootopts.Winsize) {
	// bootopts keeps both within an unsigned short.
	ws := unix.Winsize{Col: uint16(size.Cols), Row: uint16(size.Rows)}
	fd, err := unix.Open(tty, unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	_ = unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &ws)
}
