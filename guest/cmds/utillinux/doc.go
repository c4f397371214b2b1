// Package utillinux is the family of pidone's commands about disks,
// filesystems, the kernel's log, clocks and namespaces, as util-linux
// and BusyBox's util-linux directory hold them: blkid chroot dmesg
// hwclock losetup lsblk mount umount unshare (chroot is in BusyBox's
// coreutils; it is here with the other commands that need root and a
// kernel). blockdev.go is how blkid and lsblk see block devices.
package utillinux
