package utillinux

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "mount", Usage: "[-rw] [-t TYPE] [-o OPTS] [--bind] [SRC] DIR", Summary: "mount a filesystem, or list mounts", Run: mount, Quick: true})

// mountFlag is what one option word does to mount(2)'s flags.
type mountFlag struct {
	name       string
	set, clear uintptr
}

// mountFlags are the options the kernel takes as flags rather than as
// data, as util-linux's libmount names them. Tables here are slices of
// constants, which the linker lays out, rather than maps, which would
// be built at every start of the guest binary.
var mountFlags = []mountFlag{
	{name: "ro", set: unix.MS_RDONLY},
	{name: "rw", clear: unix.MS_RDONLY},
	{name: "nosuid", set: unix.MS_NOSUID},
	{name: "suid", clear: unix.MS_NOSUID},
	{name: "nodev", set: unix.MS_NODEV},
	{name: "dev", clear: unix.MS_NODEV},
	{name: "noexec", set: unix.MS_NOEXEC},
	{name: "exec", clear: unix.MS_NOEXEC},
	{name: "sync", set: unix.MS_SYNCHRONOUS},
	{name: "async", clear: unix.MS_SYNCHRONOUS},
	{name: "dirsync", set: unix.MS_DIRSYNC},
	{name: "remount", set: unix.MS_REMOUNT},
	{name: "bind", set: unix.MS_BIND},
	{name: "rbind", set: unix.MS_BIND | unix.MS_REC},
	{name: "mand", set: unix.MS_MANDLOCK},
	{name: "nomand", clear: unix.MS_MANDLOCK},
	{name: "atime", clear: unix.MS_NOATIME},
	{name: "noatime", set: unix.MS_NOATIME},
	{name: "diratime", clear: unix.MS_NODIRATIME},
	{name: "nodiratime", set: unix.MS_NODIRATIME},
	{name: "relatime", set: unix.MS_RELATIME},
	{name: "norelatime", clear: unix.MS_RELATIME},
	{name: "strictatime", set: unix.MS_STRICTATIME},
	{name: "nostrictatime", clear: unix.MS_STRICTATIME},
	{name: "lazytime", set: unix.MS_LAZYTIME},
	{name: "nolazytime", clear: unix.MS_LAZYTIME},
	{name: "iversion", set: unix.MS_I_VERSION},
	{name: "noiversion", clear: unix.MS_I_VERSION},
	{name: "nosymfollow", set: unix.MS_NOSYMFOLLOW},
	{name: "symfollow", clear: unix.MS_NOSYMFOLLOW},
	{name: "silent", set: unix.MS_SILENT},
	{name: "loud", clear: unix.MS_SILENT},
}

// findMountFlag returns the flag option w, if it is one.
func findMountFlag(w string) (mountFlag, bool) {
	for _, f := range mountFlags {
		if f.name == w {
			return f, true
		}
	}
	return mountFlag{}, false
}

// mountPropagations are the options that change a mount's propagation.
// The kernel takes them only alone, in a mount(2) call of their own.
var mountPropagations = []struct {
	name string
	flag uintptr
}{
	{"shared", unix.MS_SHARED},
	{"private", unix.MS_PRIVATE},
	{"slave", unix.MS_SLAVE},
	{"unbindable", unix.MS_UNBINDABLE},
	{"rshared", unix.MS_SHARED | unix.MS_REC},
	{"rprivate", unix.MS_PRIVATE | unix.MS_REC},
	{"rslave", unix.MS_SLAVE | unix.MS_REC},
	{"runbindable", unix.MS_UNBINDABLE | unix.MS_REC},
}

// mountPropagation returns the propagation flags of option w, if it
// is one.
func mountPropagation(w string) (uintptr, bool) {
	for _, p := range mountPropagations {
		if p.name == w {
			return p.flag, true
		}
	}
	return 0, false
}

// mountFstabOnly reports whether w is an option for mount(8) and
// /etc/fstab, never for the kernel: passed on as data, most filesystems
// would refuse them.
func mountFstabOnly(w string) bool {
	switch w {
	case "defaults", "auto", "noauto", "user", "nouser", "users", "owner", "group", "nofail", "_netdev":
		return true
	}
	return false
}

type mountOptions struct {
	flags uintptr // MS_* for mount(2)
	prop  uintptr // MS_SHARED and the like, applied by a second mount(2)
	data  string  // the filesystem's own options, comma-separated
}

