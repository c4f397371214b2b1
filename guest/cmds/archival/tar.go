package archival

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "tar", Usage: "c|x|t [-zvkmoOhpP] [-f FILE] [-C DIR] [--exclude PATTERN]... [--strip-components N] [FILE]...", Summary: "create, extract or list tar archives", Run: tarCmd})

// tarCmd follows BusyBox's. Names lose a leading "/" and anything up to a
// "../" on the way in and out ("removing leading '/' from member
// names"), as BusyBox's do with no flag to keep them; -P (GNU's
// --absolute-names) keeps them. Symlinks that point up or out, and hard
// links, are made after everything else. Owners are restored by
// number, as root only; modes as root or with -p; times unless -m.
// "tar tvf" lists as BusyBox does (hard links as "-> target"). Reading,
// a gzip stream is found by its magic even without -z.
func tarCmd(e *cmds.Env, args []string) error {
	// "tar xvf FILE": a first word without "-" is letters whose f (and
	// C) take the next words; moving f last makes it "-xvf FILE".
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		first := strings.Replace(args[0], "f", "", 1)
		if strings.Contains(args[0], "f") {
			first += "f"
		}
		args = append([]string{"-" + first}, args[1:]...)
	}
	var f cmds.Flags
	create := f.Bool('c', "create", "create an archive")
	extract := f.Bool('x', "extract", "extract files")
	list := f.Bool('t', "list", "list the contents")
	file := f.String('f', "file", "-", "the archive; - is standard input or output")
	dir := f.String('C', "directory", "", "change to DIR first")
	gz := f.Bool('z', "gzip", "compress or decompress with gzip")
	verbose := f.Count('v', "verbose", "list the files (twice: in long form)")
	keepOld := f.Bool('k', "keep-old-files", "do not replace existing files")
	noTimes := f.Bool('m', "touch", "do not restore modification times")
	noOwner := f.Bool('o', "no-same-owner", "do not restore owners")
	toStdout := f.Bool('O', "to-stdout", "extract files to standard output")
	deref := f.Bool('h', "dereference", "archive what symlinks point to")
	perms := f.Bool('p', "same-permissions", "restore modes (root always does)")
	absolute := f.Bool('P', "absolute-names", "keep leading / and .. in names")
	excludes := f.Strings(0, "exclude", "leave out files matching PATTERN")
	strip := f.Int(0, "strip-components", 0, "drop N leading elements of names on extraction")
	f.Bool(0, "numeric-owner", "owners by number (always so)")
	f.Bool(0, "overwrite", "replace existing files (the default)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	n := 0
	for _, b := range []bool{*create, *extract, *list} {
		if b {
			n++
		}
	}
	if n != 1 {
		return cmds.Usagef("exactly one of c, x and t")
	}
	for i, op := range ops {
		if len(op) > 1 {
			ops[i] = strings.TrimSuffix(op, "/")
		}
	}
	t := &tarRun{e: e, verbose: *verbose, absolute: *absolute, excludes: *excludes}
	if *list {
		t.verbose++
	}
	t.base = e.Path(".")
	if *dir != "" {
		t.base = e.Path(*dir)
	}
	if *create {
		if len(ops) == 0 {
			return errors.New("empty archive")
		}
		return t.create(*file, *gz, *deref, ops)
	}
	x := &extractor{e: e, dir: t.base, makeDirs: true, unlinkOld: true, keepOld: *keepOld,
		owners: os.Geteuid() == 0 && !*noOwner, perms: os.Geteuid() == 0 || *perms, times: !*noTimes}
	if *dir != "" {
		if fi, err := os.Stat(t.base); err != nil || !fi.IsDir() {
			if err == nil {
				err = unix.ENOTDIR
			}
			return fmt.Errorf("can't change directory to '%s': %s", *dir, cmds.Message(errnoOf(err)))
		}
	}
	return t.read(*file, *gz, *extract, *toStdout, *strip, x, ops)
}

type tarRun struct {
	e        *cmds.Env
	base     string // -C's directory, resolved
	verbose  int
	absolute bool
	excludes []string
	warned   bool
	failed   bool
}

