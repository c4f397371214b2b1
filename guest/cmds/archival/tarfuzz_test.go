package archival

import (
	"archive/tar"
	"bytes"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// tarSeeds are archives of the kinds the unit tests read: ustar with a
// prefix, pax records, GNU long names and base-256 numbers, and what
// our own writer makes.
func tarSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	long := strings.Repeat("p", 90) + "/" + strings.Repeat("q", 90)
	tw.WriteHeader(&tar.Header{Name: long, Mode: 0o644, Size: 2, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
	tw.Write([]byte("us"))
	tw.WriteHeader(&tar.Header{Name: "pax/x", Mode: 0o600, Size: 3, Typeflag: tar.TypeReg, Format: tar.FormatPAX,
		PAXRecords: map[string]string{"path": "pax/" + strings.Repeat("x", 200), "mtime": "1.5"}})
	tw.Write([]byte("pax"))
	tw.WriteHeader(&tar.Header{Name: "gnu/" + strings.Repeat("y", 150), Linkname: strings.Repeat("z", 120), Typeflag: tar.TypeSymlink, Format: tar.FormatGNU})
	tw.WriteHeader(&tar.Header{Name: "big", Mode: 0o644, Typeflag: tar.TypeReg, Uid: 1 << 22, Format: tar.FormatGNU})
	tw.Close()
	seeds = append(seeds, b.Bytes())

	b = bytes.Buffer{}
	tw = tar.NewWriter(&b)
	for _, n := range []string{"/abs", "../up", "a/../../b", "ok"} {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
	}
	tw.WriteHeader(&tar.Header{Name: "evil", Linkname: "/etc", Typeflag: tar.TypeSymlink})
	tw.WriteHeader(&tar.Header{Name: "d/h", Linkname: "d/f", Typeflag: tar.TypeLink})
	tw.Close()
	seeds = append(seeds, b.Bytes())

	b = bytes.Buffer{}
	ow := &tarWriter{w: &b}
	ow.WriteHeader(&tarHeader{Name: "d/" + strings.Repeat("n", 120), Type: tarReg, Mode: 0o644, Size: 4})
	ow.Write([]byte("long"))
	ow.WriteHeader(&tarHeader{Name: "d/l", Linkname: strings.Repeat("t", 130), Type: tarSymlink})
	ow.WriteHeader(&tarHeader{Name: "d/c", Type: tarChar, DevMajor: 4, DevMinor: 1})
	ow.Close()
	seeds = append(seeds, b.Bytes())
	return seeds
}

// tarExtractName is the name tar x makes an entry under: safeName's
// stripping, the trailing slash gone, then --strip-components.
func tarExtractName(name string, strip int) string {
	rest, _ := stripUnsafe(name)
	if rest == "" || rest == "/" {
		return ""
	}
	rest = strings.TrimSuffix(rest, "/")
	if strip > 0 {
		rest = tarStrip(rest, strip)
	}
	return rest
}

// checkInside fails unless name, joined to a destination as extraction
// joins it (absolute names are taken as they are), stays inside it.
func checkInside(t *testing.T, orig, name string) {
	t.Helper()
	if name == "" {
		return
	}
	const dest = "/dest"
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(dest, p)
	}
	if p != dest && !strings.HasPrefix(p, dest+"/") {
		t.Errorf("%q extracts as %q, to %q: outside %s", orig, name, p, dest)
	}
}

func FuzzTarReader(f *testing.F) {
	for _, s := range tarSeeds(f) {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Add(make([]byte, 1024), false)
	f.Fuzz(func(t *testing.T, data []byte, fixSums bool) {
		if fixSums {
			// Most mutations fail the checksum; mend them to reach
			// the parsing behind it.
			data = bytes.Clone(data)
			for i := 0; i+tarBlock <= len(data); i += tarBlock {
				tw := &tarWriter{}
				copy(tw.block[:], data[i:])
				tw.checksum()
				copy(data[i:], tw.block[:])
			}
		}
		tr := &tarReader{r: bytes.NewReader(data)}
		var got int64
		for i := 0; ; i++ {
			h, err := tr.Next()
			if err != nil {
				break
			}
			if i > len(data)/tarBlock {
				t.Fatalf("more headers than blocks")
			}
			if h.Size < 0 {
				t.Errorf("%q: negative size %d", h.Name, h.Size)
			}
			n, err := io.Copy(io.Discard, tr)
			got += n
			if err == nil && n != h.Size {
				t.Errorf("%q: read %d of size %d without error", h.Name, n, h.Size)
			}
			for strip := 0; strip < 3; strip++ {
				checkInside(t, h.Name, tarExtractName(h.Name, strip))
			}
		}
		if got > int64(len(data)) {
			t.Errorf("read %d bytes of data from %d", got, len(data))
		}
	})
}

func FuzzTarSafeName(f *testing.F) {
	for _, s := range []string{"/abs", "../up", "a/../../b", "ok", "a//b", "..", "a/..", "./x", "//x/../y/", "d/", "a/./../b"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, name string, strip int) {
		rest, dropped := stripUnsafe(name)
		if dropped+rest != name {
			t.Errorf("%q: dropped %q, kept %q", name, dropped, rest)
		}
		checkInside(t, name, rest)
		checkInside(t, name, tarExtractName(name, strip%8))
	})
}

// A size field the input cannot back is never allocated: a GNU long
// name saying 2^40 bytes fails without reading it.
func TestTarHugeSizes(t *testing.T) {
	var hdr [tarBlock]byte
	copy(hdr[:], "././@LongLink")
	hdr[124] = 0x80
	hdr[128] = 1 // base-256 2^40
	hdr[156] = tarGNULong
	copy(hdr[257:], "ustar  \x00")
	tw := &tarWriter{}
	copy(tw.block[:], hdr[:])
	tw.checksum()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := (&tarReader{r: bytes.NewReader(tw.block[:])}).Next()
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Errorf("a 2^40-byte long name was read")
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Errorf("allocated %d bytes", d)
	}

}
