package consoletools

import "golang.org/x/sys/unix"

// stty's tables: BusyBox's (and GNU's) mode and control character
// names, in the order stty -a lists them. They are arrays of constants,
// which the compiler lays out in the binary: nothing is built at start.

// Which termios word a mode is in; sttyCombo modes set several.
type sttyKind uint8

const (
	sttyControl sttyKind = iota
	sttyInput
	sttyOutput
	sttyLocal
	sttyCombo
)

// Mode flags.
const (
	sttySaneSet   = 1 // set by "sane"
	sttySaneUnset = 2 // cleared by "sane"
	sttyRev       = 4 // can be turned off with a leading "-"
	sttyOmit      = 8 // not listed by stty -a
)

type sttyMode struct {
	name  string
	kind  sttyKind
	flags uint8
	bits  uint32 // set for this mode
	mask  uint32 // other bits turned off for it (a field such as CSIZE)
}

var sttyModes = [...]sttyMode{
	{"evenp", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"parity", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"oddp", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"nl", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"ek", sttyCombo, sttyOmit, 0, 0},
	{"sane", sttyCombo, sttyOmit, 0, 0},
	{"cooked", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"raw", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"pass8", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"litout", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"cbreak", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"crt", sttyCombo, sttyOmit, 0, 0},
	{"dec", sttyCombo, sttyOmit, 0, 0},
	{"decctlq", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"tabs", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"lcase", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"LCASE", sttyCombo, sttyRev | sttyOmit, 0, 0},
	{"parenb", sttyControl, sttyRev, unix.PARENB, 0},
	{"parodd", sttyControl, sttyRev, unix.PARODD, 0},
	{"cmspar", sttyControl, sttyRev, unix.CMSPAR, 0},
	{"cs5", sttyControl, 0, unix.CS5, unix.CSIZE},
	{"cs6", sttyControl, 0, unix.CS6, unix.CSIZE},
	{"cs7", sttyControl, 0, unix.CS7, unix.CSIZE},
	{"cs8", sttyControl, 0, unix.CS8, unix.CSIZE},
	{"hupcl", sttyControl, sttyRev, unix.HUPCL, 0},
	{"hup", sttyControl, sttyRev | sttyOmit, unix.HUPCL, 0},
	{"cstopb", sttyControl, sttyRev, unix.CSTOPB, 0},
	{"cread", sttyControl, sttySaneSet | sttyRev, unix.CREAD, 0},
	{"clocal", sttyControl, sttyRev, unix.CLOCAL, 0},
	{"crtscts", sttyControl, sttyRev, unix.CRTSCTS, 0},
	{"ignbrk", sttyInput, sttySaneUnset | sttyRev, unix.IGNBRK, 0},
	{"brkint", sttyInput, sttySaneSet | sttyRev, unix.BRKINT, 0},
	{"ignpar", sttyInput, sttyRev, unix.IGNPAR, 0},
	{"parmrk", sttyInput, sttyRev, unix.PARMRK, 0},
	{"inpck", sttyInput, sttyRev, unix.INPCK, 0},
	{"istrip", sttyInput, sttyRev, unix.ISTRIP, 0},
	{"inlcr", sttyInput, sttySaneUnset | sttyRev, unix.INLCR, 0},
	{"igncr", sttyInput, sttySaneUnset | sttyRev, unix.IGNCR, 0},
	{"icrnl", sttyInput, sttySaneSet | sttyRev, unix.ICRNL, 0},
	{"ixon", sttyInput, sttyRev, unix.IXON, 0},
	{"ixoff", sttyInput, sttySaneUnset | sttyRev, unix.IXOFF, 0},
	{"tandem", sttyInput, sttyOmit | sttyRev, unix.IXOFF, 0},
	{"iuclc", sttyInput, sttySaneUnset | sttyRev, unix.IUCLC, 0},
	{"ixany", sttyInput, sttySaneUnset | sttyRev, unix.IXANY, 0},
	{"imaxbel", sttyInput, sttySaneSet | sttyRev, unix.IMAXBEL, 0},
	{"iutf8", sttyInput, sttySaneUnset | sttyRev, unix.IUTF8, 0},
	{"opost", sttyOutput, sttySaneSet | sttyRev, unix.OPOST, 0},
	{"olcuc", sttyOutput, sttySaneUnset | sttyRev, unix.OLCUC, 0},
	{"ocrnl", sttyOutput, sttySaneUnset | sttyRev, unix.OCRNL, 0},
	{"onlcr", sttyOutput, sttySaneSet | sttyRev, unix.ONLCR, 0},
	{"onocr", sttyOutput, sttySaneUnset | sttyRev, unix.ONOCR, 0},
	{"onlret", sttyOutput, sttySaneUnset | sttyRev, unix.ONLRET, 0},
	{"ofill", sttyOutput, sttySaneUnset | sttyRev, unix.OFILL, 0},
	{"ofdel", sttyOutput, sttySaneUnset | sttyRev, unix.OFDEL, 0},
	{"nl1", sttyOutput, sttySaneUnset, unix.NL1, unix.NLDLY},
	{"nl0", sttyOutput, sttySaneSet, unix.NL0, unix.NLDLY},
	{"cr3", sttyOutput, sttySaneUnset, unix.CR3, unix.CRDLY},
	{"cr2", sttyOutput, sttySaneUnset, unix.CR2, unix.CRDLY},
	{"cr1", sttyOutput, sttySaneUnset, unix.CR1, unix.CRDLY},
	{"cr0", sttyOutput, sttySaneSet, unix.CR0, unix.CRDLY},
	{"tab3", sttyOutput, sttySaneUnset, unix.TAB3, unix.TABDLY},
	{"tab2", sttyOutput, sttySaneUnset, unix.TAB2, unix.TABDLY},
	{"tab1", sttyOutput, sttySaneUnset, unix.TAB1, unix.TABDLY},
	{"tab0", sttyOutput, sttySaneSet, unix.TAB0, unix.TABDLY},
	{"bs1", sttyOutput, sttySaneUnset, unix.BS1, unix.BSDLY},
	{"bs0", sttyOutput, sttySaneSet, unix.BS0, unix.BSDLY},
	{"vt1", sttyOutput, sttySaneUnset, unix.VT1, unix.VTDLY},
	{"vt0", sttyOutput, sttySaneSet, unix.VT0, unix.VTDLY},
	{"ff1", sttyOutput, sttySaneUnset, unix.FF1, unix.FFDLY},
	{"ff0", sttyOutput, sttySaneSet, unix.FF0, unix.FFDLY},
	{"isig", sttyLocal, sttySaneSet | sttyRev, unix.ISIG, 0},
	{"icanon", sttyLocal, sttySaneSet | sttyRev, unix.ICANON, 0},
	{"iexten", sttyLocal, sttySaneSet | sttyRev, unix.IEXTEN, 0},
	{"echo", sttyLocal, sttySaneSet | sttyRev, unix.ECHO, 0},
	{"echoe", sttyLocal, sttySaneSet | sttyRev, unix.ECHOE, 0},
	{"crterase", sttyLocal, sttyOmit | sttyRev, unix.ECHOE, 0},
	{"echok", sttyLocal, sttySaneSet | sttyRev, unix.ECHOK, 0},
	{"echonl", sttyLocal, sttySaneUnset | sttyRev, unix.ECHONL, 0},
	{"noflsh", sttyLocal, sttySaneUnset | sttyRev, unix.NOFLSH, 0},
	{"xcase", sttyLocal, sttySaneUnset | sttyRev, unix.XCASE, 0},
	{"tostop", sttyLocal, sttySaneUnset | sttyRev, unix.TOSTOP, 0},
	{"echoprt", sttyLocal, sttySaneUnset | sttyRev, unix.ECHOPRT, 0},
	{"prterase", sttyLocal, sttyOmit | sttyRev, unix.ECHOPRT, 0},
	{"echoctl", sttyLocal, sttySaneSet | sttyRev, unix.ECHOCTL, 0},
	{"ctlecho", sttyLocal, sttyOmit | sttyRev, unix.ECHOCTL, 0},
	{"echoke", sttyLocal, sttySaneSet | sttyRev, unix.ECHOKE, 0},
	{"crtkill", sttyLocal, sttyOmit | sttyRev, unix.ECHOKE, 0},
	{"flusho", sttyLocal, sttySaneUnset | sttyRev, unix.FLUSHO, 0},
	{"extproc", sttyLocal, sttySaneUnset | sttyRev, unix.EXTPROC, 0},
}

