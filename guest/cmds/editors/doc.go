// Package editors is the family of pidone's commands that BusyBox's
// editors directory holds: programs that transform text. It registers
// awk, diff and sed (and vi, where that is linked in).
//
// awk is GoAWK's interpreter (github.com/benhoyt/goawk) wired to the
// command's standard streams: a complete POSIX awk costs less to take
// than to write. diff computes its hunks with go-udiff
// (github.com/aymanbagabas/go-udiff). sed is this package's own.
package editors
