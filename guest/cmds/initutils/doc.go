// Package initutils is the family of pidone's commands that ask pidone's
// init (guest/initd) for something, as BusyBox's init directory holds
// halt, poweroff and reboot: halt poweroff reboot (signals to PID 1),
// settle (waits for the file init writes once the drivers of the
// devices found at boot are loaded; udevadm settle elsewhere) and logs
// (reads the logs of the programs init supervises; journalctl
// elsewhere). They are here, not in a family of their own each, because
// all three talk to this init and no other.
package initutils
