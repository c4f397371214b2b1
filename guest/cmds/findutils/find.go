package findutils

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "find", Usage: "[-HL] [PATH]... [EXPRESSION]", Summary: "search for files in a directory hierarchy", Run: find})

// find follows BusyBox's find, whose expression is simpler than GNU's:
// a list of OR'ed groups of AND'ed tests, "(" ")" nesting a list, and
// "!" inverting the one test after it. Where BusyBox and GNU differ,
// BusyBox's way is kept: -size compares bytes (-size -1 is "under 512
// bytes", not "empty"), -newer compares whole seconds, -type takes one
// letter, and directories are read in the file system's order, not
// sorted.

// Bits of what a test returns.
const (
	findTrue = 1 // the test succeeded
	findSkip = 2 // do not descend into this directory (-prune)
)

// findFile is the file a test looks at.
type findFile struct {
	path string // as printed: the operand, then "/" and names
	full string // resolved against the command's directory
	st   *unix.Stat_t
}

type findTest struct {
	invert bool
	run    func(f *findFile) int
}

// findExpr is an OR of AND groups.
type findExpr [][]*findTest

type finder struct {
	e          *cmds.Env
	w          *bufio.Writer
	expr       findExpr
	needPrint  bool
	follow     bool // -L: every symlink
	followTop  bool // -H: symlinks given as operands
	depthFirst bool
	xdev       bool
	devs       []uint64
	minDepth   int
	maxDepth   int
	now        time.Time
	execs      []*findExec // the -exec ... + ones, flushed at the end
	quit       bool
	failed     bool
}

type findExec struct {
	argv  []string
	plus  bool
	files []string
	size  int
}

func find(e *cmds.Env, args []string) error {
	fd := &finder{e: e, w: e.BufOut(), needPrint: true, maxDepth: int(^uint(0) >> 1), now: time.Now()}
	// -H and -L come first, as options; the paths, then the expression.
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "HLP") == "" {
		fd.follow = fd.follow || strings.Contains(args[0], "L")
		fd.followTop = fd.followTop || strings.Contains(args[0], "H")
		args = args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	n := 0
	for n < len(args) && !strings.HasPrefix(args[n], "-") && args[n] != "!" && args[n] != "(" {
		n++
	}
	paths := args[:n]
	if n == 0 {
		paths = []string{"."}
	}
	expr, err := fd.parse(args[n:])
	if err != nil {
		return err
	}
	fd.expr = expr
	if fd.xdev {
		for _, p := range paths {
			var st unix.Stat_t
			if unix.Stat(e.Path(p), &st) == nil {
				fd.devs = append(fd.devs, st.Dev)
			}
		}
	}
	for _, p := range paths {
		if fd.quit {
			break
		}
		fd.walk(p, 0)
	}
	for _, x := range fd.execs {
		if len(x.files) > 0 && !fd.runExec(x, "") {
			fd.failed = true
		}
	}
	if err := fd.w.Flush(); err != nil {
		return err
	}
	if fd.failed {
		e.Fail()
	}
	return nil
}

// walk visits p and, for a directory, what it holds.
func (fd *finder) walk(p string, depth int) {
	if fd.quit || fd.e.Context().Err() != nil {
		fd.quit = true
		return
	}
	f := &findFile{path: p, full: fd.e.Path(p), st: new(unix.Stat_t)}
	var err error
	if fd.follow || (depth == 0 && fd.followTop) {
		err = unix.Stat(f.full, f.st)
		if errors.Is(err, unix.ENOENT) && unix.Lstat(f.full, f.st) == nil {
			err = nil // a dangling link is still a file to report
		}
	} else {
		err = unix.Lstat(f.full, f.st)
	}
	if err != nil {
		fd.warn(p, err)
		return
	}
	isDir := f.st.Mode&unix.S_IFMT == unix.S_IFDIR
	if !isDir {
		fd.visit(f, depth)
		return
	}
	if !fd.depthFirst && fd.visit(f, depth)&findSkip != 0 {
		return
	}
	if depth < fd.maxDepth && !fd.quit && (!fd.xdev || fd.sameDev(f.st.Dev)) {
		dir, err := os.Open(f.full)
		if err == nil {
			var names []string
			names, err = dir.Readdirnames(-1)
			dir.Close()
			for _, name := range names {
				next := p + "/" + name
				if strings.HasSuffix(p, "/") {
					next = p + name
				}
				fd.walk(next, depth+1)
			}
		}
		if err != nil {
			fd.warn(p, err)
		}
	}
	if fd.depthFirst && !fd.quit {
		fd.visit(f, depth)
	}
}

