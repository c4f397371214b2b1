// Package term is what pidone's terminal programs share, the shell's
// line editor and vi: reading keys, raw mode, the terminal's size and
// the width of what is drawn. It needs no terminfo database: a serial
// console has none, and every terminal pidone meets speaks the VT100's
// escape sequences. Nothing here asks the terminal anything, since a
// serial line may never answer.
package term

import (
	"time"

	"golang.org/x/sys/unix"
)

// MakeRaw puts the terminal fd in raw mode and returns the function that
// puts it back. It fails if fd is not a terminal.
//
// Both switches use TCSETS, not TCSETSF: flushing would throw away what
// the user typed before the program was ready, and what is left of a
// paste, which belongs to the next command. Output post-processing
// (OPOST) is left as it was, so that messages other code prints
// meanwhile still get their \r.
func MakeRaw(fd int) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }, nil
}

// Size is the terminal's size as the kernel knows it, or zeros: a
// serial line knows none unless someone set it (pidone's init does, from
// pidone.winsize; so does stty).
func Size(fd int) (cols, rows int) {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0
	}
	return int(ws.Col), int(ws.Row)
}

// InputQueued reports whether more input is already waiting on fd, so
// that a paste is drawn once at its end rather than once per byte.
func InputQueued(fd int) bool {
	n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
	return err == nil && n > 0
}

// InputWithin reports whether input arrives on fd within d.
func InputWithin(fd int, d time.Duration) bool {
	p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(p, int(d.Milliseconds()))
		if err != unix.EINTR {
			return err == nil && n > 0
		}
	}
}