// parseMountOptions splits "-o" text into flags and data. Later words win
// ("ro,rw" is rw). Commas inside double quotes do not split, for values
// like context="a,b".
func parseMountOptions(s string) mountOptions {
	var o mountOptions
	var data []string
	for _, w := range mountSplit(s) {
		if f, ok := findMountFlag(w); ok {
			o.flags = o.flags&^f.clear | f.set
			continue
		}
		if p, ok := mountPropagation(w); ok {
			o.prop = p
			continue
		}
		if mountFstabOnly(w) || strings.HasPrefix(w, "x-") || strings.HasPrefix(w, "comment=") {
			continue
		}
		data = append(data, w)
	}
	o.data = strings.Join(data, ",")
	return o
}

func mountSplit(s string) []string {
	var words []string
	start, quoted := 0, false
	for i := 0; i <= len(s); i++ {
		switch {
		case i < len(s) && s[i] == '"':
			quoted = !quoted
		case i == len(s) || (s[i] == ',' && !quoted):
			if i > start {
				words = append(words, s[start:i])
			}
			start = i + 1
		}
	}
	return words
}

func mount(e *cmds.Env, args []string) error {
	var f cmds.Flags
	types := f.String('t', "types", "", "filesystem type(s), comma-separated")
	opts := f.Strings('o', "options", "options, comma-separated")
	ro := f.Bool('r', "read-only", "mount read-only")
	rw := f.Bool('w', "rw", "mount read-write")
	bind := f.Bool('B', "bind", "bind a directory elsewhere")
	rbind := f.Bool('R', "rbind", "bind a directory and the mounts under it")
	f.Bool('n', "no-mtab", "accepted for compatibility: there is no /etc/mtab")
	f.Bool('v', "verbose", "accepted for compatibility")
	makes := make([]*bool, len(mountPropagations))
	for i, p := range mountPropagations {
		makes[i] = f.Bool(0, "make-"+p.name, "make the mount "+p.name)
	}
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	words := strings.Join(*opts, ",")
	for i, on := range makes {
		if *on {
			words += "," + mountPropagations[i].name
		}
	}
	switch {
	case *bind:
		words += ",bind"
	case *rbind:
		words += ",rbind"
	}
	if *ro {
		words += ",ro"
	}
	if *rw {
		words += ",rw"
	}
	o := parseMountOptions(words)

	// Remounts and propagation changes act on a mount point alone.
	remount := o.flags&unix.MS_REMOUNT != 0
	alone := remount || (o.prop != 0 && o.flags == 0 && o.data == "" && *types == "")
	switch {
	case len(ops) == 0 && !alone:
		return mountList(e, *types)
	case len(ops) == 0:
		return cmds.Usagef("missing mount point")
	case len(ops) == 1 && alone:
		return mountAlone(e.Path(ops[0]), *types, words)
	case len(ops) == 1:
		return cmds.Usagef("%s: need a source and a mount point (there is no /etc/fstab to look it up)", ops[0])
	case len(ops) > 2:
		return cmds.Usagef("too many operands")
	case remount: // "mount -o remount,ro SRC DIR": the source is not needed
		return mountAlone(e.Path(ops[1]), *types, words)
	}
	src, dir := ops[0], e.Path(ops[1])
	// Only a bind's source is surely a path; others may be names (proc,
	// tmpfs, a 9p tag) unless written as relative paths.
	if o.flags&unix.MS_BIND != 0 || strings.HasPrefix(src, ".") {
		src = e.Path(src)
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: mount point does not exist (mkdir it first)", dir)
	}
	return mountNew(src, dir, *types, o)
}

func mountList(e *cmds.Env, types string) error {
	ms, err := cmds.Mounts()
	if err != nil {
		return err
	}
	want := strings.Split(types, ",")
	var b strings.Builder
	for _, m := range ms {
		if types == "" || slices.Contains(want, m.Type) {
			fmt.Fprintf(&b, "%s on %s type %s (%s)\n", m.Source, m.Dir, m.Type, m.Opts)
		}
	}
	_, err = e.Stdout.Write([]byte(b.String()))
	return err
}

// mountAlone remounts dir or changes its propagation.
func mountAlone(dir, fstype, words string) error {
	o := parseMountOptions(words)
	if o.flags&unix.MS_REMOUNT != 0 {
		// A remount sets every per-mount flag: "remount,ro" alone would
		// also drop nosuid or noexec. Start from the current ones, as
		// util-linux does.
		if ms, err := cmds.Mounts(); err == nil {
			o = parseMountOptions(mountFlagWords(ms, dir) + "," + words)
		}
		if err := unix.Mount("", dir, fstype, o.flags, o.data); err != nil {
			return mountErr(err, "", dir, fstype)
		}
	}
	return mountPropagate(dir, o.prop)
}

