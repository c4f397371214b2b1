// Package utillinux is the family of pidone's commands about disks,
// filesystems and the kernel's log, as util-linux and BusyBox's
// util-linux directory hold them: blkid chroot dmesg losetup lsblk
// mount umount (chroot is in BusyBox's coreutils; it is here with the
// other commands that need root and a kernel).
// blockdev.go is how blkid and lsblk see block devices.
package utillinux
