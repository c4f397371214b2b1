// Package findutils is the family of pidone's commands that search, as
// BusyBox's findutils directory holds them: find grep xargs. grep's
// POSIX regular expressions are translated by package cmds, for the
// other commands that take them (sed, find -regex, expr); find's
// shell patterns are cmds.Fnmatch, which tar --exclude shares; find
// -exec and xargs start programs with cmds' Env.Command.
package findutils
