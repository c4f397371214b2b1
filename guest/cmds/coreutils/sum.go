package coreutils

import (
	"bufio"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"

	"pidone.dev/guest/cmds"
)

var (
	_ = cmds.Register(&cmds.Cmd{Name: "sha256sum", Usage: "[-c [-q|-s|-w]] [FILE]...", Summary: "print or check SHA-256 checksums", Run: sumCmd(sha256.New)})
	_ = cmds.Register(&cmds.Cmd{Name: "md5sum", Usage: "[-c [-q|-s|-w]] [FILE]...", Summary: "print or check MD5 checksums", Run: sumCmd(md5.New)})
)

// sumCmd makes sha256sum or md5sum. Their output is coreutils': "HASH
// NAME" with two spaces, which -c reads back, so that a list made on the
// host checks files in the guest and the other way round.
func sumCmd(newHash func() hash.Hash) func(*cmds.Env, []string) error {
	return func(e *cmds.Env, args []string) error {
		var f cmds.Flags
		check := f.Bool('c', "check", "read checksums from the FILEs and check them")
		quiet := f.Bool('q', "quiet", "with -c, print nothing for files that are OK")
		status := f.Bool('s', "status", "with -c, print nothing; the exit status says")
		warnBad := f.Bool('w', "warn", "with -c, warn about lines that are no checksum lines")
		f.Bool('b', "binary", "accepted for compatibility (there is no text mode)")
		f.Bool('t', "text", "accepted for compatibility (there is no text mode)")
		ops, err := f.Parse(args)
		if err != nil {
			return err
		}
		if len(ops) == 0 {
			ops = []string{"-"}
		}
		w := e.BufOut()
		defer w.Flush()
		for _, op := range ops {
			if *check {
				sumCheck(e, w, newHash, op, *quiet, *status, *warnBad)
				continue
			}
			sum, err := sumFile(e, newHash, op)
			if err != nil {
				e.Warn(err)
				continue
			}
			w.WriteString(sumLine(sum, op))
		}
		return w.Flush()
	}
}

func sumFile(e *cmds.Env, newHash func() hash.Hash, name string) (string, error) {
	r, err := e.Open(name)
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := newHash()
	if _, err := io.Copy(h, r); err != nil {
		if cerr := e.Context().Err(); cerr != nil {
			return "", cerr
		}
		return "", e.ReadErr(err, name)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sumLine is one line of output. As coreutils does, a name with a
// newline or backslash is escaped and the line starts with a backslash,
// so that every line of a list names exactly one file.
func sumLine(sum, name string) string {
	if strings.ContainsAny(name, "\\\n\r") {
		r := strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\r", "\\r")
		return "\\" + sum + "  " + r.Replace(name) + "\n"
	}
	return sum + "  " + name + "\n"
}

// parseSumLine reads a line of a checksum list: "HASH  NAME" or
// "HASH *NAME" (binary mode), escaped as sumLine writes it. size is the
// hash's length in hex digits.
func parseSumLine(line string, size int) (sum, name string, ok bool) {
	escaped := strings.HasPrefix(line, "\\")
	if escaped {
		line = line[1:]
	}
	if len(line) < size+3 || (line[size:size+2] != "  " && line[size:size+2] != " *") {
		return "", "", false
	}
	sum, name = strings.ToLower(line[:size]), line[size+2:]
	if _, err := hex.DecodeString(sum); err != nil {
		return "", "", false
	}
	if escaped {
		var b strings.Builder
		for i := 0; i < len(name); i++ {
			if name[i] != '\\' {
				b.WriteByte(name[i])
				continue
			}
			if i+1 == len(name) {
				return "", "", false
			}
			i++
			switch name[i] {
			case '\\':
				b.WriteByte('\\')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				return "", "", false
			}
		}
		name = b.String()
	}
	return sum, name, true
}

// sumCheck checks the files a list names, printing "NAME: OK" or
// "NAME: FAILED" and a warning with the count of failures.
func sumCheck(e *cmds.Env, w *bufio.Writer, newHash func() hash.Hash, list string, quiet, status, warnBad bool) {
	r, err := e.Open(list)
	if err != nil {
		e.Warn(err)
		return
	}
	defer r.Close()
	size := 2 * newHash().Size()
	var bad, failed, unread, lines int
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		// As in BusyBox, every line is a checksum line, comments and
		// empty ones too: one that is not fails.
		line := strings.TrimSuffix(sc.Text(), "\r")
		lines++
		want, name, ok := parseSumLine(line, size)
		if !ok {
			if warnBad {
				fmt.Fprintf(e.Stderr, "%s: %s: line %d: improperly formatted checksum line\n", e.Name(), cmds.OpName(list), lines)
			}
			bad++
			continue
		}
		got, err := sumFile(e, newHash, name)
		switch {
		case err != nil:
			if e.Context().Err() != nil {
				return
			}
			if !status {
				w.Flush()
				e.Warn(err)
				fmt.Fprintf(w, "%s: FAILED\n", name)
			}
			unread++
		case got != want:
			if !status {
				fmt.Fprintf(w, "%s: FAILED\n", name)
			}
			failed++
		case !quiet && !status:
			fmt.Fprintf(w, "%s: OK\n", name)
		}
	}
	if err := sc.Err(); err != nil {
		e.Warn(e.ReadErr(err, list))
	}
	w.Flush()
	switch n := failed + unread + bad; {
	case lines == 0:
		e.Warnf("%s: no checksum lines found", cmds.OpName(list))
	case n > 0 && status:
		e.Fail()
	case n > 0:
		e.Warnf("WARNING: %d of %d computed checksums did NOT match", n, lines)
	}
}
