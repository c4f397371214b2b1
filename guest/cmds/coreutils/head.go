package coreutils

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "head", Usage: "[-qv] [-n [-]N | -c [-]N | -N] [FILE]...", Summary: "print the first lines of files", Run: head})

func head(e *cmds.Env, args []string) error {
	var f cmds.Flags
	lines := f.String('n', "lines", "10", "print N lines; -N: all but the last N")
	bytesArg := f.String('c', "bytes", "", "print N bytes; -N: all but the last N")
	quiet := f.Bool('q', "quiet", "never print headers")
	verbose := f.Bool('v', "verbose", "always print headers")
	ops, err := f.Parse(obsoleteCount(args, "-n"))
	if err != nil {
		return err
	}
	arg, byBytes, n, err := countArg(*lines, *bytesArg, "-")
	if err != nil {
		return err
	}
	allBut := strings.HasPrefix(arg, "-")
	if len(ops) == 0 {
		ops = []string{"-"}
	}
	w := e.BufOut()
	defer w.Flush()
	headers := (len(ops) > 1 || *verbose) && !*quiet
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
		}
		switch {
		case byBytes && allBut:
			err = headAllButBytes(w, r, n)
		case byBytes:
			_, err = cmds.BufCopy(w, io.LimitReader(r, n))
		case allBut:
			err = headAllButLines(w, r, n)
		default:
			err = headLines(w, r, n)
		}
		r.Close()
		if err != nil {
			if cerr := e.Context().Err(); cerr != nil {
				return cerr
			}
			e.Warn(e.ReadErr(err, op))
		}
	}
	return w.Flush()
}

// obsoleteCount turns the old "-5" into "-n 5" (head, tail) and keeps
// the rest of the arguments as they are.
func obsoleteCount(args []string, opt string) []string {
	if len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "0123456789") == "" {
		return append([]string{opt, args[0][1:]}, args[1:]...)
	}
	return args
}

// parseHeadCount reads N with the suffixes GNU accepts: b (512), K, M, G,
// with or without "iB".
func parseHeadCount(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"b": 512, "K": 1 << 10, "KiB": 1 << 10, "k": 1 << 10, "M": 1 << 20, "MiB": 1 << 20, "G": 1 << 30, "GiB": 1 << 30, "kB": 1000, "MB": 1e6, "GB": 1e9} {
		if num, ok := strings.CutSuffix(s, suffix); ok && num != "" && strings.Trim(num, "0123456789") == "" {
			s, mult = num, m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	return n * mult, nil
}

// headLines copies the first n lines, reading no further than needed so
// that "producer | head" ends as soon as it has its lines.
func headLines(w *bufio.Writer, r io.Reader, n int64) error {
	buf := make([]byte, 32<<10)
	for n > 0 {
		k, err := r.Read(buf)
		chunk := buf[:k]
		for n > 0 && len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				w.Write(chunk)
				break
			}
			w.Write(chunk[:i+1])
			chunk = chunk[i+1:]
			n--
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func headAllButLines(w *bufio.Writer, r io.Reader, n int64) error {
	br := bufio.NewReader(r)
	var ring [][]byte
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			ring = append(ring, line)
			if int64(len(ring)) > n {
				w.Write(ring[0])
				ring = ring[1:]
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func headAllButBytes(w *bufio.Writer, r io.Reader, n int64) error {
	data, err := io.ReadAll(r)
	if int64(len(data)) > n {
		w.Write(data[:int64(len(data))-n])
	}
	return err
}

// countArg picks head's and tail's count, -n LINES or -c BYTES, and parses
// it after its sign (signs: the prefixes the command gives a meaning).
func countArg(lines, bytes, signs string) (arg string, byBytes bool, n int64, err error) {
	byBytes = bytes != ""
	arg = lines
	if byBytes {
		arg = bytes
	}
	n, err = parseHeadCount(strings.TrimLeft(arg, signs))
	if err != nil {
		what := "lines"
		if byBytes {
			what = "bytes"
		}
		return arg, byBytes, 0, cmds.Usagef("invalid number of %s: %s", what, cmds.Quote(arg))
	}
	return arg, byBytes, n, nil
}
