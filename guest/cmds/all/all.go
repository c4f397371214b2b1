// Package all links every family of pidone's commands into the one
// table of package cmds. Import it, blank, where the whole set is
// wanted: the guest binary, the command-list generator, and the tests
// of the shell and of the list.
//
// The families, as BusyBox groups its applets:
//
//	archival      archives and compression (tar, cpio, gzip)
//	coreutils     files, text, users and the system's identity
//	editors       editing and transforming text (vi sed awk diff)
//	findutils     searching (grep)
//	procps        processes and memory
//	utillinux     disks, mounts and the kernel's log
//	modutils      kernel modules
//	networking    links, addresses, DHCP, HTTP, ping (stubs without pidone_net)
//	initutils     asking pidone's init: power, driver settling, logs
//	consoletools  the terminal
//
// help belongs to package cmds itself.
package all

import (
	_ "pidone.dev/guest/cmds/archival"
	_ "pidone.dev/guest/cmds/consoletools"
	_ "pidone.dev/guest/cmds/coreutils"
	_ "pidone.dev/guest/cmds/editors"
	_ "pidone.dev/guest/cmds/findutils"
	_ "pidone.dev/guest/cmds/initutils"
	_ "pidone.dev/guest/cmds/modutils"
	_ "pidone.dev/guest/cmds/networking"
	_ "pidone.dev/guest/cmds/procps"
	_ "pidone.dev/guest/cmds/utillinux"
)
