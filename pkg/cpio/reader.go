package cpio

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// Reader reads a newc archive (070701, or 070702 whose checksums it does
// not verify). Next returns the entries in order; Read reads the current
// regular file's data.
type Reader struct {
	r       *bufio.Reader
	left    int64 // unread data of the current entry
	padding int64
	done    bool
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next advances to the next entry and returns its header. It returns
// io.EOF after the trailer.
func (r *Reader) Next() (*Header, error) {
	if r.done {
		return nil, io.EOF
	}
	if _, err := r.r.Discard(int(r.left + r.padding)); err != nil {
		return nil, unexpected(err)
	}
	r.left, r.padding = 0, 0
	var b [headerSize]byte
	if _, err := io.ReadFull(r.r, b[:]); err != nil {
		if err == io.EOF {
			return nil, formatError("archive ends without a trailer")
		}
		return nil, unexpected(err)
	}
	magic := string(b[:6])
	if magic != magicNewc && magic != magicCRC {
		return nil, formatError("no cpio magic (found %q; want %q, the newc format)", magic, magicNewc)
	}
	var f [13]uint32
	for i := range f {
		v, err := strconv.ParseUint(string(b[6+8*i:14+8*i]), 16, 32)
		if err != nil {
			return nil, formatError("bad header field %q", b[6+8*i:14+8*i])
		}
		f[i] = uint32(v)
	}
	namesize := int64(f[11])
	if namesize == 0 || namesize > maxName {
		return nil, formatError("name size %d out of range", namesize)
	}
	name := make([]byte, namesize+pad(headerSize+namesize))
	if _, err := io.ReadFull(r.r, name); err != nil {
		return nil, unexpected(err)
	}
	if name[namesize-1] != 0 {
		return nil, formatError("name is not NUL-terminated")
	}
	h := &Header{
		Ino: f[0], Mode: f[1], UID: f[2], GID: f[3], NLink: f[4], ModTime: int64(f[5]),
		Size: int64(f[6]), DevMajor: f[7], DevMinor: f[8], RDevMajor: f[9], RDevMinor: f[10],
		Name: string(name[:namesize-1]),
	}
	if h.Name == trailer {
		r.done = true
		return nil, io.EOF
	}
	r.left, r.padding = h.Size, pad(h.Size)
	if h.Type() == TypeSymlink {
		if h.Size > maxName {
			return nil, formatError("%s: symlink target of %d bytes", h.Name, h.Size)
		}
		target := make([]byte, h.Size)
		if _, err := io.ReadFull(r, target); err != nil {
			return nil, unexpected(err)
		}
		h.Linkname, h.Size = string(target), 0
	}
	return h, nil
}

// Read reads the current entry's data.
func (r *Reader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.r.Read(p)
	r.left -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func unexpected(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: archive is truncated", ErrFormat)
	}
	return err
}