func (fd *finder) sameDev(dev uint64) bool {
	for _, d := range fd.devs {
		if d == dev {
			return true
		}
	}
	return false
}

// visit applies the expression to f and returns its bits.
func (fd *finder) visit(f *findFile, depth int) int {
	if depth < fd.minDepth || depth > fd.maxDepth {
		return 0
	}
	r := fd.eval(fd.expr, f)
	if r&findTrue != 0 && fd.needPrint && !fd.quit {
		fd.w.WriteString(f.path + "\n")
	}
	return r
}

// eval applies x to f. -quit stops it at once, as BusyBox's exit()
// does: what follows -quit is not done.
func (fd *finder) eval(x findExpr, f *findFile) int {
	r := 0
	for _, group := range x {
		r &^= findTrue
		ok := true
		for _, t := range group {
			v := t.run(f)
			if fd.quit {
				return findSkip
			}
			if t.invert {
				v ^= findTrue
			}
			r |= v &^ findTrue
			if v&findTrue == 0 {
				ok = false
				break
			}
		}
		if ok {
			return r | findTrue
		}
	}
	return r
}

func (fd *finder) warn(p string, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	fd.w.Flush()
	fd.e.Warn(cmds.NamedErr(p, err))
	fd.failed = true
}

// parse compiles the expression, as BusyBox's parse_params does.
func (fd *finder) parse(args []string) (findExpr, error) {
	expr := findExpr{nil}
	invert := false
	add := func(run func(*findFile) int) {
		g := len(expr) - 1
		expr[g] = append(expr[g], &findTest{invert: invert, run: run})
		invert = false
	}
	bool1 := func(b bool) int {
		if b {
			return findTrue
		}
		return 0
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		var arg string
		switch a {
		case "-a", "-and", "-o", "-or", "!", "-not", "(", "-print", "-print0", "-prune", "-quit",
			"-delete", "-empty", "-exec", "-executable", "-follow", "-xdev", "-depth":
		default:
			if !strings.HasPrefix(a, "-") {
				return nil, cmds.Usagef("unrecognized: %s", a)
			}
			if i+1 == len(args) {
				if findTakesArg(a) {
					return nil, fmt.Errorf("%s requires an argument", a)
				}
				return nil, cmds.Usagef("unrecognized: %s", a)
			}
			i++
			arg = args[i]
		}
		switch a {
		case "-follow":
			fd.follow = true
		case "-xdev":
			fd.xdev = true
		case "-depth":
			fd.depthFirst = true
		case "-maxdepth", "-mindepth":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("invalid number '%s'", arg)
			}
			if a == "-maxdepth" {
				fd.maxDepth = n
			} else {
				fd.minDepth = n
			}
		case "-a", "-and":
		case "-o", "-or":
			expr = append(expr, nil)
		case "!", "-not":
			invert = !invert
		case "-print", "-print0":
			fd.needPrint = false
			end := "\n"
			if a == "-print0" {
				end = "\x00"
			}
			add(func(f *findFile) int {
				fd.w.WriteString(f.path + end)
				return findTrue
			})
		case "-prune":
			add(func(*findFile) int { return findTrue | findSkip })
		case "-quit":
			add(func(*findFile) int {
				fd.quit = true
				return findTrue
			})
		case "-delete":
			fd.needPrint = false
			fd.depthFirst = true
			add(func(f *findFile) int {
				var err error
				if f.st.Mode&unix.S_IFMT == unix.S_IFDIR {
					if f.path != "." { // "find . -delete" keeps "."
						err = unix.Rmdir(f.full)
					}
				} else {
					err = unix.Unlink(f.full)
				}
				if err != nil {
					fd.warn(f.path, err)
				}
				return findTrue
			})
		case "-empty":
			add(func(f *findFile) int {
				switch f.st.Mode & unix.S_IFMT {
				case unix.S_IFDIR:
					d, err := os.Open(f.full)
					if err != nil {
						fd.warn(f.path, err)
						return 0
					}
					defer d.Close()
					names, _ := d.Readdirnames(1)
					return bool1(len(names) == 0)
				case unix.S_IFREG:
					return bool1(f.st.Size == 0)
				}
				return 0
			})
		case "-executable":
			add(func(f *findFile) int { return bool1(unix.Access(f.full, unix.X_OK) == nil) })
		case "-exec":
			fd.needPrint = false
			x := &findExec{}
			for i++; ; i++ {
				if i == len(args) {
					return nil, errors.New("-exec requires an argument")
				}
				if args[i] == ";" || args[i] == "+" {
					x.plus = args[i] == "+"
					break
				}
				x.argv = append(x.argv, args[i])
			}
			if len(x.argv) == 0 {
				return nil, errors.New("-exec requires an argument")
			}
			if x.plus {
				n := 0
				for _, s := range x.argv {
					n += strings.Count(s, "{}")
				}
				if n != 1 {
					return nil, errors.New("only one '{}' allowed for -exec +")
				}
				fd.execs = append(fd.execs, x)
			}
			add(func(f *findFile) int {
				if !x.plus {
					return bool1(fd.runExec(x, f.path))
				}
				x.files = append(x.files, f.path)
				x.size += len(f.path) + 9
				if x.size >= 128<<10 {
					return bool1(fd.runExec(x, ""))
				}
				return findTrue
			})
		case "(":
			nested, end := 1, i
			for nested > 0 {
				end++
				if end == len(args) {
					return nil, errors.New("unpaired '('")
				}
				switch args[end] {
				case "(":
					nested++
				case ")":
					nested--
				}
			}
			sub, err := fd.parse(args[i+1 : end])
			if err != nil {
				return nil, err
			}
			add(func(f *findFile) int { return fd.eval(sub, f) })
			i = end
		case "-name", "-iname":
			flags := 0
			if a == "-iname" {
				flags = cmds.FnmCasefold
			}
			add(func(f *findFile) int { return bool1(cmds.Fnmatch(arg, findBase(f.path), flags)) })
		case "-path", "-ipath", "-wholename":
			flags := 0
			if a == "-ipath" {
				flags = cmds.FnmCasefold
			}
			add(func(f *findFile) int { return bool1(cmds.Fnmatch(arg, f.path, flags)) })
		case "-regex":
			expr, err := cmds.TranslateRegexp(arg, false)
			if err != nil {
				return nil, fmt.Errorf("bad regex '%s': %v", arg, err)
			}
			re, err := regexp.Compile("^(?:" + expr + ")$")
			if err != nil {
				return nil, fmt.Errorf("bad regex '%s': %v", arg, err)
			}
			add(func(f *findFile) int { return bool1(re.MatchString(f.path)) })
		case "-type":
			i := -1
			if len(arg) == 1 {
				i = strings.IndexByte("bcdpfls", arg[0])
			}
			if i < 0 {
				return nil, fmt.Errorf("invalid argument '%s' to '-type'", arg)
			}
			mask := []uint32{unix.S_IFBLK, unix.S_IFCHR, unix.S_IFDIR, unix.S_IFIFO, unix.S_IFREG, unix.S_IFLNK, unix.S_IFSOCK}[i]
			add(func(f *findFile) int { return bool1(f.st.Mode&unix.S_IFMT == mask) })
		case "-perm":
			if arg == "" {
				return nil, fmt.Errorf("invalid mode ''")
			}
			op := arg[0]
			m := arg
			if op == '-' || op == '+' || op == '/' {
				m = arg[1:]
			}
			mask, ok := findMode(m)
			if !ok {
				return nil, fmt.Errorf("invalid mode '%s'", m)
			}
			add(func(f *findFile) int {
				switch op {
				case '+', '/':
					return bool1(f.st.Mode&mask != 0)
				case '-':
					return bool1(f.st.Mode&mask == mask)
				}
				return bool1(f.st.Mode&0o7777 == mask)
			})
		case "-mtime", "-atime", "-ctime", "-mmin", "-amin", "-cmin":
			op, n, err := findNumber(arg)
			if err != nil {
				return nil, err
			}
			unit := int64(60)
			if strings.HasSuffix(a, "time") {
				unit = 24 * 60 * 60
			}
			kind := a[1]
			add(func(f *findFile) int {
				t := f.st.Mtim
				switch kind {
				case 'a':
					t = f.st.Atim
				case 'c':
					t = f.st.Ctim
				}
				age := fd.now.Unix() - int64(t.Sec)
				switch op {
				case '+':
					return bool1(age >= (n+1)*unit)
				case '-':
					return bool1(age < n*unit)
				}
				return bool1(age >= n*unit && age < (n+1)*unit)
			})
		case "-newer":
			var st unix.Stat_t
			if err := unix.Stat(fd.e.Path(arg), &st); err != nil {
				return nil, fmt.Errorf("can't stat '%s': %s", arg, cmds.Message(err))
			}
			add(func(f *findFile) int { return bool1(f.st.Mtim.Sec > st.Mtim.Sec) })
		case "-inum":
			n, err := strconv.ParseUint(arg, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("invalid number '%s'", arg)
			}
			add(func(f *findFile) int { return bool1(f.st.Ino == n) })
		case "-user", "-group":
			id, err := findOwner(arg, a == "-group")
			if err != nil {
				return nil, err
			}
			add(func(f *findFile) int {
				if a == "-group" {
					return bool1(f.st.Gid == id)
				}
				return bool1(f.st.Uid == id)
			})
		case "-size":
			if arg == "" {
				return nil, fmt.Errorf("invalid number ''")
			}
			op := arg[0]
			s := arg
			if op == '+' || op == '-' {
				s = arg[1:]
			}
			unit := int64(512)
			if s != "" {
				if u := strings.IndexByte("cwbk", s[len(s)-1]); u >= 0 {
					unit = []int64{1, 2, 512, 1024}[u]
					s = s[:len(s)-1]
				}
			}
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("invalid number '%s'", arg)
			}
			size := n * unit
			add(func(f *findFile) int {
				switch op {
				case '+':
					return bool1(f.st.Size > size)
				case '-':
					return bool1(f.st.Size < size)
				}
				return bool1(f.st.Size == size)
			})
		case "-links":
			op, n, err := findNumber(arg)
			if err != nil {
				return nil, err
			}
			add(func(f *findFile) int {
				l := int64(f.st.Nlink)
				switch op {
				case '+':
					return bool1(l > n)
				case '-':
					return bool1(l < n)
				}
				return bool1(l == n)
			})
		default:
			return nil, cmds.Usagef("unrecognized: %s", a)
		}
	}
	return expr, nil
}

