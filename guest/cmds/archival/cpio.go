package archival

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
	"pidone.dev/pkg/cpio"
)

var _ = cmds.Register(&cmds.Cmd{Name: "cpio", Usage: "-i|-t|-o [-dmuv0] [-H newc] [-F FILE] [PATTERN]...", Summary: "copy files into or out of a newc cpio archive", Run: cpioCmd})

// cpioCmd follows BusyBox's cpio on pkg/cpio's reader and writer: -o
// takes names from standard input and needs -H newc; -i keeps a file
// already there that is as new unless -u, makes leading directories
// only with -d, restores times only with -m, and ends with "N blocks"
// on standard error, as -t does. pkg/cpio's Unpack is not used: it
// always replaces files and makes directories, and refuses device nodes,
// where cpio -i must do as the flags say.
func cpioCmd(e *cmds.Env, args []string) error {
	var f cmds.Flags
	in := f.Bool('i', "extract", "extract the archive read from standard input")
	list := f.Bool('t', "list", "list the archive read from standard input")
	out := f.Bool('o', "create", "write an archive of the files named on standard input")
	format := f.String('H', "format", "", "archive format (only newc)")
	file := f.String('F', "file", "", "the archive, instead of standard input or output")
	makeDirs := f.Bool('d', "make-directories", "make leading directories")
	times := f.Bool('m', "preserve-modification-time", "restore modification times")
	uncond := f.Bool('u', "unconditional", "replace files even when newer")
	verbose := f.Bool('v', "verbose", "list the files")
	null := f.Bool('0', "null", "names on standard input end with NUL")
	f.Bool(0, "quiet", "no block count")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if *out {
		if !strings.HasPrefix(*format, "n") {
			return cmds.Usagef("-o needs -H newc")
		}
		w := e.Stdout
		if *file != "" {
			f, err := os.OpenFile(e.Path(*file), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
			if err != nil {
				return fmt.Errorf("can't open '%s': %s", *file, cmds.Message(errnoOf(err)))
			}
			defer f.Close()
			w = f
		}
		return cpioCreate(e, w, *null)
	}
	if !*in && !*list {
		return cmds.Usagef("one of -i, -t and -o")
	}
	r := e.Input()
	if *file != "" {
		f, err := os.Open(e.Path(*file))
		if err != nil {
			return fmt.Errorf("can't open '%s': %s", *file, cmds.Message(errnoOf(err)))
		}
		defer f.Close()
		r = f
	}
	x := &extractor{e: e, makeDirs: *makeDirs, unlinkOld: *uncond, newerOnly: !*uncond,
		owners: os.Geteuid() == 0, perms: true, times: *times}
	if *list {
		x = nil
	}
	return cpioRead(e, r, x, *verbose, ops)
}

// cpioCreate writes the files named on standard input. Hard links come
// last, all but the last name of each without data, as GNU's and
// BusyBox's cpio write them.
func cpioCreate(e *cmds.Env, w io.Writer, null bool) error {
	cw := cpio.NewWriter(w)
	type linked struct {
		h     cpio.Header
		names []string
	}
	var links []*linked
	byIno := map[uint64]*linked{}
	sc := bufio.NewScanner(e.Input())
	sc.Buffer(nil, 1<<20)
	if null {
		sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
			if i := strings.IndexByte(string(data), 0); i >= 0 {
				return i + 1, data[:i], nil
			}
			if atEOF && len(data) > 0 {
				return len(data), data, nil
			}
			return 0, nil, nil
		})
	}
	write := func(h *cpio.Header, name string) error {
		h.Name = name
		if err := cw.WriteHeader(h); err != nil {
			return err
		}
		if h.Type() == cpio.TypeReg && h.Size > 0 {
			f, err := os.Open(e.Path(name))
			if err != nil {
				return cmds.NamedErr(name, errnoOf(err))
			}
			defer f.Close()
			if _, err := io.CopyN(cw, f, h.Size); err != nil {
				return fmt.Errorf("%s: short read", name)
			}
		}
		return nil
	}
	for sc.Scan() {
		name := sc.Text()
		for strings.HasPrefix(name, "./") {
			name = strings.TrimLeft(name[2:], "/")
		}
		if name == "" {
			continue
		}
		var st unix.Stat_t
		if err := unix.Lstat(e.Path(name), &st); err != nil {
			return cmds.NamedErr(name, err)
		}
		h := cpio.Header{Mode: st.Mode, UID: st.Uid, GID: st.Gid, NLink: uint32(st.Nlink), ModTime: max(int64(st.Mtim.Sec), 0),
			DevMajor: unix.Major(st.Dev), DevMinor: unix.Minor(st.Dev), RDevMajor: unix.Major(st.Rdev), RDevMinor: unix.Minor(st.Rdev),
			Ino: uint32(st.Ino)}
		switch h.Type() {
		case cpio.TypeReg:
			h.Size = st.Size
		case cpio.TypeSymlink:
			target, err := os.Readlink(e.Path(name))
			if err != nil {
				return cmds.NamedErr(name, errnoOf(err))
			}
			h.Linkname = target
		}
		if h.Type() != cpio.TypeDir && st.Nlink > 1 {
			l := byIno[st.Ino]
			if l == nil {
				l = &linked{h: h}
				byIno[st.Ino] = l
				links = append(links, l)
			}
			l.names = append(l.names, name)
			continue
		}
		if err := write(&h, name); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for _, l := range links {
		for i, name := range l.names {
			h := l.h
			if i < len(l.names)-1 && h.Type() == cpio.TypeReg {
				h.Size = 0
			}
			if err := write(&h, name); err != nil {
				return err
			}
		}
	}
	return cw.Close()
}

