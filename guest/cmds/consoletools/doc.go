// Package consoletools is the family of pidone's commands for the
// terminal, as BusyBox's console-tools directory holds them: clear and
// stty (which BusyBox keeps in coreutils; it is here with the other
// terminal commands, so that fixing a serial console's size is found
// where the terminal is).
package consoletools
