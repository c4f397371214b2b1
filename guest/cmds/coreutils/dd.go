package coreutils

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "dd", Usage: "[if=FILE] [of=FILE] [bs=N | ibs=N obs=N] [count=N] [skip=N] [seek=N] [conv=notrunc,sync,noerror,fsync,swab] [iflag=...] [oflag=...] [status=none|noxfer|progress]", Summary: "copy and convert blocks of a file", Run: dd})

// dd follows BusyBox's: N takes c w b kB k KB K MB M GB G, reads are
// single reads (a pipe gives short records) unless iflag=fullblock,
// and the summary on standard error is the two record lines only, as
// Debian's BusyBox prints it (status=noxfer changes nothing then).
// status=progress is GNU's, which BusyBox 1.35 lacks: a byte count
// every second while copying.
func dd(e *cmds.Env, args []string) error {
	const (
		convNotrunc = 1 << iota
		convSync
		convNoerror
		convFsync
		convSwab
		iSkipBytes
		iCountBytes
		iFullblock
		oSeekBytes
		oAppend
	)
	var (
		ibs, obs                int64 = 512, 512
		count, skip, seek       int64
		hasCount                bool
		inName, outName, status string
		flags                   int
	)
	for _, a := range args {
		if a == "--" {
			continue
		}
		key, val, ok := strings.Cut(a, "=")
		if !ok {
			return cmds.Usagef("bad operand %s", cmds.Quote(a))
		}
		num := func() (int64, error) {
			n, err := parseSize(val, "c:1 w:2 b:512 "+sizeSuffixes)
			if err != nil {
				return 0, fmt.Errorf("invalid number '%s'", val)
			}
			return n, nil
		}
		words := func(list string, shift int) error {
			names := strings.Fields(list)
			for _, w := range strings.Split(val, ",") {
				i := 0
				for i < len(names) && names[i] != w {
					i++
				}
				if i == len(names) {
					return fmt.Errorf("invalid argument '%s' to '%s'", w, key)
				}
				flags |= 1 << (shift + i)
			}
			return nil
		}
		var err error
		switch key {
		case "bs":
			if ibs, err = num(); err == nil {
				obs = ibs
			}
		case "ibs":
			ibs, err = num()
		case "obs":
			obs, err = num()
		case "count":
			count, err = num()
			hasCount = true
		case "skip":
			skip, err = num()
		case "seek":
			seek, err = num()
		case "if":
			inName = val
		case "of":
			outName = val
		case "conv":
			err = words("notrunc sync noerror fsync swab", 0)
		case "iflag":
			err = words("skip_bytes count_bytes fullblock", 5)
		case "oflag":
			err = words("seek_bytes append", 8)
		case "status":
			if val != "none" && val != "noxfer" && val != "progress" {
				err = fmt.Errorf("invalid argument '%s' to 'status'", val)
			}
			status = val
		default:
			return cmds.Usagef("unknown operand %s", key)
		}
		if err != nil {
			return err
		}
		if (key == "bs" || key == "ibs" || key == "obs") && (ibs <= 0 || obs <= 0) {
			return fmt.Errorf("invalid number '%s'", val)
		}
	}

	in, inShown := io.Reader(e.Input()), "standard input"
	if inName != "" {
		f, err := os.Open(e.Path(inName))
		if err != nil {
			return fmt.Errorf("can't open '%s': %s", inName, cmds.Message(errnoOf(err)))
		}
		defer f.Close()
		in, inShown = f, inName
	} else if f, ok := e.Stdin.(*os.File); ok {
		in = f // seekable for skip=
	}
	out, outShown := e.Stdout, "standard output"
	var outFile *os.File
	if outName != "" {
		oflag := os.O_WRONLY | os.O_CREATE
		if seek == 0 && flags&convNotrunc == 0 {
			oflag |= os.O_TRUNC
		}
		if flags&oAppend != 0 {
			oflag |= os.O_APPEND
		}
		f, err := os.OpenFile(e.Path(outName), oflag, 0o666)
		if err != nil {
			return fmt.Errorf("can't open '%s': %s", outName, cmds.Message(errnoOf(err)))
		}
		defer f.Close()
		out, outShown, outFile = f, outName, f
		if seek > 0 && flags&convNotrunc == 0 {
			bs := obs
			if flags&oSeekBytes != 0 {
				bs = 1
			}
			if err := f.Truncate(seek * bs); err != nil {
				if fi, serr := f.Stat(); serr != nil || fi.Mode().IsRegular() || fi.IsDir() {
					return fmt.Errorf("%s: %s", outName, cmds.Message(errnoOf(err)))
				}
			}
		}
	} else if f, ok := e.Stdout.(*os.File); ok {
		outFile = f
	}

	var inFull, inPart, outFull, outPart, total int64
	summary := func() {
		if status == "progress" {
			fmt.Fprintln(e.Stderr)
		}
		if status != "none" {
			fmt.Fprintf(e.Stderr, "%d+%d records in\n%d+%d records out\n", inFull, inPart, outFull, outPart)
		}
	}
	if skip > 0 {
		bs := ibs
		if flags&iSkipBytes != 0 {
			bs = 1
		}
		seeked := false
		if s, ok := in.(io.Seeker); ok {
			_, err := s.Seek(skip*bs, io.SeekCurrent)
			seeked = err == nil
		}
		if !seeked { // a pipe: read past it
			if _, err := io.CopyN(io.Discard, in, skip*bs); err != nil && err != io.EOF {
				return fmt.Errorf("%s: %s", inShown, cmds.Message(errnoOf(err)))
			}
		}
	}
	if seek > 0 {
		bs := obs
		if flags&oSeekBytes != 0 {
			bs = 1
		}
		if outFile == nil {
			return fmt.Errorf("%s: can't seek", outShown)
		}
		if _, err := outFile.Seek(seek*bs, io.SeekCurrent); err != nil {
			return fmt.Errorf("%s: %s", outShown, cmds.Message(errnoOf(err)))
		}
	}

	ibuf := make([]byte, ibs)
	obuf := make([]byte, 0, obs)
	write := func(p []byte) error {
		n, err := out.Write(p)
		total += int64(n)
		switch {
		case int64(n) == obs:
			outFull++
		case n == len(p):
			outPart++
		}
		if err != nil || n < len(p) {
			if err == nil {
				err = io.ErrShortWrite
			}
			return fmt.Errorf("error writing '%s': %s", outShown, cmds.Message(errnoOf(err)))
		}
		return nil
	}
	var tick <-chan time.Time
	start := time.Now()
	if status == "progress" {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		tick = t.C
	}
	for !hasCount || count > 0 {
		if err := e.Context().Err(); err != nil {
			summary()
			return err
		}
		select {
		case <-tick:
			fmt.Fprintf(e.Stderr, "\r%d bytes copied, %.0f s", total, time.Since(start).Seconds())
		default:
		}
		want := ibs
		if hasCount && flags&iCountBytes != 0 && count < ibs {
			want = count
		}
		var n int
		var err error
		if flags&iFullblock != 0 {
			n, err = io.ReadFull(in, ibuf[:want])
			if err == io.ErrUnexpectedEOF {
				err = nil
			}
		} else {
			n, err = in.Read(ibuf[:want])
		}
		if err != nil && !errors.Is(err, io.EOF) {
			if flags&convNoerror == 0 { // BusyBox dies here without its summary
				return fmt.Errorf("%s: %s", inShown, cmds.Message(errnoOf(err)))
			}
			e.Warnf("%s: %s", inShown, cmds.Message(errnoOf(err)))
			if s, ok := in.(io.Seeker); ok {
				s.Seek(ibs, io.SeekCurrent)
			}
			n, err = 0, nil
		} else if n == 0 {
			break
		}
		if flags&convSwab != 0 {
			for i := 0; i+1 < n; i += 2 {
				ibuf[i], ibuf[i+1] = ibuf[i+1], ibuf[i]
			}
		}
		if flags&iCountBytes != 0 {
			count -= int64(n)
		} else {
			count--
		}
		if int64(n) == ibs {
			inFull++
		} else {
			inPart++
			if flags&convSync != 0 {
				clear(ibuf[n:])
				n = int(ibs)
			}
		}
		if ibs == obs {
			if err := write(ibuf[:n]); err != nil {
				summary()
				return err
			}
			continue
		}
		for p := ibuf[:n]; len(p) > 0; {
			k := min(len(p), int(obs)-len(obuf))
			obuf, p = append(obuf, p[:k]...), p[k:]
			if int64(len(obuf)) == obs {
				if err := write(obuf); err != nil {
					summary()
					return err
				}
				obuf = obuf[:0]
			}
		}
	}
	if flags&convFsync != 0 && outFile != nil {
		if err := outFile.Sync(); err != nil {
			return fmt.Errorf("%s: %s", outShown, cmds.Message(errnoOf(err)))
		}
	}
	if len(obuf) > 0 {
		if err := write(obuf); err != nil {
			summary()
			return err
		}
	}
	summary()
	return nil
}
