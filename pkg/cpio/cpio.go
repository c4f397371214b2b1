// Package cpio reads and writes cpio archives in the "newc" format
// (magic 070701), the format the Linux kernel unpacks as an initramfs.
//
// The Writer is deterministic: it writes exactly the headers it is given
// and numbers inodes in order, so the same entries give the same bytes.
package cpio

import (
	"errors"
	"fmt"
)

// Mode type bits, as in st_mode.
const (
	TypeMask    = 0o170000
	TypeSocket  = 0o140000
	TypeSymlink = 0o120000
	TypeReg     = 0o100000
	TypeBlock   = 0o060000
	TypeDir     = 0o040000
	TypeChar    = 0o020000
	TypeFifo    = 0o010000
)

// Header is one archive entry.
type Header struct {
	Name      string // path inside the archive, without a leading "/"
	Mode      uint32 // permission and type bits (TypeReg|0o755, ...)
	UID, GID  uint32
	NLink     uint32 // 0 means 2 for directories and 1 otherwise
	ModTime   int64  // Unix seconds
	Size      int64  // length of a regular file's data
	Linkname  string // a symlink's target; stored as its data
	DevMajor  uint32 // device holding the file (usually 0)
	DevMinor  uint32
	RDevMajor uint32 // a device node's own numbers
	RDevMinor uint32
	Ino       uint32 // 0 means the Writer numbers entries itself
}

// Type returns the type bits of the mode.
func (h *Header) Type() uint32 { return h.Mode & TypeMask }

const (
	magicNewc = "070701"
	magicCRC  = "070702"
	// trailer marks the end of an archive.
	trailer    = "TRAILER!!!"
	headerSize = 110
	// maxName bounds names the way the kernel does (PATH_MAX).
	maxName = 4096
)

// ErrFormat is wrapped by every error about malformed input.
var ErrFormat = errors.New("cpio: malformed archive")

func formatError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// pad returns how many bytes bring n to a multiple of 4.
func pad(n int64) int64 { return (4 - n%4) % 4 }
