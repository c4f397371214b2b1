package archival

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The tar format, as much of it as tar needs: ustar headers, GNU's long
// names ("././@LongLink", types L and K) both ways, and POSIX pax
// records (path, linkpath, size, mtime, uid, gid, uname, gname) read.
// archive/tar would cost the guest 120 KB for the same.

const tarBlock = 512

// Type flags.
const (
	tarReg      = '0'
	tarLink     = '1'
	tarSymlink  = '2'
	tarChar     = '3'
	tarBlockDev = '4'
	tarDir      = '5'
	tarFifo     = '6'
	tarGNULong  = 'L'
	tarGNULink  = 'K'
	tarPAX      = 'x'
	tarPAXGlob  = 'g'
)

// tarHeader is one entry. Mode holds the permission bits only; Type
// says what the entry is.
type tarHeader struct {
	Name, Linkname string
	Type           byte
	Mode           uint32
	UID, GID       int
	Uname, Gname   string
	Size           int64
	ModTime        int64
	DevMajor       uint32
	DevMinor       uint32
}

var errTarShort = errors.New("short read")

// tarReader reads entries; after Next, Read gives the entry's data.
type tarReader struct {
	r       io.Reader
	left    int64 // unread data of the entry
	padding int64
	block   [tarBlock]byte
}

// Next returns the next entry, or io.EOF at the end of the archive.
func (tr *tarReader) Next() (*tarHeader, error) {
	var longName, longLink string
	pax := map[string]string{}
	for {
		if err := tr.skip(); err != nil {
			return nil, err
		}
		if _, err := io.ReadFull(tr.r, tr.block[:]); err != nil {
			if err == io.EOF {
				return nil, io.EOF // an archive that just stops, as some writers make
			}
			return nil, errTarShort
		}
		b := tr.block[:]
		if bytes.Count(b, []byte{0}) == tarBlock {
			return nil, io.EOF
		}
		if !tarChecksumOK(b) {
			return nil, errors.New("invalid tar header checksum")
		}
		h := &tarHeader{
			Name:     tarString(b[0:100]),
			Mode:     uint32(tarNumber(b[100:108]) & 0o7777),
			UID:      int(tarNumber(b[108:116])),
			GID:      int(tarNumber(b[116:124])),
			Size:     tarNumber(b[124:136]),
			ModTime:  tarNumber(b[136:148]),
			Type:     b[156],
			Linkname: tarString(b[157:257]),
		}
		if h.Size < 0 {
			return nil, errors.New("invalid tar header size")
		}
		if string(b[257:262]) == "ustar" {
			h.Uname, h.Gname = tarString(b[265:297]), tarString(b[297:329])
			h.DevMajor, h.DevMinor = uint32(tarNumber(b[329:337])), uint32(tarNumber(b[337:345]))
			if prefix := tarString(b[345:500]); prefix != "" && string(b[257:263]) == "ustar\x00" {
				h.Name = prefix + "/" + h.Name
			}
		}
		if h.Type == 0 {
			h.Type = tarReg
		}
		tr.left, tr.padding = h.Size, -h.Size&(tarBlock-1)
		switch h.Type {
		case tarGNULong, tarGNULink, tarPAX, tarPAXGlob:
			if h.Size > 1<<20 {
				return nil, errors.New("tar extended header too long")
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return nil, err
			}
			switch h.Type {
			case tarGNULong:
				longName = tarString(data)
			case tarGNULink:
				longLink = tarString(data)
			case tarPAX:
				tarParsePAX(string(data), pax)
			}
			continue
		}
		if longName != "" {
			h.Name = longName
		}
		if longLink != "" {
			h.Linkname = longLink
		}
		for k, v := range pax {
			n, _ := strconv.ParseInt(strings.SplitN(v, ".", 2)[0], 10, 64)
			switch k {
			case "path":
				h.Name = v
			case "linkpath":
				h.Linkname = v
			case "size":
				if n < 0 {
					return nil, errors.New("invalid tar header size")
				}
				h.Size, tr.left, tr.padding = n, n, -n&(tarBlock-1)
			case "mtime":
				h.ModTime = n
			case "uid":
				h.UID = int(n)
			case "gid":
				h.GID = int(n)
			case "uname":
				h.Uname = v
			case "gname":
				h.Gname = v
			}
		}
		if h.Type >= tarLink && h.Type <= tarFifo {
			// Header-only types carry no data whatever their size says,
			// as archive/tar reads them.
			h.Size, tr.left, tr.padding = 0, 0, 0
		}
		return h, nil
	}
}

// Read reads the entry's data.
func (tr *tarReader) Read(p []byte) (int, error) {
	if tr.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > tr.left {
		p = p[:tr.left]
	}
	n, err := tr.r.Read(p)
	tr.left -= int64(n)
	if err == io.EOF && tr.left > 0 {
		err = errTarShort
	}
	return n, err
}

// skip passes over what is left of the entry.
func (tr *tarReader) skip() error {
	if n := tr.left + tr.padding; n > 0 {
		if _, err := io.CopyN(io.Discard, tr.r, n); err != nil {
			return errTarShort
		}
	}
	tr.left, tr.padding = 0, 0
	return nil
}

func tarString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// tarNumber reads an octal field, or GNU's base-256 for large ones.
func tarNumber(b []byte) int64 {
	if len(b) > 0 && b[0]&0x80 != 0 {
		n := int64(b[0] & 0x3f)
		if b[0]&0x40 != 0 {
			n -= 0x40 // negative
		}
		for _, c := range b[1:] {
			n = n<<8 | int64(c)
		}
		return n
	}
	s := strings.Trim(tarString(b), " ")
	n, _ := strconv.ParseInt(s, 8, 64)
	return n
}

