package coreutils

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "ls", Usage: "[-1ACFRSadhilnrt] [--color[=WHEN]] [FILE]...", Summary: "list directory contents", Run: ls, Quick: true})

type lsEntry struct {
	name   string // as shown: the operand, or the name in its directory
	path   string // what to stat and read
	fi     fs.FileInfo
	st     *syscall.Stat_t
	target string      // symlink target
	tfi    fs.FileInfo // what the symlink points to; nil if dangling
}

type lister struct {
	e                                  *cmds.Env
	w                                  *bufio.Writer
	long, all, almost, human, one, dir bool
	recursive, byTime, bySize, reverse bool
	classify, inode, numeric, columns  bool
	blocks, slash, noOwner, fullTime   bool // -s, -p, -g, --full-time
	follow, followTop                  bool // -L, -H
	timeKind                           byte // 'c' with -c, 'u' with -u
	color, tty                         bool
	width                              int
	names                              ownerNames
	now                                time.Time
	loc                                *time.Location // TZ's
	printed                            bool           // a section is out: the next needs a blank line
}

func ls(e *cmds.Env, args []string) error {
	var f cmds.Flags
	l := &lister{e: e, now: time.Now(), loc: zone(e)}
	long := f.Bool('l', "", "long listing")
	all := f.Bool('a', "all", "include names starting with .")
	almost := f.Bool('A', "almost-all", "like -a without . and ..")
	human := f.Bool('h', "human-readable", "sizes like 1.5K")
	one := f.Bool('1', "", "one name per line")
	cols := f.Bool('C', "", "list in columns")
	dir := f.Bool('d', "directory", "list directories themselves")
	rec := f.Bool('R', "recursive", "list subdirectories too")
	byTime := f.Bool('t', "", "sort by time, newest first")
	bySize := f.Bool('S', "", "sort by size, largest first")
	rev := f.Bool('r', "reverse", "reverse the order")
	classify := f.Bool('F', "classify", "append / * @ | = to names")
	inode := f.Bool('i', "inode", "show inode numbers")
	numeric := f.Bool('n', "numeric-uid-gid", "numeric owner and group")
	blocks := f.Bool('s', "size", "show allocated blocks, in kibibytes")
	slash := f.Bool('p', "", "append / to directory names")
	noOwner := f.Bool('g', "", "long listing without the owner")
	follow := f.Bool('L', "dereference", "follow symlinks")
	followTop := f.Bool('H', "dereference-command-line", "follow symlinks given as operands")
	f.Bool('c', "", "status change time for -l and -t")
	f.Bool('u', "", "access time for -l and -t")
	fullTime := f.Bool(0, "full-time", "long listing with the full date and time")
	color := f.String(0, "color", "auto", "colour names: never, always or auto")
	colour := f.String(0, "colour", "", "same as --color")
	ops, err := f.Parse(cmds.BareColor(args))
	if err != nil {
		return err
	}
	if *colour != "" {
		*color = *colour
	}
	l.long, l.all, l.almost, l.human, l.one, l.dir = *long || *numeric, *all, *almost, *human, *one, *dir
	l.recursive, l.byTime, l.bySize, l.reverse = *rec && !*dir, *byTime, *bySize, *rev
	l.classify, l.inode, l.numeric = *classify, *inode, *numeric
	l.blocks, l.slash, l.noOwner, l.fullTime = *blocks, *slash, *noOwner, *fullTime
	l.long = l.long || *noOwner || *fullTime
	l.follow, l.followTop = *follow, *followTop
	switch lastLetter(args, "cu") {
	case 'c':
		l.timeKind = 'c'
	case 'u':
		l.timeKind = 'u'
	}
	l.tty = e.Terminal()
	switch *color {
	case "always", "yes", "force":
		l.color = true
	case "auto", "tty", "if-tty":
		l.color = l.tty
	case "never", "no", "none":
	default:
		return cmds.Usagef("invalid --color argument %q", *color)
	}
	l.columns = !l.long && !l.one && (*cols || l.tty)
	if l.columns {
		l.width = lsWidth(e)
	}
	l.w = e.BufOut()
	defer l.w.Flush()

	if len(ops) == 0 {
		ops = []string{"."}
	}
	var files, dirs []*lsEntry
	for _, op := range ops {
		ent, err := l.operand(op)
		if err != nil {
			e.Warn(err)
			continue
		}
		if ent.fi.IsDir() && !l.dir {
			dirs = append(dirs, ent)
		} else {
			files = append(files, ent)
		}
	}
	l.sort(files)
	l.sort(dirs)
	if len(files) > 0 {
		l.print(files, false)
		l.printed = true
	}
	headers := len(ops) > 1 || l.recursive
	for _, d := range dirs {
		if err := l.listDir(d.name, d.path, headers); err != nil {
			return err
		}
	}
	return nil
}

