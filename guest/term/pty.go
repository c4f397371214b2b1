package term

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// ErrNoPTY is OpenPTY's error when the system gives no pseudo-terminal
// (no /dev/ptmx, or one that cannot be opened).
var ErrNoPTY = errors.New("no pseudo-terminals")

// OpenPTY opens a pseudo-terminal pair: master, the side a terminal
// emulator (or a test) plays, and tty, the side a program gets. Neither
// becomes the caller's controlling terminal. The master is left
// non-blocking (unlocked through SyscallConn, not Fd), so that closing it
// ends a read waiting on it.
func OpenPTY() (master, tty *os.File, err error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrNoPTY, err)
	}
	var n uint32
	rc, err := m.SyscallConn()
	if err == nil {
		rc.Control(func(fd uintptr) {
			if err = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); err == nil {
				n, err = unix.IoctlGetUint32(int(fd), unix.TIOCGPTN)
			}
		})
	}
	if err != nil {
		m.Close()
		return nil, nil, &os.PathError{Op: "unlock", Path: "/dev/ptmx", Err: err}
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, s, nil
}
