// Package findutils is the family of pidone's commands that search, as
// BusyBox's findutils directory holds them: grep (find and xargs
// belong here too). grep's POSIX regular expressions are translated by
// package cmds, for the other commands that take them (sed, find
// -regex, expr).
package findutils
