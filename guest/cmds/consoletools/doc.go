// Package consoletools is the family of pidone's commands for the
// terminal, as BusyBox's console-tools directory holds them: clear
// (reset and resize belong here too; stty is coreutils'). It is its own
// family, though small, so that the tree says where such commands go.
package consoletools
