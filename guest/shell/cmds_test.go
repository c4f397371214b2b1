package shell

// The shell runs whichever commands are registered; its tests want the
// whole set, as the guest binary has it (kill, for one, is a builtin
// that runs procps' kill).
import _ "pidone.dev/guest/cmds/all"