// safeName is stripUnsafe, with BusyBox's one warning.
func (t *tarRun) safeName(name string) string {
	if t.absolute {
		return name
	}
	rest, dropped := stripUnsafe(name)
	if dropped != "" && !t.warned {
		t.warned = true
		fmt.Fprintf(t.e.Stderr, "tar: removing leading '%s' from member names\n", dropped)
	}
	return rest
}

// excluded matches --exclude patterns as BusyBox's exclude_file does:
// against the whole name and every tail of it that starts an element,
// a match of leading elements being enough.
func (t *tarRun) excluded(name string) bool {
	for _, pat := range t.excludes {
		if strings.HasPrefix(pat, "/") {
			if cmds.Fnmatch(pat, name, cmds.FnmPathname|cmds.FnmLeadingDir) {
				return true
			}
			continue
		}
		for i := 0; i < len(name); i++ {
			if (i == 0 || name[i-1] == '/') && name[i] != '/' &&
				cmds.Fnmatch(pat, name[i:], cmds.FnmPathname|cmds.FnmLeadingDir) {
				return true
			}
		}
	}
	return false
}

// create writes the archive of ops.
func (t *tarRun) create(file string, gz, deref bool, ops []string) error {
	var out io.Writer = t.e.Stdout
	verboseOut := t.e.Stdout
	var self unix.Stat_t
	if file == "-" {
		verboseOut = t.e.Stderr // the archive is on standard output
		if f, ok := t.e.Stdout.(*os.File); ok {
			unix.Fstat(int(f.Fd()), &self)
		}
	} else {
		f, err := os.OpenFile(t.e.Path(file), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
		if err != nil {
			return fmt.Errorf("can't open '%s': %s", file, cmds.Message(errnoOf(err)))
		}
		defer f.Close()
		unix.Fstat(int(f.Fd()), &self)
		out = f
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	var zw *gzip.Writer
	w := io.Writer(bw)
	if gz {
		zw, _ = gzip.NewWriterLevel(bw, gzip.DefaultCompression)
		zw.OS = 3
		w = zw
	}
	c := &tarCreate{tarRun: t, tw: &tarWriter{w: w}, deref: deref, self: self, verboseOut: verboseOut,
		links: map[[2]uint64]string{}, users: cmds.AccountNames(false), groups: cmds.AccountNames(true)}
	for _, op := range ops {
		if err := c.add(op, true); err != nil {
			return err
		}
	}
	err := c.tw.Close()
	if zw != nil && err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return err
	}
	if t.failed {
		return errors.New("error exit delayed from previous errors")
	}
	return nil
}

type tarCreate struct {
	*tarRun
	tw            *tarWriter
	deref         bool
	self          unix.Stat_t
	verboseOut    io.Writer
	links         map[[2]uint64]string // dev, ino → first name, for hard links
	users, groups map[int]string
}

func (c *tarCreate) warn(err error) {
	c.e.Warn(err)
	c.failed = true
}

// add archives name and, for a directory, what it holds. Only a write
// error of the archive is returned: the rest are reported and skipped.
func (c *tarCreate) add(name string, top bool) error {
	full := name
	if !strings.HasPrefix(name, "/") {
		full = c.base + "/" + name
	}
	var st unix.Stat_t
	var err error
	if c.deref {
		err = unix.Stat(full, &st)
	} else {
		err = unix.Lstat(full, &st)
	}
	if err != nil {
		c.warn(cmds.NamedErr(name, err))
		return nil
	}
	hname := c.safeName(name)
	if hname != "" && c.excluded(hname) {
		return nil
	}
	typ := st.Mode & unix.S_IFMT
	switch {
	case typ == unix.S_IFSOCK:
		c.warn(fmt.Errorf("%s: socket ignored", name))
		return nil
	case st.Dev == c.self.Dev && st.Ino == c.self.Ino && c.self.Ino != 0:
		c.warn(fmt.Errorf("%s: file is the archive; skipping", name))
		return nil
	}
	if hname != "" {
		h := &tarHeader{Name: hname, Mode: st.Mode & 0o7777, UID: int(st.Uid), GID: int(st.Gid),
			ModTime: max(int64(st.Mtim.Sec), 0), Uname: cmds.IDName(c.users, int(st.Uid)), Gname: cmds.IDName(c.groups, int(st.Gid))}
		var data *os.File
		key := [2]uint64{st.Dev, st.Ino}
		first, isLink := c.links[key]
		switch {
		case typ != unix.S_IFDIR && st.Nlink > 1 && isLink:
			h.Type, h.Linkname = tarLink, first
		case typ == unix.S_IFREG:
			if st.Nlink > 1 {
				c.links[key] = hname
			}
			if data, err = os.Open(full); err != nil {
				c.warn(cmds.NamedErr(name, errnoOf(err)))
				return nil
			}
			defer data.Close()
			h.Type, h.Size = tarReg, st.Size
		case typ == unix.S_IFLNK:
			if h.Linkname, err = os.Readlink(full); err != nil {
				c.warn(cmds.NamedErr(name, errnoOf(err)))
				return nil
			}
			h.Type = tarSymlink
		case typ == unix.S_IFDIR:
			h.Type = tarDir
			if len(h.Name) < 100 {
				h.Name += "/"
			}
		case typ == unix.S_IFCHR || typ == unix.S_IFBLK:
			h.Type = tarChar
			if typ == unix.S_IFBLK {
				h.Type = tarBlockDev
			}
			h.DevMajor, h.DevMinor = unix.Major(st.Rdev), unix.Minor(st.Rdev)
		case typ == unix.S_IFIFO:
			h.Type = tarFifo
		default:
			c.warn(fmt.Errorf("%s: unknown file type", name))
			return nil
		}
		if err := c.tw.WriteHeader(h); err != nil {
			return err
		}
		if data != nil {
			// The size is in the header already: a file that shrank is
			// an error, as in BusyBox, and one that grew is cut.
			if _, err := io.CopyN(c.tw, data, h.Size); err != nil {
				if errors.Is(err, io.EOF) {
					return fmt.Errorf("%s: short read", name)
				}
				return err
			}
		}
		if c.verbose > 0 {
			slash := ""
			if typ == unix.S_IFDIR {
				slash = "/"
			}
			fmt.Fprintf(c.verboseOut, "%s%s\n", hname, slash)
		}
	}
	if typ != unix.S_IFDIR {
		return nil
	}
	d, err := os.Open(full)
	if err != nil {
		c.warn(cmds.NamedErr(name, errnoOf(err)))
		return nil
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		c.warn(cmds.NamedErr(name, errnoOf(err)))
	}
	for _, n := range names {
		child := name + "/" + n
		if strings.HasSuffix(name, "/") {
			child = name + n
		}
		if err := c.add(child, false); err != nil {
			return err
		}
	}
	return nil
}

// read lists or extracts the archive.
func (t *tarRun) read(file string, gz, extract, toStdout bool, strip int, x *extractor, ops []string) error {
	in := t.e.Input()
	if file != "-" {
		f, err := os.Open(t.e.Path(file))
		if err != nil {
			return fmt.Errorf("can't open '%s': %s", file, cmds.Message(errnoOf(err)))
		}
		defer f.Close()
		in = f
	}
	br := bufio.NewReaderSize(in, 64<<10)
	src := io.Reader(br)
	if magic, _ := br.Peek(2); gz || string(magic) == "\x1f\x8b" {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return errors.New("invalid magic")
		}
		src = zr
	}
	tr := &tarReader{r: src}
	seen := make([]bool, len(ops))
	out := t.e.BufOut()
	defer out.Flush()
	headers := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Flush()
			return err
		}
		headers++
		name := t.safeName(h.Name)
		if name == "" || name == "/" {
			continue
		}
		if t.excluded(name) || !tarWanted(strings.TrimSuffix(name, "/"), ops, seen) {
			continue
		}
		if t.verbose == 1 {
			out.WriteString(name + "\n")
		} else if t.verbose > 1 {
			t.listLong(out, h, name)
		}
		if !extract {
			continue
		}
		if toStdout {
			if h.Type == tarReg || h.Type == '7' {
				out.Flush()
				if _, err := io.Copy(t.e.Stdout, tr); err != nil {
					return err
				}
			}
			continue
		}
		en := entry{name: strings.TrimSuffix(name, "/"), perm: h.Mode, uid: h.UID, gid: h.GID, mtime: h.ModTime,
			link: h.Linkname, rdev: unix.Mkdev(h.DevMajor, h.DevMinor)}
		if strip > 0 {
			if en.name = tarStrip(en.name, strip); en.name == "" {
				continue
			}
			if h.Type == tarLink {
				if en.link = tarStrip(en.link, strip); en.link == "" {
					continue
				}
			}
		}
		switch h.Type {
		case tarReg, '7', 0:
			en.typ = unix.S_IFREG
		case tarLink:
			en.typ, en.hardlink = unix.S_IFREG, true
			// A hard link's target is a member name too: "/etc/passwd"
			// or "../x" must not link a file from outside the
			// directory into it (GNU tar strips them as well; BusyBox
			// does not).
			if en.link = t.safeName(en.link); en.link == "" {
				continue
			}
		case tarSymlink:
			en.typ = unix.S_IFLNK
		case tarDir:
			en.typ = unix.S_IFDIR
		case tarChar:
			en.typ = unix.S_IFCHR
		case tarBlockDev:
			en.typ = unix.S_IFBLK
		case tarFifo:
			en.typ = unix.S_IFIFO
		default:
			out.Flush()
			return fmt.Errorf("unknown typeflag: 0x%x", h.Type)
		}
		out.Flush()
		if err := x.extract(&en, tr); err != nil {
			return err
		}
	}
	out.Flush()
	if err := x.finish(); err != nil {
		return err
	}
	if headers == 0 {
		return cmds.ExitStatus(1) // an empty file is no archive, silently as BusyBox
	}
	for i, op := range ops {
		if !seen[i] {
			return fmt.Errorf("%s: not found in archive", op)
		}
	}
	return nil
}

