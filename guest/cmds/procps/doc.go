// Package procps is the family of pidone's commands about processes
// and memory, as procps-ng and BusyBox's procps directory hold them:
// free kill killall pgrep pidof pkill ps top uptime watch. The shell's
// kill builtin runs this kill.
package procps
