// Package utillinux is the family of pidone's commands about disks,
// filesystems, the kernel's log, clocks and namespaces, as util-linux and BusyBox's
// util-linux directory hold them: blkid dmesg hwclock lsblk mount
// umount unshare. blockdev.go is how blkid and lsblk see block devices.
package utillinux
