// Package coreutils is the family of pidone's commands that GNU
// coreutils and BusyBox's coreutils directory hold: files, text, users
// and the system's identity, and running programs under conditions. It
// registers basename cat chmod cp cut date df dirname echo env false
// head hostname id ln ls md5sum mkdir mknod mv nice nohup nproc printenv
// pwd rm rmdir sha256sum sleep stat sync tail tee time timeout touch
// true tty uname wc which whoami.
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