// operand stats a command-line name. Symlinks named there are followed
// unless the listing is about the names themselves (-l, -d, -F), as in GNU.
func (l *lister) operand(op string) (*lsEntry, error) {
	p := l.e.Path(op)
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, l.e.OpErr(err, op)
	}
	if fi.Mode()&fs.ModeSymlink != 0 && (l.follow || l.followTop || !l.long && !l.dir && !l.classify) {
		if tfi, err := os.Stat(p); err == nil {
			fi = tfi
		}
	}
	return l.entry(op, p, fi), nil
}

func (l *lister) entry(name, path string, fi fs.FileInfo) *lsEntry {
	ent := &lsEntry{name: name, path: path, fi: fi, st: cmds.RawStat(fi)}
	if fi.Mode()&fs.ModeSymlink != 0 && (l.long || l.color || l.classify) {
		ent.target, _ = os.Readlink(path)
		ent.tfi, _ = os.Stat(path)
	}
	return ent
}

func (l *lister) listDir(name, path string, header bool) error {
	if err := l.e.Context().Err(); err != nil {
		return err
	}
	ents, err := l.readDir(name, path)
	if err != nil {
		l.e.Warn(err)
		return nil
	}
	if l.printed {
		l.w.WriteByte('\n')
	}
	l.printed = true
	if header {
		l.w.WriteString(name + ":\n")
	}
	l.sort(ents)
	l.print(ents, true)
	if !l.recursive {
		return nil
	}
	for _, ent := range ents {
		if !ent.fi.IsDir() || ent.name == "." || ent.name == ".." {
			continue
		}
		sub := name + "/" + ent.name
		if strings.HasSuffix(name, "/") {
			sub = name + ent.name
		}
		if err := l.listDir(sub, ent.path, true); err != nil {
			return err
		}
	}
	return nil
}

func (l *lister) readDir(name, path string) ([]*lsEntry, error) {
	des, err := os.ReadDir(path)
	if err != nil && len(des) == 0 {
		return nil, cmds.ShownErr(err, path, name)
	}
	if err != nil {
		l.e.Warn(cmds.ShownErr(err, path, name))
	}
	var ents []*lsEntry
	if l.all {
		for _, dot := range []string{".", ".."} {
			if fi, err := os.Lstat(filepath.Join(path, dot)); err == nil {
				ents = append(ents, l.entry(dot, filepath.Join(path, dot), fi))
			}
		}
	}
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".") && !l.all && !l.almost {
			continue
		}
		fi, err := de.Info()
		if err != nil { // gone since we read the directory
			continue
		}
		if l.follow && fi.Mode()&fs.ModeSymlink != 0 {
			if tfi, err := os.Stat(filepath.Join(path, de.Name())); err == nil {
				fi = tfi
			}
		}
		ents = append(ents, l.entry(de.Name(), filepath.Join(path, de.Name()), fi))
	}
	return ents, nil
}

func (l *lister) sort(ents []*lsEntry) {
	less := func(a, b *lsEntry) bool {
		switch {
		case l.bySize && a.fi.Size() != b.fi.Size():
			return a.fi.Size() > b.fi.Size()
		case l.byTime && !l.timeOf(a).Equal(l.timeOf(b)):
			return l.timeOf(a).After(l.timeOf(b))
		}
		return a.name < b.name
	}
	sort.SliceStable(ents, func(i, j int) bool {
		if l.reverse {
			return less(ents[j], ents[i])
		}
		return less(ents[i], ents[j])
	})
}

func (l *lister) print(ents []*lsEntry, isDir bool) {
	if isDir && (l.long || l.blocks) {
		// st_blocks counts 512-byte units; ls counts kibibytes.
		var blocks int64 = 1
		for _, ent := range ents {
			blocks += ent.st.Blocks
		}
		if l.human {
			l.w.WriteString("total " + padR(bbHuman(blocks/2*1024, false), 7) + "\n")
		} else {
			l.w.WriteString("total " + strconv.FormatInt(blocks/2, 10) + "\n")
		}
	}
	switch {
	case l.long:
		for _, ent := range ents {
			l.w.WriteString(l.prefix(ent) + l.longLine(ent) + "\n")
		}
	case l.columns:
		l.printColumns(ents)
	default:
		for _, ent := range ents {
			l.w.WriteString(l.prefix(ent) + l.decorated(ent) + "\n")
		}
	}
}

