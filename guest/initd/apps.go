package initd

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"pidone.dev/pkg/bootopts"
)

// logCap bounds a log: past it, the older half is dropped, so a chatty
// program cannot fill the tmpfs (a ring buffer on disk, in effect).
const logCap = 1 << 20

// maxLogLine bounds a logged line: past it the rest of the line is left
// out, with a note saying how much, so that one runaway line (a dump, a
// blob) can neither stop the logging nor flood the serial console.
const maxLogLine = 16 << 10

// apps returns a service for each pidone.app program: started at boot,
// restarted with a growing delay when it exits, its output logged.
func (in *initd) apps() []*service {
	var list []*service
	for _, argv := range in.opts.Apps {
		name := filepath.Base(argv[0])
		w, err := newAppLog(name)
		if err != nil {
			// Unlogged is better than not started.
			in.logf("%s: log: %v; its output goes to the console only", name, err)
			w = os.Stderr
		}
		null, _ := os.Open(os.DevNull)
		list = append(list, &service{
			name:    name,
			argv:    argv,
			path:    lookPath(argv[0], os.Environ()),
			respawn: true,
			stdio:   []*os.File{null, w, w},
		})
	}
	return list
}

// newAppLog returns the write end of a pipe whose lines go to the console
// and to bootopts.LogDir/name, each stamped with the time since boot. Init keeps it open across restarts of the program.
func newAppLog(name string) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	// A failure here shows when copyLog cannot open the log.
	os.MkdirAll(bootopts.LogDir, 0o755)
	go copyLog(r, lockedConsole{}, name, filepath.Join(bootopts.LogDir, name))
	return w, nil
}

// consoleMu keeps the lines of programs logging at once from interleaving.
var consoleMu sync.Mutex

type lockedConsole struct{}

func (lockedConsole) Write(p []byte) (int, error) {
	consoleMu.Lock()
	defer consoleMu.Unlock()
	return os.Stderr.Write(p)
}

// copyLog copies a program's output to the console and to the log at
// path, a line at a time, each stamped with the time since boot. It reads
// to the end of the output whatever the lines are and whatever happens to
// the log: a program whose output is no longer read blocks for good once
// the pipe is full.
func copyLog(r io.Reader, console io.Writer, name, path string) {
	log := &appLog{name: name, path: path, console: console}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		log.failed(err)
	} else {
		log.f = f
	}
	br := bufio.NewReaderSize(r, maxLogLine)
	line := make([]byte, 0, maxLogLine)
	cut := 0 // bytes of the line beyond maxLogLine, left out
	for {
		chunk, err := br.ReadSlice('\n')
		end := err == nil
		if end {
			chunk = chunk[:len(chunk)-1]
		}
		n := min(maxLogLine-len(line), len(chunk))
		line = append(line, chunk[:n]...)
		cut += len(chunk) - n
		last := err != nil && err != bufio.ErrBufferFull
		if end || (last && (len(line) > 0 || cut > 0)) {
			log.line(line, cut)
			line, cut = line[:0], 0
		}
		if last {
			return // the write end is closed: init closed it, or a test did
		}
	}
}

// appLog is where copyLog puts the lines: the console always, the log
// file while it can be written.
type appLog struct {
	name, path string
	console    io.Writer
	f          *os.File // nil if the file could not be opened
	size       int64
	failing    bool // the last write to f failed, and the console was told
}

func (l *appLog) line(b []byte, cut int) {
	if cut == 0 {
		b = bytes.TrimSuffix(b, []byte("\r"))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "[%8ss] %s: %s", uptime(), l.name, b)
	if cut > 0 {
		fmt.Fprintf(&s, " [%d more bytes of this line not logged]", cut)
	}
	s.WriteByte('\n')
	text := s.String()
	io.WriteString(l.console, text)
	if l.f == nil {
		return
	}
	n, err := l.f.WriteString(text)
	l.size += int64(n)
	if err != nil {
		// A full /run, say: keep going, and log again once it is not.
		if !l.failing {
			l.failed(err)
		}
		l.failing = true
		return
	}
	l.failing = false
	if l.size > logCap {
		l.f, l.size = trimLog(l.f, l.path)
	}
}

func (l *appLog) failed(err error) {
	fmt.Fprintf(l.console, "init: %s: log: %v; the console still gets every line\n", l.name, err)
}

// trimLog keeps the newer half of a log.
func trimLog(f *os.File, path string) (*os.File, int64) {
	f.Close()
	b, err := os.ReadFile(path)
	if err == nil && len(b) > logCap/2 {
		b = b[len(b)-logCap/2:]
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	os.WriteFile(path, b, 0o644)
	nf, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		nf, _ = os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	}
	return nf, int64(len(b))
}