// tarChecksumOK accepts the unsigned sum and the signed one some old
// writers made.
func tarChecksumOK(b []byte) bool {
	want := tarNumber(b[148:156])
	var u, s int64
	for i, c := range b {
		if i >= 148 && i < 156 {
			c = ' '
		}
		u += int64(c)
		s += int64(int8(c))
	}
	return want == u || want == s
}

// tarParsePAX reads "LEN key=value\n" records into pax.
func tarParsePAX(s string, pax map[string]string) {
	for s != "" {
		lenStr, _, ok := strings.Cut(s, " ")
		n, err := strconv.Atoi(lenStr)
		if !ok || err != nil || n <= len(lenStr) || n > len(s) {
			return
		}
		rec := strings.TrimSuffix(s[len(lenStr)+1:n], "\n")
		if k, v, ok := strings.Cut(rec, "="); ok {
			pax[k] = v
		}
		s = s[n:]
	}
}

// tarWriter writes entries in the format BusyBox's tar writes: GNU's
// "ustar  " magic, octal numbers, long names as ././@LongLink entries.
type tarWriter struct {
	w       io.Writer
	left    int64 // data still owed for the entry
	padding int64
	block   [tarBlock]byte
}

// WriteHeader starts an entry; a regular file's Size bytes follow with
// Write.
func (tw *tarWriter) WriteHeader(h *tarHeader) error {
	if tw.left != 0 {
		return errors.New("tar: entry data incomplete")
	}
	if len(h.Linkname) > 100 {
		if err := tw.writeLong(tarGNULink, h.Linkname); err != nil {
			return err
		}
	}
	if len(h.Name) > 100 {
		if err := tw.writeLong(tarGNULong, h.Name); err != nil {
			return err
		}
	}
	b := tw.block[:]
	clear(b)
	copy(b[0:100], h.Name)
	tarOctal(b[100:108], int64(h.Mode&0o7777))
	tarOctal(b[108:116], int64(h.UID))
	tarOctal(b[116:124], int64(h.GID))
	size := int64(0)
	if h.Type == tarReg {
		size = h.Size
	}
	if err := tarPutNumber(b[124:136], size); err != nil {
		return fmt.Errorf("%s: %w", h.Name, err)
	}
	tarOctal(b[136:148], max(h.ModTime, 0))
	b[156] = h.Type
	copy(b[157:257], h.Linkname)
	copy(b[257:265], "ustar  \x00")
	copy(b[265:297], h.Uname)
	copy(b[297:329], h.Gname)
	if h.Type == tarChar || h.Type == tarBlockDev {
		tarOctal(b[329:337], int64(h.DevMajor))
		tarOctal(b[337:345], int64(h.DevMinor))
	}
	tw.checksum()
	if _, err := tw.w.Write(b); err != nil {
		return err
	}
	tw.left, tw.padding = size, -size&(tarBlock-1)
	return nil
}

// writeLong writes a GNU long name or link target entry, as BusyBox's
// writeLongname does.
func (tw *tarWriter) writeLong(typ byte, name string) error {
	b := tw.block[:]
	clear(b)
	copy(b, "././@LongLink")
	tarOctal(b[100:108], 0)
	tarOctal(b[108:116], 0)
	tarOctal(b[116:124], 0)
	tarOctal(b[124:136], int64(len(name))+1)
	tarOctal(b[136:148], 0)
	b[156] = typ
	copy(b[257:265], "ustar  \x00")
	tw.checksum()
	data := make([]byte, (len(name)+1+tarBlock-1)/tarBlock*tarBlock)
	copy(data, name)
	if _, err := tw.w.Write(b); err != nil {
		return err
	}
	_, err := tw.w.Write(data)
	return err
}

// Write writes the current entry's data, and the padding after its end.
func (tw *tarWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > tw.left {
		return 0, errors.New("tar: write too long")
	}
	n, err := tw.w.Write(p)
	tw.left -= int64(n)
	if err == nil && tw.left == 0 && tw.padding > 0 {
		_, err = tw.w.Write(make([]byte, tw.padding))
		tw.padding = 0
	}
	return n, err
}

// Close writes the end of the archive: two zero blocks, as BusyBox.
func (tw *tarWriter) Close() error {
	if tw.left != 0 {
		return errors.New("tar: entry data incomplete")
	}
	_, err := tw.w.Write(make([]byte, 2*tarBlock))
	return err
}

func (tw *tarWriter) checksum() {
	b := tw.block[:]
	copy(b[148:156], "        ")
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	tarOctal(b[148:155], sum)
	b[155] = ' '
}

// tarOctal writes n in octal, zero-padded, ending in NUL, as BusyBox's
// putOctal does.
func tarOctal(b []byte, n int64) {
	s := strconv.FormatInt(n, 8)
	if len(s) >= len(b) {
		s = s[len(s)-len(b)+1:]
	}
	copy(b, strings.Repeat("0", len(b)-1-len(s))+s)
	b[len(b)-1] = 0
}

// tarPutNumber writes a size: octal while it fits, base-256 beyond.
func tarPutNumber(b []byte, n int64) error {
	if n < 1<<(3*(len(b)-1)) {
		tarOctal(b, n)
		return nil
	}
	for i := len(b) - 1; i > 0; i-- {
		b[i] = byte(n)
		n >>= 8
	}
	b[0] = 0x80
	return nil
}