// prefix is what -i and -s put before an entry, in BusyBox's widths.
func (l *lister) prefix(ent *lsEntry) string {
	var s string
	if l.inode {
		s = padL(strconv.FormatUint(ent.st.Ino, 10), 7) + " "
	}
	if l.blocks {
		s += padL(strconv.FormatInt(ent.st.Blocks/2, 10), 6) + " "
	}
	return s
}

// longLine is an entry's -l line, in BusyBox's fixed columns (not GNU's,
// which are as wide as a directory's widest): mode, links, owner and
// group cut to 8 characters, size, time, name.
func (l *lister) longLine(ent *lsEntry) string {
	st := ent.st
	var b strings.Builder
	b.WriteString(padR(cmds.ModeLetters(st.Mode), 10) + " " + padL(strconv.FormatUint(uint64(st.Nlink), 10), 4) + " ")
	owner, group := strconv.FormatUint(uint64(st.Uid), 10), strconv.FormatUint(uint64(st.Gid), 10)
	if !l.numeric {
		owner, group = l.names.user(st.Uid), l.names.group(st.Gid)
		owner, group = owner[:min(8, len(owner))], group[:min(8, len(group))]
	}
	if !l.noOwner {
		b.WriteString(padR(owner, 8) + " ")
	}
	b.WriteString(padR(group, 8) + " ")
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFCHR, syscall.S_IFBLK:
		b.WriteString(padL(strconv.FormatUint(devMajor(st.Rdev), 10), 4) + ", " + padL(strconv.FormatUint(devMinor(st.Rdev), 10), 3) + " ")
	default:
		if l.human {
			b.WriteString(padL(bbHuman(ent.fi.Size(), true), 7) + " ")
		} else {
			b.WriteString(padL(strconv.FormatInt(ent.fi.Size(), 10), 9) + " ")
		}
	}
	b.WriteString(l.date(l.timeOf(ent)) + " " + l.decorated(ent))
	if ent.fi.Mode()&fs.ModeSymlink != 0 {
		b.WriteString(" -> " + l.paint(l.printable(ent.target), ent.tfi, true))
		if (l.classify || l.slash) && ent.tfi != nil {
			b.WriteString(l.indicator(&lsEntry{fi: ent.tfi}, false))
		}
	}
	return b.String()
}

// timeOf is the time -l shows and -t sorts by: the modification time, or
// with -c the status change time, with -u the access time.
func (l *lister) timeOf(ent *lsEntry) time.Time {
	switch l.timeKind {
	case 'c':
		return time.Unix(ent.st.Ctim.Unix())
	case 'u':
		return time.Unix(ent.st.Atim.Unix())
	}
	return ent.fi.ModTime()
}

// bbHuman is BusyBox's make_human_readable_str: a size in bytes, or in
// 1024s with a unit letter and, with frac, a tenth ("4.9K"; "12K"
// without).
func bbHuman(n int64, frac bool) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10)
	}
	v, tenth, unit := uint64(n), uint64(0), 0
	for v >= 1024 {
		tenth = (v%1024*10 + 512) / 1024
		v /= 1024
		unit++
	}
	if tenth >= 10 {
		v, tenth = v+1, 0
	}
	u := string("KMGTPEZY"[unit-1])
	if !frac {
		if tenth >= 5 {
			v++
		}
		return strconv.FormatUint(v, 10) + u
	}
	return strconv.FormatUint(v, 10) + "." + strconv.FormatUint(tenth, 10) + u
}

func padL(s string, w int) string { return strings.Repeat(" ", max(0, w-len(s))) + s }
func padR(s string, w int) string { return s + strings.Repeat(" ", max(0, w-len(s))) }

func (l *lister) size(n int64) string {
	if l.human {
		return cmds.HumanSize(n)
	}
	return strconv.FormatInt(n, 10)
}

// date shows the time of day for files changed in the last six months and
// the year for older ones (or ones in the future), as every ls does.
func (l *lister) date(t time.Time) string {
	t = t.In(l.loc)
	if l.fullTime {
		return t.Format("2006-01-02 15:04:05 -0700")
	}
	// BusyBox's bounds: half a year (of 365 days) back, 15 minutes ahead.
	const halfYear = 365 * 24 * time.Hour / 2
	if age := l.now.Sub(t); age < halfYear && age > -15*time.Minute {
		return t.Format("Jan _2 15:04")
	}
	return t.Format("Jan _2  2006")
}