// sttyCtl is a control character: its name, its slot in c_cc and the
// value "sane" gives it.
type sttyCtl struct {
	name  string
	index uint8
	sane  uint8
}

// min and time must stay last: the display lists them apart.
var sttyControls = [...]sttyCtl{
	{"intr", unix.VINTR, 'C' & 0x1f},
	{"quit", unix.VQUIT, 28},
	{"erase", unix.VERASE, 127},
	{"kill", unix.VKILL, 'U' & 0x1f},
	{"eof", unix.VEOF, 'D' & 0x1f},
	{"eol", unix.VEOL, 0},
	{"eol2", unix.VEOL2, 0},
	{"swtch", unix.VSWTC, 0},
	{"start", unix.VSTART, 'Q' & 0x1f},
	{"stop", unix.VSTOP, 'S' & 0x1f},
	{"susp", unix.VSUSP, 'Z' & 0x1f},
	{"rprnt", unix.VREPRINT, 'R' & 0x1f},
	{"werase", unix.VWERASE, 'W' & 0x1f},
	{"lnext", unix.VLNEXT, 'V' & 0x1f},
	{"flush", unix.VDISCARD, 'O' & 0x1f},
	{"min", unix.VMIN, 1},
	{"time", unix.VTIME, 0},
}

func sttyFindMode(name string) *sttyMode {
	for i := range sttyModes {
		if sttyModes[i].name == name {
			return &sttyModes[i]
		}
	}
	return nil
}

