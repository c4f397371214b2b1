// Package fsprobe tells which filesystem a disk holds by reading its
// superblock, as blkid does: ext2/3/4, vfat, swap and iso9660, with their
// UUID and label. It only reads, and only a few kilobytes: the guest's
// blkid, lsblk and init use it on block devices, and tests on images.
package fsprobe

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Info is what a superblock says about its filesystem.
type Info struct {
	Type  string // blkid's TYPE: ext2, ext3, ext4, jbd, vfat, swap, iso9660
	UUID  string // as blkid prints it; "" if the filesystem has none
	Label string // "" if none
}

// ErrUnknown means no known superblock was found.
var ErrUnknown = errors.New("no known filesystem")

// Probe reads r's superblocks and returns the first filesystem it
// recognizes, or ErrUnknown. Read errors other than a short read (a
// device smaller than where a superblock would be) are returned.
func Probe(r io.ReaderAt) (Info, error) {
	for _, p := range []func(io.ReaderAt) (Info, bool, error){probeExt, probeSwap, probeISO9660, probeVFAT} {
		info, ok, err := p(r)
		if err != nil {
			return Info{}, err
		}
		if ok {
			return info, nil
		}
	}
	return Info{}, ErrUnknown
}

// readAt reads len(b) bytes at off; ok is false if the device ends first.
func readAt(r io.ReaderAt, b []byte, off int64) (ok bool, err error) {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return true, nil
	}
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return false, nil
	}
	return false, err
}

// ext2/3/4: the superblock is 1024 bytes at offset 1024.
const (
	extSuper = 1024
	extMagic = 0xEF53

	extCompatHasJournal  = 0x0004
	extIncompatJournalDv = 0x0008
	// Features an ext3 driver knows; anything more makes it ext4, the
	// rule blkid follows.
	ext3IncompatSupp = 0x0002 | 0x0004 | 0x0010 // filetype, recover, meta_bg
	ext3ROCompatSupp = 0x0001 | 0x0002 | 0x0004 // sparse_super, large_file, btree_dir
	ext2IncompatSupp = 0x0002 | 0x0010          // filetype, meta_bg
)

func probeExt(r io.ReaderAt) (Info, bool, error) {
	sb := make([]byte, 1024)
	if ok, err := readAt(r, sb, extSuper); !ok {
		return Info{}, false, err
	}
	le := binary.LittleEndian
	if le.Uint16(sb[0x38:]) != extMagic {
		return Info{}, false, nil
	}
	// s_log_block_size: blocks are 1 KiB to 64 KiB. A bigger value is a
	// stray 0xEF53, not a filesystem.
	if le.Uint32(sb[0x18:]) > 6 {
		return Info{}, false, nil
	}
	compat, incompat, roCompat := le.Uint32(sb[0x5C:]), le.Uint32(sb[0x60:]), le.Uint32(sb[0x64:])
	info := Info{UUID: uuidString(sb[0x68:0x78]), Label: cString(sb[0x78:0x88])}
	switch {
	case incompat&extIncompatJournalDv != 0:
		info.Type = "jbd"
	case incompat&^ext3IncompatSupp != 0 || roCompat&^ext3ROCompatSupp != 0:
		info.Type = "ext4"
	case compat&extCompatHasJournal != 0:
		info.Type = "ext3"
	case incompat&^ext2IncompatSupp != 0:
		// Only "recover" without a journal: blkid calls that ext4 too.
		info.Type = "ext4"
	default:
		info.Type = "ext2"
	}
	return info, true, nil
}

// swap: "SWAPSPACE2" ends the first page; Linux's header (UUID, label)
// follows the 1024 boot bytes. Pages are 4 KiB on amd64; larger pages
// are checked too, as blkid does.
func probeSwap(r io.ReaderAt) (Info, bool, error) {
	for _, page := range []int64{4096, 8192, 16384, 65536} {
		magic := make([]byte, 10)
		ok, err := readAt(r, magic, page-10)
		if err != nil {
			return Info{}, false, err
		}
		if !ok {
			break
		}
		if s := string(magic); s != "SWAPSPACE2" && s != "SWAP-SPACE" {
			continue
		}
		info := Info{Type: "swap"}
		if string(magic) == "SWAPSPACE2" {
			hdr := make([]byte, 44)
			if ok, err := readAt(r, hdr, 1024); !ok {
				return Info{}, false, err
			}
			// version, last_page, nr_badpages, then uuid[16], volume_name[16].
			info.UUID = uuidString(hdr[12:28])
			info.Label = cString(hdr[28:44])
		}
		return info, true, nil
	}
	return Info{}, false, nil
}

