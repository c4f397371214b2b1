// Package cmdlist (placeholder until merged).
package cmdlist

var Names = []string{"basename", "blkid", "cat", "chmod", "clear", "cp", "cut", "date", "df", "dhclient", "dhcp", "dirname", "dmesg", "echo", "env", "false", "free", "grep", "halt", "head", "help", "hostname", "http", "id", "insmod", "ip", "kill", "ln", "logs", "ls", "lsblk", "lsmod", "md5sum", "mkdir", "mknod", "modprobe", "mount", "mv", "nproc", "ping", "poweroff", "ps", "pwd", "reboot", "rm", "rmdir", "rmmod", "settle", "sha256sum", "sleep", "stat", "sync", "tail", "tee", "touch", "true", "tty", "umount", "uname", "uptime", "wc", "wget", "which", "whoami"}
