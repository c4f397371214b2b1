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
// the fix, and an x86 kernel given to qemu-system-aarch64 boots into
// silence.
func checkKernel(path, goarch string) error {
	kernArch, _, err := KernelFileArch(path)
	if err != nil {
		return err
	}
	switch kernArch {
	case goarch:
		return nil
	case "":
		return fmt.Errorf("kernel %s is not a Linux kernel image for %s (no bzImage or Image header, not an ELF vmlinux): give a vmlinuz/bzImage with --kernel, or run pidone kernel fetch", path, goarch)
	}
	return fmt.Errorf("kernel %s is for %s, not %s: give a kernel for %s with --kernel, or boot it with --arch %s", path, kernArch, goarch, goarch, kernArch)
}

// KernelFileArch reads the architecture (GOARCH) and format of the kernel
// image at path, as KernelArch; "" for a file that is no kernel pidone
// boots.
func KernelFileArch(path string) (goarch, format string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("kernel %s: %w", path, fserr.Reason(err))
	}
	defer f.Close()
	head := make([]byte, 0x240)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", "", fmt.Errorf("kernel %s: %w", path, err)
	}
	goarch, format = KernelArch(head[:n])
	return goarch, format, nil
}
