package bootdiag

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"pidone.dev/pkg/cpio"
)

// ImageKernels lists the kernel releases an initramfs has modules for
// (its lib/modules/RELEASE directories), reading the archive on the host:
// plain, gzip or zstd.
func ImageKernels(initrd string) ([]string, error) {
	f, err := os.Open(initrd)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	magic, _ := br.Peek(4)
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	seen := map[string]bool{}
	cr := cpio.NewReader(r)
	for {
		h, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rest, ok := strings.CutPrefix(strings.TrimPrefix(h.Name, "/"), "lib/modules/")
		if !ok {
			continue
		}
		if v, _, _ := strings.Cut(rest, "/"); v != "" {
			seen[v] = true
		}
	}
	var out []string
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out, nil
}

// CheckModules says, before a boot, whether the initramfs's modules are
// for another kernel than release (the kernel's uname -r): then no driver
// could load, and devices would be missing. It returns nil when they
// match, when the image has no modules, or when either is unknown.
func CheckModules(initrd, release string) *Diagnosis {
	if initrd == "" || release == "" {
		return nil
	}
	have, err := ImageKernels(initrd)
	if err != nil || len(have) == 0 {
		return nil
	}
	for _, v := range have {
		if v == release {
			return nil
		}
	}
	return &Diagnosis{
		Cause: fmt.Sprintf("The image's kernel modules are for kernel %s, not for %s, the one booted, so no driver module can load.", strings.Join(have, ", "), release),
		Fix:   "Build the image for the kernel you boot (pidone build --kernel K), or boot the kernel the image was built for.",
	}
}
