package archival

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"pidone.dev/guest/cmds"
)

var (
	_ = cmds.Register(&cmds.Cmd{Name: "gzip", Usage: "[-cdfkt123456789] [FILE]...", Summary: "compress files (FILE.gz replaces FILE)", Run: gzipCmd})
	_ = cmds.Register(&cmds.Cmd{Name: "gunzip", Usage: "[-cfkt] [FILE]...", Summary: "decompress FILE.gz into FILE", Run: gunzipCmd})
	_ = cmds.Register(&cmds.Cmd{Name: "zcat", Usage: "[FILE]...", Summary: "decompress gzip files to standard output", Run: zcatCmd})
)

func gzipCmd(e *cmds.Env, args []string) error   { return gzipMain(e, args, false, false) }
func gunzipCmd(e *cmds.Env, args []string) error { return gzipMain(e, args, true, false) }
func zcatCmd(e *cmds.Env, args []string) error   { return gzipMain(e, args, true, true) }

// gzipMain is gzip, gunzip and zcat, as BusyBox's are: FILE becomes
// FILE.gz (and back), keeping FILE's permissions, never overwriting
// without -f, and removing the original unless -k; with no FILE, or
// "-", standard input to standard output. Unlike BusyBox's, gzip skips
// a directory instead of making an empty DIR.gz.
func gzipMain(e *cmds.Env, args []string, decompress, toStdout bool) error {
	var f cmds.Flags
	stdout := f.Bool('c', "stdout", "write to standard output, keep the files")
	dflag := f.Bool('d', "decompress", "decompress")
	force := f.Bool('f', "force", "overwrite output files; read or write a terminal")
	keep := f.Bool('k', "keep", "keep the input files")
	test := f.Bool('t', "test", "check that the files decompress")
	f.Bool('n', "no-name", "store no name or time (the default)")
	f.Bool('q', "quiet", "no warnings")
	level := gzip.DefaultCompression
	levels := make([]*bool, 10)
	if !decompress {
		for i := 1; i <= 9; i++ {
			levels[i] = f.Bool(rune('0'+i), "", "compression level: 1 fastest, 9 best")
		}
	}
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	for i := 1; i <= 9; i++ {
		if levels[i] != nil && *levels[i] {
			level = i
		}
	}
	decompress = decompress || *dflag || *test
	toStdout = toStdout || *stdout || *test
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	for _, op := range ops {
		if op == "-" {
			if err := gzipStream(e, decompress, *test, *force, level); err != nil {
				e.Warn(err)
			}
			continue
		}
		if err := gzipFile(e, op, decompress, toStdout, *test, *force, *keep, level); err != nil {
			e.Warn(err)
		}
	}
	return nil
}

// gzipStream filters standard input to standard output.
func gzipStream(e *cmds.Env, decompress, test, force bool, level int) error {
	if !force && !test {
		// Compressed data on a terminal is of no use to anyone.
		if decompress && isTerminal(e.Stdin) {
			return errors.New("compressed data not read from terminal, use -f to force it")
		}
		if !decompress && isTerminal(e.Stdout) {
			return errors.New("compressed data not written to a terminal. Use -f to force compression.")
		}
	}
	out := e.Stdout
	if test {
		out = io.Discard
	}
	if decompress {
		_, err := gunzipTo(out, e.Input())
		return err
	}
	return gzipTo(out, e.Input(), level)
}

func isTerminal(x any) bool {
	f, ok := x.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// gzipFile compresses or decompresses one file.
func gzipFile(e *cmds.Env, name string, decompress, toStdout, test, force, keep bool, level int) error {
	src := e.Path(name)
	in, err := os.Open(src)
	if err != nil {
		return e.OpErr(err, name)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return e.OpErr(err, name)
	}
	if fi.IsDir() {
		return cmds.NamedErr(name, errors.New("Is a directory"))
	}
	if toStdout {
		out := e.Stdout
		if test {
			out = io.Discard
		}
		if decompress {
			_, err = gunzipTo(out, in)
		} else {
			err = gzipTo(out, in, level)
		}
		return err
	}
	outName := name + ".gz"
	if decompress {
		switch {
		case strings.HasSuffix(name, ".gz") && len(name) > 3:
			outName = strings.TrimSuffix(name, ".gz")
		case strings.HasSuffix(name, ".tgz") && len(name) > 4:
			outName = strings.TrimSuffix(name, ".tgz") + ".tar"
		default:
			return fmt.Errorf("%s: unknown suffix - ignored", name)
		}
	}
	dst := e.Path(outName)
	if force {
		os.Remove(dst)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return fmt.Errorf("can't open '%s': %s", outName, cmds.Message(errnoOf(err)))
	}
	var mtime int64
	if decompress {
		mtime, err = gunzipTo(out, in)
	} else {
		err = gzipTo(out, in, level)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return err
	}
	if mtime > 0 {
		t := unixTime(mtime)
		os.Chtimes(dst, t, t)
	}
	if !keep {
		if err := os.Remove(src); err != nil {
			return e.OpErr(err, name)
		}
	}
	return nil
}

// gzipTo compresses r into w with a header as BusyBox writes it: no
// name, no time.
func gzipTo(w io.Writer, r io.Reader, level int) error {
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		return err
	}
	zw.OS = 3 // Unix
	if _, err := io.Copy(zw, r); err != nil {
		return err
	}
	return zw.Close()
}

// gunzipTo decompresses r, every member of it, into w and returns the
// time the first member's header holds.
func gunzipTo(w io.Writer, r io.Reader) (int64, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		if errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, errors.New("invalid magic")
		}
		return 0, err
	}
	// Output goes out 32 KiB at a time, as BusyBox's window does: a
	// damaged stream shows none of its last, failing window.
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := cmds.BufCopy(bw, zr); err != nil {
		if errors.Is(err, gzip.ErrChecksum) {
			return 0, errors.New("crc error")
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, errors.New("unexpected end of file")
		}
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	var mtime int64
	if !zr.ModTime.IsZero() {
		mtime = zr.ModTime.Unix()
	}
	return mtime, nil
}
