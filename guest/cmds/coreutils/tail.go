package coreutils

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "tail", Usage: "[-fqv] [-n [+]N | -c [+]N | -N] [FILE]...", Summary: "print the last lines of files", Run: tail})

// tailPoll is how often tail -f looks for more data.
const tailPoll = 200 * time.Millisecond

func tail(e *cmds.Env, args []string) error {
	var f cmds.Flags
	lines := f.String('n', "lines", "10", "print the last N lines; +N: from line N on")
	bytesArg := f.String('c', "bytes", "", "print the last N bytes; +N: from byte N on")
	follow := f.Bool('f', "follow", "print data appended to the files until interrupted")
	quiet := f.Bool('q', "quiet", "never print headers")
	verbose := f.Bool('v', "verbose", "always print headers")
	ops, err := f.Parse(obsoleteCount(args, "-n"))
	if err != nil {
		return err
	}
	arg, byBytes, n, err := countArg(*lines, *bytesArg, "+-")
	if err != nil {
		return err
	}
	fromStart := strings.HasPrefix(arg, "+")
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	w := e.BufOut()
	defer w.Flush()
	headers := (len(ops) > 1 || *verbose) && !*quiet
	t := &tailer{e: e, w: w, headers: headers}
	var followed []*tailFile
	first := true
	for _, op := range ops {
		r, err := e.Open(op)
		if err != nil {
			e.Warn(err)
			continue
		}
		if headers {
			if !first {
				w.WriteByte('\n')
			}
			first = false
			fmt.Fprintf(w, "==> %s <==\n", cmds.OpName(op))
			t.last = op
		}
		file, seekable := r.(*os.File)
		seekable = seekable && tailIsRegular(file)
		switch {
		case fromStart:
			err = tailFrom(w, r, n, byBytes)
		case seekable:
			err = tailSeek(w, file, n, byBytes)
		case byBytes:
			err = tailBytes(w, r, n)
		default:
			err = tailLines(w, r, n)
		}
		if err != nil {
			r.Close()
			if cerr := e.Context().Err(); cerr != nil {
				return cerr
			}
			e.Warn(e.ReadErr(err, op))
			continue
		}
		// Pipes have no "later": -f follows regular files only, as GNU does.
		if *follow && seekable {
			off, _ := file.Seek(0, io.SeekCurrent)
			followed = append(followed, &tailFile{name: op, f: file, off: off})
			continue
		}
		r.Close()
	}
	if len(followed) == 0 {
		return w.Flush()
	}
	defer func() {
		for _, tf := range followed {
			tf.f.Close()
		}
	}()
	return t.follow(followed)
}

func tailIsRegular(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// tailFrom skips the first n-1 lines (or bytes) and copies the rest.
func tailFrom(w *bufio.Writer, r io.Reader, n int64, byBytes bool) error {
	skip := max(n-1, 0)
	if byBytes {
		if _, err := io.CopyN(io.Discard, r, skip); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		_, err := cmds.BufCopy(w, r)
		return err
	}
	br := bufio.NewReaderSize(r, 32<<10)
	for skip > 0 {
		_, err := br.ReadSlice('\n')
		switch err {
		case nil:
			skip--
		case bufio.ErrBufferFull:
		case io.EOF:
			return nil
		default:
			return err
		}
	}
	_, err := cmds.BufCopy(w, br)
	return err
}

// tailSeek reads a regular file backwards from its end, so that the tail
// of a large log costs what the tail is, not what the file is.
func tailSeek(w *bufio.Writer, f *os.File, n int64, byBytes bool) error {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	start := max(size-n, 0)
	if !byBytes {
		start, err = tailLineStart(f, size, n)
		if err != nil {
			return err
		}
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return err
	}
	_, err = cmds.BufCopy(w, io.LimitReader(f, size-start))
	// Leave the offset at the end we saw, for -f.
	f.Seek(size, io.SeekStart)
	return err
}

// tailLineStart finds where the last n lines of the first size bytes of f
// begin. A last line without a newline counts as a line.
func tailLineStart(f *os.File, size, n int64) (int64, error) {
	if n == 0 {
		return size, nil
	}
	buf := make([]byte, 32<<10)
	end := size
	first := true
	for end > 0 {
		start := max(end-int64(len(buf)), 0)
		chunk := buf[:end-start]
		if _, err := f.ReadAt(chunk, start); err != nil && err != io.EOF {
			return 0, err
		}
		if first && chunk[len(chunk)-1] == '\n' {
			// The file's final newline ends the last line; it starts none.
			chunk = chunk[:len(chunk)-1]
		}
		first = false
		for i := len(chunk) - 1; i >= 0; i-- {
			if chunk[i] == '\n' {
				n--
				if n == 0 {
					return start + int64(i) + 1, nil
				}
			}
		}
		end = start
	}
	return 0, nil
}

// tailLines keeps the last n lines of a stream in a ring.
func tailLines(w *bufio.Writer, r io.Reader, n int64) error {
	if n == 0 {
		_, err := io.Copy(io.Discard, r)
		return err
	}
	br := bufio.NewReaderSize(r, 32<<10)
	ring := make([][]byte, 0, min(n, 1024))
	next := 0
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			if int64(len(ring)) < n {
				ring = append(ring, line)
			} else {
				ring[next] = line
				next = (next + 1) % len(ring)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	for i := range ring {
		w.Write(ring[(next+i)%len(ring)])
	}
	return nil
}

// tailBytes keeps the last n bytes of a stream.
func tailBytes(w *bufio.Writer, r io.Reader, n int64) error {
	var keep []byte
	buf := make([]byte, 32<<10)
	for {
		k, err := r.Read(buf)
		keep = append(keep, buf[:k]...)
		if int64(len(keep)) > 2*n+int64(len(buf)) {
			keep = append(keep[:0], keep[int64(len(keep))-n:]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if int64(len(keep)) > n {
		keep = keep[int64(len(keep))-n:]
	}
	w.Write(keep)
	return nil
}

type tailer struct {
	e       *cmds.Env
	w       *bufio.Writer
	headers bool
	last    string // the file whose header was printed last
}

type tailFile struct {
	name string
	f    *os.File
	off  int64
}

// follow polls the files for growth until the command is cancelled. A
// file that shrinks was truncated (a rotated log): start it over.
func (t *tailer) follow(files []*tailFile) error {
	if err := t.w.Flush(); err != nil {
		return err
	}
	tick := time.NewTicker(tailPoll)
	defer tick.Stop()
	buf := make([]byte, 32<<10)
	for {
		select {
		case <-t.e.Context().Done():
			return t.e.Context().Err()
		case <-tick.C:
		}
		for _, tf := range files {
			fi, err := tf.f.Stat()
			if err != nil {
				continue
			}
			if fi.Size() < tf.off {
				fmt.Fprintf(t.e.Stderr, "tail: %s: file truncated\n", tf.name)
				tf.off = 0
			}
			for fi.Size() > tf.off {
				k, err := tf.f.ReadAt(buf[:min(int64(len(buf)), fi.Size()-tf.off)], tf.off)
				if k > 0 {
					if t.headers && t.last != tf.name {
						fmt.Fprintf(t.w, "\n==> %s <==\n", tf.name)
						t.last = tf.name
					}
					t.w.Write(buf[:k])
					tf.off += int64(k)
				}
				if err != nil || k == 0 {
					break
				}
			}
		}
		if err := t.w.Flush(); err != nil {
			return err
		}
	}
}
