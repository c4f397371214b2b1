package lineedit

import "golang.org/x/sys/unix"

// makeRaw puts the terminal fd in raw mode and returns the function that
// puts it back. It fails if fd is not a terminal.
//
// Both switches use TCSETS, not TCSETSF: flushing would throw away what
// the user typed before the prompt appeared, and what is left of a paste
// after the Enter, which belongs to the next command. Output
// post-processing (OPOST) is left as it was, so that messages other code
// prints while the prompt is shown still get their \r.
func makeRaw(fd int) (restore func(), err error) {
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

// termWidth is the terminal's width, or 80 when it does not know (a
// serial console usually reports 0).
func termWidth(fd int) int {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 80
	}
	return int(ws.Col)
}

// inputQueued reports whether more input is already waiting, so that a
// paste is drawn once at its end rather than once per byte.
func inputQueued(fd int) bool {
	n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
	return err == nil && n > 0
}
