package coreutils

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

// What hexdump and xxd share: reading the operands as one stream after
// a skip and up to a length, a line at a time.

// dumpInput is the files of a dump, read in turn as one stream.
type dumpInput struct {
	e     *cmds.Env
	files []string
	r     io.Reader
	c     io.Closer
	left  int64 // bytes still to give; -1: all
	skip  int64
}

func (d *dumpInput) Read(p []byte) (int, error) {
	for {
		if d.left == 0 {
			return 0, io.EOF
		}
		if d.r == nil {
			if len(d.files) == 0 {
				return 0, io.EOF
			}
			name := d.files[0]
			d.files = d.files[1:]
			r, err := d.e.Open(name)
			if err != nil {
				d.e.Warn(err)
				continue
			}
			d.r, d.c = r, r
		}
		if d.skip > 0 {
			n, err := io.CopyN(io.Discard, d.r, d.skip)
			d.skip -= n
			if err != nil && err != io.EOF {
				return 0, err
			}
			if d.skip > 0 {
				d.c.Close()
				d.r = nil
				continue
			}
		}
		if d.left > 0 && int64(len(p)) > d.left {
			p = p[:d.left]
		}
		n, err := d.r.Read(p)
		if d.left > 0 {
			d.left -= int64(n)
		}
		if err == io.EOF {
			d.c.Close()
			d.r = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

// readFull fills buf from r, short only at the end.
func readFull(r io.Reader, buf []byte) (int, error) {
	n, err := io.ReadFull(r, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return n, err
}

// parseCount reads a C-style number (0x hex, 0 octal) with BusyBox's
// suffixes: b (512), k (1024), m (1048576).
func parseCount(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "b"):
		mult, s = 512, s[:len(s)-1]
	case strings.HasSuffix(s, "k"):
		mult, s = 1024, s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		mult, s = 1<<20, s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid number %s", cmds.Quote(s))
	}
	return n * mult, nil
}

func printableByte(c byte) byte {
	if c >= 0x20 && c < 0x7f {
		return c
	}
	return '.'
}
