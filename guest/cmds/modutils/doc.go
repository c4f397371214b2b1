// Package modutils is the family of pidone's commands for kernel
// modules, as kmod and BusyBox's modutils directory hold them: insmod
// lsmod modprobe rmmod. The work is guest/modprobe's, which init's
// coldplug shares.
package modutils