// iso9660: the primary volume descriptor is sector 16 (of 2048 bytes).
func probeISO9660(r io.ReaderAt) (Info, bool, error) {
	pvd := make([]byte, 2048)
	if ok, err := readAt(r, pvd, 16*2048); !ok {
		return Info{}, false, err
	}
	if pvd[0] != 1 || string(pvd[1:6]) != "CD001" {
		return Info{}, false, nil
	}
	info := Info{Type: "iso9660", Label: strings.TrimRight(string(pvd[40:72]), " \x00")}
	// blkid's UUID for an ISO is its modification time, or its creation
	// time when that is all zeros: 2006-01-02-15-04-05-00.
	const zeros = "0000000000000000"
	date := pvd[830:846]
	if string(date) == zeros {
		date = pvd[813:829]
	}
	if s := string(date); digits(date) && s != zeros {
		info.UUID = s[0:4] + "-" + s[4:6] + "-" + s[6:8] + "-" + s[8:10] + "-" + s[10:12] + "-" + s[12:14] + "-" + s[14:16]
	}
	if !utf8.ValidString(info.Label) {
		info.Label = ""
	}
	return info, true, nil
}

// vfat: a boot sector ending in 55 AA whose BIOS parameter block makes
// sense and names a FAT type.
func probeVFAT(r io.ReaderAt) (Info, bool, error) {
	bs := make([]byte, 512)
	if ok, err := readAt(r, bs, 0); !ok {
		return Info{}, false, err
	}
	le := binary.LittleEndian
	if bs[510] != 0x55 || bs[511] != 0xAA {
		return Info{}, false, nil
	}
	sector := int64(le.Uint16(bs[11:]))
	perCluster := int64(bs[13])
	reserved := int64(le.Uint16(bs[14:]))
	fats := int64(bs[16])
	rootEntries := int64(le.Uint16(bs[17:]))
	media := bs[21]
	// A partition table also ends in 55 AA; these fields tell the two apart.
	if sector < 512 || sector > 4096 || sector&(sector-1) != 0 ||
		perCluster == 0 || perCluster&(perCluster-1) != 0 ||
		reserved == 0 || fats == 0 || fats > 4 || (media != 0xF0 && media < 0xF8) {
		return Info{}, false, nil
	}
	var id []byte
	var rootOff, rootLen int64
	switch {
	case string(bs[82:87]) == "FAT32":
		id = bs[67:71]
		// The root directory is a cluster chain; its first cluster is
		// where mkfs.fat puts the volume label.
		dataStart := (reserved + fats*int64(le.Uint32(bs[36:]))) * sector
		rootOff = dataStart + (int64(le.Uint32(bs[44:]))-2)*perCluster*sector
		rootLen = perCluster * sector
	case string(bs[54:59]) == "FAT12" || string(bs[54:59]) == "FAT16" || bs[38] == 0x29:
		id = bs[39:43]
		rootOff = (reserved + fats*int64(le.Uint16(bs[22:]))) * sector
		rootLen = rootEntries * 32
	default:
		return Info{}, false, nil
	}
	info := Info{Type: "vfat"}
	if v := le.Uint32(id); v != 0 {
		info.UUID = fmt.Sprintf("%04X-%04X", v>>16, v&0xFFFF)
	}
	// Like blkid, the label is the root directory's volume entry; the
	// copy in the boot sector is often stale (fatlabel changes only one).
	if rootOff > 0 && rootLen > 0 && rootLen <= 1<<20 {
		dir := make([]byte, rootLen)
		ok, err := readAt(r, dir, rootOff)
		if err != nil {
			return Info{}, false, err
		}
		if ok {
			info.Label = fatVolumeLabel(dir)
		}
	}
	return info, true, nil
}

// fatVolumeLabel finds the volume label entry in a FAT directory.
func fatVolumeLabel(dir []byte) string {
	for i := 0; i+32 <= len(dir); i += 32 {
		e := dir[i : i+32]
		switch {
		case e[0] == 0: // end of directory
			return ""
		case e[0] == 0xE5 || e[11] == 0x0F: // deleted, or a long-name part
			continue
		case e[11]&0x08 != 0:
			l := e[:11]
			if l[0] == 0x05 { // an escaped 0xE5
				l = append([]byte{0xE5}, l[1:]...)
			}
			s := strings.TrimRight(string(l), " \x00")
			if s == "NO NAME" || !utf8.ValidString(s) {
				return ""
			}
			return s
		}
	}
	return ""
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// uuidString formats 16 bytes the usual way; all zeros is no UUID.
func uuidString(b []byte) string {
	zero := true
	for _, c := range b {
		zero = zero && c == 0
	}
	if zero {
		return ""
	}
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// cString is a NUL-padded field as text; invalid UTF-8 counts as none.
func cString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	if !utf8.Valid(b) {
		return ""
	}
	return string(b)
}