// cpioRead lists or, with x, extracts the archive.
func cpioRead(e *cmds.Env, r io.Reader, x *extractor, verbose bool, patterns []string) error {
	cr := cpio.NewReader(r)
	out := e.BufOut()
	defer out.Flush()
	users, groups := map[int]string{}, map[int]string{} // cpio lists numbers, as BusyBox
	t := &tarRun{e: e}
	var offset int64
	type pending struct {
		en  entry
		ino uint32
	}
	var later []pending         // hard links without data, made at the end
	made := map[uint32]string{} // ino → the name that carries the data
	wanted := func(name string) bool {
		if len(patterns) == 0 {
			return true
		}
		for _, p := range patterns {
			if cmds.Fnmatch(p, name, 0) {
				return true
			}
		}
		return false
	}
	show := func(h *cpio.Header, en *entry) {
		switch {
		case x == nil && verbose:
			th := &tarHeader{Mode: h.Mode & 0o7777, UID: int(h.UID), GID: int(h.GID), Size: h.Size, ModTime: h.ModTime,
				Linkname: h.Linkname, Type: cpioTarType(h.Type())}
			th.Uname, th.Gname = cmds.IDName(users, int(h.UID)), cmds.IDName(groups, int(h.GID))
			t.listLong(out, th, en.name)
		case x == nil || verbose:
			out.WriteString(en.name + "\n")
		}
	}
	for {
		h, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Flush()
			if errors.Is(err, cpio.ErrFormat) {
				return errors.New(strings.TrimPrefix(err.Error(), "cpio: "))
			}
			return err
		}
		size := h.Size
		if h.Type() == cpio.TypeSymlink {
			size = int64(len(h.Linkname))
		}
		offset += (110+int64(len(h.Name))+1+3)&^3 + (size+3)&^3
		name := strings.TrimLeft(h.Name, "/")
		en := entry{name: name, typ: h.Type(), perm: h.Mode & 0o7777, uid: int(h.UID), gid: int(h.GID), mtime: h.ModTime,
			link: h.Linkname, rdev: unix.Mkdev(h.RDevMajor, h.RDevMinor)}
		if h.NLink > 1 && h.Type() == cpio.TypeReg {
			if h.Size == 0 {
				later = append(later, pending{en, h.Ino})
				continue
			}
			made[h.Ino] = name
		}
		if !wanted(name) {
			continue
		}
		if x != nil {
			out.Flush()
			if err := x.extract(&en, cr); err != nil {
				return err
			}
		}
		show(h, &en)
	}
	offset += 124 // the trailer's header and name
	for _, p := range later {
		if !wanted(p.en.name) {
			continue
		}
		if first, ok := made[p.ino]; ok {
			p.en.hardlink, p.en.link = true, first
		} else {
			made[p.ino] = p.en.name // empty files linked together: the first is made
		}
		if x != nil {
			out.Flush()
			if err := x.extract(&p.en, strings.NewReader("")); err != nil {
				return err
			}
		}
		// Not listed, as in BusyBox, whose -t and -v skip these.
	}
	if x != nil {
		if err := x.finish(); err != nil {
			return err
		}
	}
	out.Flush()
	fmt.Fprintf(e.Stderr, "%d blocks\n", (offset+511)/512)
	return nil
}

func cpioTarType(t uint32) byte {
	switch t {
	case cpio.TypeDir:
		return tarDir
	case cpio.TypeSymlink:
		return tarSymlink
	case cpio.TypeChar:
		return tarChar
	case cpio.TypeBlock:
		return tarBlockDev
	case cpio.TypeFifo:
		return tarFifo
	}
	return tarReg
}
