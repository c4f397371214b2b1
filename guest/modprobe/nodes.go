package modprobe

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"pidone.dev/pkg/kmod"
)

// StaticNodes makes the device nodes that the image's modules declare
// (modules.devname) under root's /dev, as kmod static-nodes and
// systemd-tmpfiles do at boot: /dev/net/tun, /dev/fuse, /dev/loop-control
// exist before their modules are loaded, and opening one makes the kernel
// ask for its module ("char-major-10-200"), which /sbin/modprobe loads.
// release "" asks uname. Nodes that exist are left as they are; each is
// made 0600, as kmod makes them. It returns the nodes it made, as paths
// under /dev.
func StaticNodes(root, release string) ([]string, error) {
	if release == "" {
		var u unix.Utsname
		if err := unix.Uname(&u); err != nil {
			return nil, err
		}
		release = unix.ByteSliceToString(u.Release[:])
	}
	f, err := os.Open(filepath.Join(root, "lib/modules", release, kmod.DevnameFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ds, err := kmod.ParseDevname(f)
	if err != nil {
		return nil, err
	}
	var made []string
	var errs []error
	for _, d := range ds {
		dev := "/dev/" + d.Name
		p := filepath.Join(root, filepath.FromSlash(dev))
		mode := uint32(unix.S_IFCHR)
		if d.Type == 'b' {
			mode = unix.S_IFBLK
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		err := unix.Mknod(p, mode|0o600, int(unix.Mkdev(d.Major, d.Minor)))
		switch {
		case err == nil:
			made = append(made, dev)
		case errors.Is(err, unix.EEXIST):
		default:
			errs = append(errs, fmt.Errorf("%s (%s's): %w", dev, d.Module, err))
		}
	}
	if len(errs) > 0 {
		return made, fmt.Errorf("device nodes: %w", errors.Join(errs...))
	}
	return made, nil
}