func findTakesArg(a string) bool {
	switch a {
	case "-name", "-iname", "-path", "-ipath", "-wholename", "-regex", "-type", "-perm",
		"-mtime", "-atime", "-ctime", "-mmin", "-amin", "-cmin", "-newer", "-inum",
		"-user", "-group", "-size", "-links", "-mindepth", "-maxdepth":
		return true
	}
	return false
}

// findBase is the name -name matches: the last element, with trailing
// slashes dropped ("find dir/ -name dir" matches), and "/" for "/".
func findBase(p string) string {
	t := strings.TrimRight(p, "/")
	if t == "" {
		return "/"
	}
	return t[strings.LastIndexByte(t, '/')+1:]
}

// findNumber parses [+-]N.
func findNumber(s string) (byte, int64, error) {
	if s == "" {
		return 0, 0, fmt.Errorf("invalid number ''")
	}
	op := s[0]
	if op == '+' || op == '-' {
		s = s[1:]
	}
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil {
		return 0, 0, fmt.Errorf("invalid number '%s'", s)
	}
	return op, int64(n), nil
}

// findMode parses -perm's mode: octal, or symbolic from a mode of 0
// ("u+x", "g=rw,o=r", "a+w").
func findMode(s string) (uint32, bool) {
	if s == "" {
		return 0, false
	}
	if n, err := strconv.ParseUint(s, 8, 32); err == nil {
		return uint32(n), n <= 0o7777
	}
	var mode uint32
	for _, clause := range strings.Split(s, ",") {
		who := uint32(0)
		i := 0
		for ; i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0; i++ {
			who |= []uint32{0o4700, 0o2070, 0o1007, 0o7777}[strings.IndexByte("ugoa", clause[i])]
		}
		if who == 0 {
			who = 0o7777
		}
		if i == len(clause) || strings.IndexByte("+-=", clause[i]) < 0 {
			return 0, false
		}
		for i < len(clause) {
			op := clause[i]
			if strings.IndexByte("+-=", op) < 0 {
				return 0, false
			}
			perm := uint32(0)
			for i++; i < len(clause) && strings.IndexByte("+-=", clause[i]) < 0; i++ {
				p := strings.IndexByte("rwxXst", clause[i])
				if p < 0 {
					return 0, false
				}
				perm |= []uint32{0o444, 0o222, 0o111, 0o111, 0o6000, 0o1000}[p]
			}
			switch op {
			case '+':
				mode |= perm & who
			case '-':
				mode &^= perm & who
			case '=':
				mode = mode&^who | perm&who
			}
		}
	}
	return mode, true
}