func sttyFindControl(name string) *sttyCtl {
	for i := range sttyControls {
		if sttyControls[i].name == name {
			return &sttyControls[i]
		}
	}
	return nil
}

func sttyFlagWord(m *unix.Termios, kind sttyKind) *uint32 {
	switch kind {
	case sttyControl:
		return &m.Cflag
	case sttyInput:
		return &m.Iflag
	case sttyOutput:
		return &m.Oflag
	case sttyLocal:
		return &m.Lflag
	}
	return nil
}

// sttySane is "stty sane": the control characters' usual values (min
// and time too) and every mode marked sane set or cleared.
func sttySane(m *unix.Termios) {
	for _, c := range sttyControls {
		m.Cc[c.index] = c.sane
	}
	for i := range sttyModes {
		md := &sttyModes[i]
		word := sttyFlagWord(m, md.kind)
		if word == nil {
			continue
		}
		v := *word &^ md.mask
		switch {
		case md.flags&sttySaneSet != 0:
			*word = v | md.bits
		case md.flags&sttySaneUnset != 0:
			*word = v &^ md.bits
		}
	}
}

// sttySetMode sets a mode, or with off ("-name") clears it.
func sttySetMode(m *unix.Termios, md *sttyMode, off bool) {
	if word := sttyFlagWord(m, md.kind); word != nil {
		v := *word &^ md.mask
		if off {
			*word = v &^ md.bits
		} else {
			*word = v | md.bits
		}
		return
	}
	switch md.name {
	case "evenp", "parity":
		if off {
			m.Cflag = m.Cflag&^(unix.PARENB|unix.CSIZE) | unix.CS8
		} else {
			m.Cflag = m.Cflag&^(unix.PARODD|unix.CSIZE) | unix.PARENB | unix.CS7
		}
	case "oddp":
		if off {
			m.Cflag = m.Cflag&^(unix.PARENB|unix.CSIZE) | unix.CS8
		} else {
			m.Cflag = m.Cflag&^unix.CSIZE | unix.CS7 | unix.PARODD | unix.PARENB
		}
	case "nl":
		if off {
			m.Iflag = (m.Iflag | unix.ICRNL) &^ (unix.INLCR | unix.IGNCR)
			m.Oflag = (m.Oflag | unix.ONLCR) &^ (unix.OCRNL | unix.ONLRET)
		} else {
			m.Iflag &^= unix.ICRNL
			m.Oflag &^= unix.ONLCR
		}
	case "ek":
		m.Cc[unix.VERASE], m.Cc[unix.VKILL] = 127, 'U'&0x1f
	case "sane":
		sttySane(m)
	case "cbreak":
		if off {
			m.Lflag |= unix.ICANON
		} else {
			m.Lflag &^= unix.ICANON
		}
	case "pass8":
		if off {
			m.Cflag = m.Cflag&^unix.CSIZE | unix.CS7 | unix.PARENB
			m.Iflag |= unix.ISTRIP
		} else {
			m.Cflag = m.Cflag&^(unix.PARENB|unix.CSIZE) | unix.CS8
			m.Iflag &^= unix.ISTRIP
		}
	case "litout":
		if off {
			m.Cflag = m.Cflag&^unix.CSIZE | unix.CS7 | unix.PARENB
			m.Iflag |= unix.ISTRIP
			m.Oflag |= unix.OPOST
		} else {
			m.Cflag = m.Cflag&^(unix.PARENB|unix.CSIZE) | unix.CS8
			m.Iflag &^= unix.ISTRIP
			m.Oflag &^= unix.OPOST
		}
	case "raw", "cooked":
		if (md.name == "raw") == off { // -raw is cooked
			m.Iflag |= unix.BRKINT | unix.IGNPAR | unix.ISTRIP | unix.ICRNL | unix.IXON
			m.Oflag |= unix.OPOST
			m.Lflag |= unix.ISIG | unix.ICANON
		} else {
			m.Iflag = 0
			m.Oflag &^= unix.OPOST
			m.Lflag &^= unix.ISIG | unix.ICANON | unix.XCASE
			m.Cc[unix.VMIN], m.Cc[unix.VTIME] = 1, 0
		}
	case "decctlq":
		if off {
			m.Iflag |= unix.IXANY
		} else {
			m.Iflag &^= unix.IXANY
		}
	case "tabs":
		if off {
			m.Oflag = m.Oflag&^unix.TABDLY | unix.TAB3
		} else {
			m.Oflag = m.Oflag&^unix.TABDLY | unix.TAB0
		}
	case "lcase", "LCASE":
		if off {
			m.Lflag &^= unix.XCASE
			m.Iflag &^= unix.IUCLC
			m.Oflag &^= unix.OLCUC
		} else {
			m.Lflag |= unix.XCASE
			m.Iflag |= unix.IUCLC
			m.Oflag |= unix.OLCUC
		}
	case "crt":
		m.Lflag |= unix.ECHOE | unix.ECHOCTL | unix.ECHOKE
	case "dec":
		m.Cc[unix.VINTR], m.Cc[unix.VERASE], m.Cc[unix.VKILL] = 3, 127, 21
		m.Lflag |= unix.ECHOE | unix.ECHOCTL | unix.ECHOKE
		m.Iflag &^= unix.IXANY
	}
}

