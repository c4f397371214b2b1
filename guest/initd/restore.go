package initd

import (
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"

	"pidone.dev/pkg/runproto"
)

// takeHost takes from a request what a guest restored from a snapshot
// must not keep from the boot that was saved: the wall clock, which
// stood still in the snapshot; the state of the kernel's random number
// generator, which every guest restored from one snapshot would share
// (so the same keys and UUIDs) until reseeded; and the host name, when
// this run has its own. A cold boot gets the same, harmlessly.
func (in *initd) takeHost(req *runproto.Request) []error {
	var errs []error
	if req.Time > 0 {
		ts := unix.NsecToTimespec(req.Time)
		if err := unix.ClockSettime(unix.CLOCK_REALTIME, &ts); err != nil {
			errs = append(errs, fmt.Errorf("setting the clock: %w", err))
		}
	}
	if len(req.Seed) > 0 {
		if err := reseed(req.Seed); err != nil {
			errs = append(errs, fmt.Errorf("reseeding random numbers: %w", err))
		}
	}
	if req.Hostname != "" {
		if err := setHostname(req.Hostname); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// reseed mixes seed into the kernel's entropy pool, credited, and makes
// the generator reseed from it at once (RNDADDENTROPY, RNDRESEEDCRNG):
// without the second, a guest could draw from its snapshot's state for
// up to a minute.
func reseed(seed []byte) error {
	f, err := os.OpenFile("/dev/urandom", os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	// struct rand_pool_info { int entropy_count; int buf_size; __u32 buf[]; }
	buf := make([]byte, 8+len(seed)+3)
	binary.NativeEndian.PutUint32(buf[0:], uint32(len(seed)*8))
	binary.NativeEndian.PutUint32(buf[4:], uint32(len(seed)))
	copy(buf[8:], seed)
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), unix.RNDADDENTROPY, uintptr(unsafe.Pointer(&buf[0]))); e != 0 {
		return fmt.Errorf("RNDADDENTROPY: %w", e)
	}
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), unix.RNDRESEEDCRNG, 0); e != 0 {
		return fmt.Errorf("RNDRESEEDCRNG: %w", e)
	}
	return nil
}
