package cpio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Writer writes a newc archive. Call WriteHeader for each entry, then
// Write its data (regular files only), then Close to add the trailer.
type Writer struct {
	w       *bufio.Writer
	ino     uint32
	left    int64 // data bytes still owed for the current entry
	padding int64 // padding after the current entry's data
	closed  bool
	err     error
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10)}
}

// ErrWriteTooLong is returned when more data is written than the header
// said.
var ErrWriteTooLong = errors.New("cpio: write too long")

// WriteHeader starts a new entry. Symlink targets come from h.Linkname;
// only regular files carry data written with Write.
func (w *Writer) WriteHeader(h *Header) error {
	if err := w.finish(); err != nil {
		return err
	}
	if w.closed {
		return errors.New("cpio: write after close")
	}
	name := strings.TrimPrefix(h.Name, "/")
	if name == "" {
		name = "."
	}
	if len(name)+1 > maxName || strings.IndexByte(name, 0) >= 0 || name == trailer {
		return fmt.Errorf("cpio: invalid name %q", name)
	}
	size := int64(0)
	switch h.Type() {
	case TypeReg:
		if h.Size < 0 || h.Size > 0xffffffff {
			return fmt.Errorf("cpio: %s: size %d does not fit newc's 32 bits", name, h.Size)
		}
		size = h.Size
	case TypeSymlink:
		if h.Linkname == "" {
			return fmt.Errorf("cpio: %s: symlink without a target", name)
		}
		size = int64(len(h.Linkname))
	case TypeDir, TypeChar, TypeBlock, TypeFifo, TypeSocket:
	default:
		return fmt.Errorf("cpio: %s: unknown file type in mode %#o", name, h.Mode)
	}
	if h.ModTime < 0 || h.ModTime > 0xffffffff {
		return fmt.Errorf("cpio: %s: time %d does not fit newc's 32 bits", name, h.ModTime)
	}
	ino := h.Ino
	if ino == 0 {
		w.ino++
		ino = w.ino
	}
	nlink := h.NLink
	if nlink == 0 {
		nlink = 1
		if h.Type() == TypeDir {
			nlink = 2
		}
	}
	w.writeRaw(ino, h.Mode, h.UID, h.GID, nlink, uint32(h.ModTime), uint32(size),
		h.DevMajor, h.DevMinor, h.RDevMajor, h.RDevMinor, name)
	w.left, w.padding = size, pad(size)
	if h.Type() == TypeSymlink {
		w.Write([]byte(h.Linkname))
	}
	return w.err
}

// writeRaw writes one header and the name with its padding.
func (w *Writer) writeRaw(ino, mode, uid, gid, nlink, mtime, size, dmaj, dmin, rmaj, rmin uint32, name string) {
	if w.err != nil {
		return
	}
	var b [headerSize]byte
	copy(b[:], magicNewc)
	for i, v := range []uint32{ino, mode, uid, gid, nlink, mtime, size, dmaj, dmin, rmaj, rmin, uint32(len(name) + 1), 0} {
		hex8(b[6+8*i:], v)
	}
	w.w.Write(b[:])
	w.w.WriteString(name)
	_, w.err = w.w.Write(make([]byte, 1+pad(headerSize+int64(len(name))+1)))
}

func hex8(b []byte, v uint32) {
	const digits = "0123456789abcdef"
	for i := 7; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
}

// Write writes data of the current entry.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if int64(len(p)) > w.left {
		return 0, ErrWriteTooLong
	}
	n, err := w.w.Write(p)
	w.left -= int64(n)
	w.err = err
	return n, err
}

// finish pads the current entry, or fails if its data is incomplete.
func (w *Writer) finish() error {
	if w.err != nil {
		return w.err
	}
	if w.left > 0 {
		w.err = fmt.Errorf("cpio: entry is missing %d bytes of data", w.left)
		return w.err
	}
	if w.padding > 0 {
		_, w.err = w.w.Write(make([]byte, w.padding))
		w.padding = 0
	}
	return w.err
}

// Close writes the trailer and flushes. It does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	if err := w.finish(); err != nil {
		return err
	}
	w.closed = true
	w.writeRaw(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, trailer)
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}