// findOwner takes a number or a name from /etc/passwd (or /etc/group).
func findOwner(s string, group bool) (uint32, error) {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return uint32(n), nil
	}
	for _, a := range cmds.Accounts(group) {
		if a.Name == s {
			return uint32(a.ID), nil
		}
	}
	if group {
		return 0, fmt.Errorf("unknown group %s", s)
	}
	return 0, fmt.Errorf("unknown user %s", s)
}

// runExec runs an -exec command, for file (";") or for the files
// gathered ("+"), and reports whether it exited 0.
func (fd *finder) runExec(x *findExec, file string) bool {
	var argv []string
	for _, a := range x.argv {
		switch {
		case !x.plus:
			argv = append(argv, strings.ReplaceAll(a, "{}", file))
		case strings.Contains(a, "{}"):
			for _, f := range x.files {
				argv = append(argv, strings.Replace(a, "{}", f, 1))
			}
		default:
			argv = append(argv, a)
		}
	}
	x.files, x.size = x.files[:0], 0
	// What find printed so far comes before what the command prints.
	fd.w.Flush()
	cmd, err := fd.e.Command(argv)
	if err == nil {
		if in, ok := fd.e.Stdin.(*os.File); ok {
			cmd.Stdin = in
		}
		err = cmd.Run()
	}
	code, _, err := cmds.ExitOf(err)
	if err != nil {
		// Reported, but not a failure of find's (BusyBox's status stays 0).
		fmt.Fprintf(fd.e.Stderr, "find: %s\n", cmds.Message(cmds.NamedErr(argv[0], err)))
		return false
	}
	return code == 0
}
