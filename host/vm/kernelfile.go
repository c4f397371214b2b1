package vm

import (
	"errors"
	"fmt"
	"io"
	"os"

	"pidone.dev/pkg/fserr"
)

// checkKernel makes sure path is a kernel QEMU can boot for goarch before
// QEMU is started: QEMU's own message for a text file given as -kernel
// ("linux kernel too old to load a ram disk") names neither the file nor
// the fix.
func checkKernel(path, goarch string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("kernel %s: %w", path, fserr.Reason(err))
	}
	defer f.Close()
	head := make([]byte, 0x240)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("kernel %s: %w", path, err)
	}
	if KernelFormat(head[:n], goarch) == "" {
		return fmt.Errorf("kernel %s is not a Linux kernel image for %s (no bzImage header, not an ELF vmlinux): give a vmlinuz/bzImage with --kernel, or run pidone kernel fetch", path, goarch)
	}
	return nil
}

// KernelFormat names the kind of kernel image whose first bytes are head
// ("bzImage", "ELF", "Image"), or "" if it is none that goarch boots.
func KernelFormat(head []byte, goarch string) string {
	at := func(off int, magic string) bool {
		return len(head) >= off+len(magic) && string(head[off:off+len(magic)]) == magic
	}
	if at(0, "\x7fELF") {
		// A vmlinux: QEMU boots x86 ones through their PVH note, and
		// the other architectures' directly.
		return "ELF"
	}
	switch goarch {
	case "amd64", "386":
		// The x86 boot protocol's header signature.
		if at(0x202, "HdrS") {
			return "bzImage"
		}
	case "arm64":
		if at(0x38, "ARM\x64") {
			return "Image"
		}
	case "riscv64":
		if at(0x30, "RISCV\x00\x00\x00") || at(0x38, "RSC\x05") {
			return "Image"
		}
	}
	return ""
}