// sttyBauds are the speeds Linux knows, by their B constants.
var sttyBauds = [...]struct{ code, baud uint32 }{
	{unix.B0, 0}, {unix.B50, 50}, {unix.B75, 75}, {unix.B110, 110}, {unix.B134, 134}, {unix.B150, 150},
	{unix.B200, 200}, {unix.B300, 300}, {unix.B600, 600}, {unix.B1200, 1200}, {unix.B1800, 1800},
	{unix.B2400, 2400}, {unix.B4800, 4800}, {unix.B9600, 9600}, {unix.B19200, 19200}, {unix.B38400, 38400},
	{unix.B57600, 57600}, {unix.B115200, 115200}, {unix.B230400, 230400}, {unix.B460800, 460800},
	{unix.B500000, 500000}, {unix.B576000, 576000}, {unix.B921600, 921600}, {unix.B1000000, 1000000},
	{unix.B1152000, 1152000}, {unix.B1500000, 1500000}, {unix.B2000000, 2000000}, {unix.B2500000, 2500000},
	{unix.B3000000, 3000000}, {unix.B3500000, 3500000}, {unix.B4000000, 4000000},
}

// sttyBaud is the B constant of a speed in bauds.
func sttyBaud(baud uint32) (uint32, bool) {
	for _, b := range sttyBauds {
		if b.baud == baud {
			return b.code, true
		}
	}
	return 0, false
}

// sttySpeed is the line's speed in bauds, 0 if unknown.
func sttySpeed(m *unix.Termios) uint32 {
	code := m.Cflag & (unix.CBAUD | unix.CBAUDEX)
	for _, b := range sttyBauds {
		if b.code == code {
			return b.baud
		}
	}
	return 0
}

func sttySetSpeed(m *unix.Termios, baud uint32) {
	code, _ := sttyBaud(baud)
	m.Cflag = m.Cflag&^(unix.CBAUD|unix.CBAUDEX) | code
}