func (l *lister) printColumns(ents []*lsEntry) {
	if len(ents) == 0 {
		return
	}
	cells := make([]string, len(ents))
	widths := make([]int, len(ents))
	for i, ent := range ents {
		c, w := l.decorated(ent), utf8.RuneCountInString(l.printable(ent.name))+len(l.indicator(ent, false))
		if l.inode {
			ino := strconv.FormatUint(ent.st.Ino, 10) + " "
			c, w = ino+c, w+len(ino)
		}
		cells[i], widths[i] = c, w
	}
	rows, colW := lsLayout(widths, l.width)
	cols := len(colW)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			i := c*rows + r
			if i >= len(cells) {
				break
			}
			l.w.WriteString(cells[i])
			if c+1 < cols && (c+1)*rows+r < len(cells) {
				l.w.WriteString(strings.Repeat(" ", colW[c]-widths[i]))
			}
		}
		l.w.WriteByte('\n')
	}
}

// lsLayout finds the most columns (filled top to bottom) that fit the
// width, each as wide as its widest name plus two spaces.
func lsLayout(widths []int, width int) (rows int, colW []int) {
	n := len(widths)
	for cols := min(n, max(1, width/3)); cols > 1; cols-- {
		rows = (n + cols - 1) / cols
		used := (n + rows - 1) / rows
		colW = make([]int, used)
		total := 0
		for c := 0; c < used; c++ {
			for r := 0; r < rows && c*rows+r < n; r++ {
				colW[c] = max(colW[c], widths[c*rows+r]+2)
			}
			total += colW[c]
		}
		if total-2 <= width {
			return rows, colW
		}
	}
	return n, []int{0}
}

// decorated is an entry's name as listed: coloured, with its -F mark.
func (l *lister) decorated(ent *lsEntry) string {
	fi := ent.fi
	if fi.Mode()&fs.ModeSymlink != 0 && ent.tfi == nil && l.color {
		return lsPaint("40;31;01", l.printable(ent.name)) + l.indicator(ent, l.long)
	}
	return l.paint(l.printable(ent.name), fi, false) + l.indicator(ent, l.long)
}

// indicator is the -F mark; in long listings symlinks show their target
// instead of "@".
func (l *lister) indicator(ent *lsEntry, long bool) string {
	if !l.classify {
		if l.slash && ent.fi.IsDir() {
			return "/"
		}
		return ""
	}
	m := ent.fi.Mode()
	switch {
	case m.IsDir():
		return "/"
	case m&fs.ModeSymlink != 0:
		if long {
			return ""
		}
		return "@"
	case m&fs.ModeNamedPipe != 0:
		return "|"
	case m&fs.ModeSocket != 0:
		return "="
	case m.IsRegular() && m&0o111 != 0:
		return "*"
	}
	return ""
}

// paint colours name by the type of fi with GNU's default colours.
func (l *lister) paint(name string, fi fs.FileInfo, target bool) string {
	if !l.color {
		return name
	}
	if fi == nil {
		if target {
			return lsPaint("40;31;01", name)
		}
		return name
	}
	m := fi.Mode()
	switch {
	case m.IsDir():
		return lsPaint("01;34", name)
	case m&fs.ModeSymlink != 0:
		return lsPaint("01;36", name)
	case m&fs.ModeNamedPipe != 0:
		return lsPaint("40;33", name)
	case m&fs.ModeSocket != 0:
		return lsPaint("01;35", name)
	case m&fs.ModeDevice != 0:
		return lsPaint("40;33;01", name)
	case m.IsRegular() && m&0o111 != 0:
		return lsPaint("01;32", name)
	}
	return name
}

func lsPaint(code, s string) string { return "\x1b[" + code + "m" + s + "\x1b[0m" }

// printable hides control characters from a terminal, where a name with
// an escape sequence in it could rewrite the screen.
func (l *lister) printable(name string) string {
	if !l.tty {
		return name
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, name)
}

// lsWidth is the terminal's width: $COLUMNS, else the tty's, else 80.
func lsWidth(e *cmds.Env) int {
	if n, err := strconv.Atoi(e.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if n := e.TermWidth(); n > 0 {
		return n
	}
	return 80
}
