// Package coreutils is the family of pidone's commands that GNU
// coreutils and BusyBox's coreutils directory hold: files, text, users
// and the system's identity, and running programs under conditions. It
// registers base64 basename cat chmod cmp comm cp cut date dd df
// dirname du echo env false head hexdump hostname id less ln ls md5sum
// mkdir mkfifo mknod mktemp more mv nice nohup nproc printenv printf
// pwd readlink realpath rm rmdir seq sha256sum sleep sort stat strings
// sync tail tee time timeout touch tr true truncate tty uname uniq wc
// which whoami xxd yes.
//
// mknod is here, not in utillinux, because coreutils (GNU's and
// BusyBox's) is where it comes from; hostname and which, which come
// from smaller packages (net-tools, debianutils), are here because they
// tell about the system as uname and id do, and need no network.
//
// What several of them share and no other family needs (ls and stat
// describing files, env and which searching PATH) is in fileutil.go;
// what other families need too is in package cmds.
package coreutils