// tarWanted reports whether name is one of ops or under one, and marks
// it seen.
func tarWanted(name string, ops []string, seen []bool) bool {
	if len(ops) == 0 {
		return true
	}
	for i, op := range ops {
		if name == op || strings.HasPrefix(name, op+"/") || cmds.Fnmatch(op, name, cmds.FnmPathname|cmds.FnmLeadingDir) {
			seen[i] = true
			return true
		}
	}
	return false
}

// tarStrip drops n leading elements of name, or all of it. Repeated
// slashes separate one element: "a//b" less one is "b", not "/b",
// which extraction would take as an absolute path.
func tarStrip(name string, n int) string {
	for ; n > 0; n-- {
		_, rest, ok := strings.Cut(name, "/")
		if rest = strings.TrimLeft(rest, "/"); !ok || rest == "" {
			return ""
		}
		name = rest
	}
	return name
}

// listLong writes tar tv's line, as BusyBox's header_verbose_list.
func (t *tarRun) listLong(w *bufio.Writer, h *tarHeader, name string) {
	typ := map[byte]uint32{tarDir: unix.S_IFDIR, tarSymlink: unix.S_IFLNK, tarChar: unix.S_IFCHR,
		tarBlockDev: unix.S_IFBLK, tarFifo: unix.S_IFIFO}[h.Type]
	if typ == 0 {
		typ = unix.S_IFREG
	}
	user, group := h.Uname, h.Gname
	if user == "" {
		user = fmt.Sprint(h.UID)
	}
	if group == "" {
		group = fmt.Sprint(h.GID)
	}
	tm := time.Unix(h.ModTime, 0)
	fmt.Fprintf(w, "%s %s/%s %9d %4d-%02d-%02d %02d:%02d:%02d %s", cmds.ModeLetters(typ|h.Mode), user, group, h.Size,
		tm.Year(), tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), name)
	if h.Linkname != "" && (h.Type == tarLink || h.Type == tarSymlink) {
		fmt.Fprintf(w, " -> %s", h.Linkname)
	}
	w.WriteString("\n")
}
