// Package editors is the family of pidone's commands that BusyBox's
// editors directory holds: programs that edit or transform text. It
// registers awk, diff, sed and vi.
//
// awk is GoAWK's interpreter (github.com/benhoyt/goawk) wired to the
// command's standard streams: a complete POSIX awk costs less to take
// than to write. diff computes its hunks with go-udiff
// (github.com/aymanbagabas/go-udiff). sed and vi are this package's own;
// vi draws with plain VT100 sequences (no terminfo) through guest/term.
package editors
