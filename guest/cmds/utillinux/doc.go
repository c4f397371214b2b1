// Package utillinux is the family of pidone's commands about disks,
// filesystems and the kernel's log, as util-linux and BusyBox's
// util-linux directory hold them: blkid dmesg lsblk mount umount.
// blockdev.go is how blkid and lsblk see block devices.
package utillinux
