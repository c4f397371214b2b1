// Package archival is the family of pidone's commands that pack and
// compress files, as BusyBox's archival directory holds them: cpio
// gunzip gzip tar zcat.
//
// gzip is the standard library's compress/gzip, which the guest already
// links for reading modules (github.com/klauspost/compress, which the
// host uses, would add 110 KB more); tar's format is the few hundred
// lines of tarfmt.go rather than archive/tar (120 KB); cpio reads and
// writes with package pkg/cpio. extract.go makes files from archive
// entries for both tar and cpio.
package archival