// mountFlagWords returns the flag options of the mount on dir, the
// topmost if there are several.
func mountFlagWords(ms []cmds.MountEntry, dir string) string {
	var words []string
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Dir == filepath.Clean(dir) {
			for _, w := range mountSplit(ms[i].Opts) {
				if _, ok := findMountFlag(w); ok {
					words = append(words, w)
				}
			}
			break
		}
	}
	return strings.Join(words, ",")
}

func mountPropagate(dir string, prop uintptr) error {
	if prop == 0 {
		return nil
	}
	if err := unix.Mount("", dir, "", prop, ""); err != nil {
		return mountErr(err, "", dir, "")
	}
	return nil
}

// mountNew mounts src on dir. Without a type it tries each one the
// kernel knows, as busybox does, since there is no blkid to ask.
func mountNew(src, dir, types string, o mountOptions) error {
	if o.flags&unix.MS_BIND != 0 {
		if err := unix.Mount(src, dir, "", o.flags, o.data); err != nil {
			return mountErr(err, src, dir, "")
		}
		// The kernel ignores ro, nosuid and the like on a new bind; they
		// take a remount of the bind.
		if rest := o.flags &^ (unix.MS_BIND | unix.MS_REC); rest != 0 {
			if err := unix.Mount("", dir, "", rest|unix.MS_BIND|unix.MS_REMOUNT, ""); err != nil {
				return mountErr(err, src, dir, "")
			}
		}
		return mountPropagate(dir, o.prop)
	}
	var try []string
	explicit := types != "" && types != "auto"
	if explicit {
		try = strings.Split(types, ",")
	} else {
		b, err := os.ReadFile("/proc/filesystems")
		if err != nil {
			return fmt.Errorf("%s: cannot guess the filesystem type: %s; name it with -t", src, cmds.Message(err))
		}
		block, nodev := parseFilesystems(string(b))
		// "mount tmpfs /mnt" and "mount proc /proc" name their type.
		try = block
		if slices.Contains(nodev, src) {
			try = []string{src}
		}
	}
	flags := o.flags
	if !explicit && len(try) > 1 {
		// Each wrong guess would log its complaint in the kernel log.
		flags |= unix.MS_SILENT
	}
	var last error
	for _, t := range try {
		err := unix.Mount(src, dir, t, flags, o.data)
		if err == nil {
			return mountPropagate(dir, o.prop)
		}
		if explicit || len(try) == 1 {
			last = mountErr(err, src, dir, t)
			continue
		}
		// EINVAL and ENODEV only say "not this type"; anything else
		// is about the source or the mount point and ends the search.
		if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENODEV) {
			return mountErr(err, src, dir, "")
		}
	}
	if last != nil {
		return last
	}
	return fmt.Errorf("%s: no filesystem type fits %s (tried %s); name it with -t", dir, src, strings.Join(try, ", "))
}

// parseFilesystems splits /proc/filesystems into the types that need a
// device and those that do not ("nodev").
func parseFilesystems(s string) (block, nodev []string) {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 1:
			block = append(block, f[0])
		case len(f) == 2 && f[0] == "nodev":
			nodev = append(nodev, f[1])
		}
	}
	return block, nodev
}

// mountErr words mount(2)'s errors the way mount(8) does: the errno
// alone rarely says which of source, mount point or options is wrong.
func mountErr(err error, src, dir, fstype string) error {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return err
	}
	switch errno {
	case unix.EPERM, unix.EACCES:
		return cmds.RootHint(&fs.PathError{Op: "mount", Path: dir, Err: errno})
	case unix.ENODEV:
		if fstype != "" {
			return fmt.Errorf("unknown filesystem type '%s'", fstype)
		}
	case unix.ENOTBLK:
		if fi, err := os.Stat(src); err == nil && fi.Mode().IsRegular() {
			return fmt.Errorf("%s: not a block device (loop devices are not supported)", src)
		}
		return fmt.Errorf("%s: not a block device", src)
	case unix.EBUSY:
		if src == "" {
			return fmt.Errorf("%s: mount point busy", dir)
		}
		return fmt.Errorf("%s: %s already mounted or mount point busy", dir, src)
	case unix.ENOENT:
		if src != "" {
			return &fs.PathError{Op: "mount", Path: src, Err: errno}
		}
	case unix.EINVAL:
		if src == "" {
			return fmt.Errorf("%s: not a mount point, or bad option", dir)
		}
		return fmt.Errorf("%s: wrong fs type, bad option or bad superblock on %s (dmesg may say which)", dir, src)
	}
	return &fs.PathError{Op: "mount", Path: dir, Err: errno}
}
