package bootdiag

import (
	"bytes"
	"io"
	"regexp"
	"sync"
)

// benign are kernel warnings that every boot under QEMU's TCG prints and
// that mean nothing to the user.
var benign = regexp.MustCompile(`^\[\s*\d+\.\d+\] (tsc: Unable to calibrate against PIT|APIC calibration not consistent with PM-Timer|acpi PNP0A03:00: fail to add MMCONFIG information|tsc: Marking TSC unstable|clocksource: timekeeping watchdog|clocksource: +'|TSC found unstable after boot|clocksource: Not enough CPUs|clocksource: Long readout interval|PCI: Fatal: No config space access function found|PCI: System does not support PCI)`)

// QuietFilter passes console output to w without the benign kernel
// warnings of an emulated machine. Text that is not a kernel line (the
// shell's prompt, what the user types) passes through at once; only a
// line that starts like a kernel message is held until its end.
func QuietFilter(w io.Writer) io.Writer { return &filter{w: w} }

type filter struct {
	mu      sync.Mutex
	w       io.Writer
	line    []byte // a held kernel line
	holding bool
	atStart bool
	started bool
}

func (f *filter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.started {
		f.started, f.atStart = true, true
	}
	var out bytes.Buffer
	for _, c := range p {
		switch {
		case f.holding:
			f.line = append(f.line, c)
			if c == '\n' {
				if !benign.Match(bytes.TrimRight(f.line, "\r\n")) {
					out.Write(f.line)
				}
				f.line, f.holding = f.line[:0], false
				f.atStart = true
			} else if len(f.line) > 512 {
				out.Write(f.line)
				f.line, f.holding = f.line[:0], false
			}
		case f.atStart && c == '[':
			f.holding = true
			f.line = append(f.line[:0], c)
			f.atStart = false
		default:
			out.WriteByte(c)
			f.atStart = c == '\n'
		}
	}
	if _, err := f.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
