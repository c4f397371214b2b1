package initd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// LogDir holds each supervised program's log: its output, a line at a
// time, stamped with the time since boot. The logs command reads them.
const LogDir = "/run/log"

// logCap bounds a log: past it, the older half is dropped, so a chatty
// program cannot fill the tmpfs (a ring buffer on disk, in effect).
const logCap = 1 << 20

// apps returns a service for each pidone.app program: started at boot,
// restarted with a growing delay when it exits, its output logged.
func (in *initd) apps() []*service {
	var list []*service
	for _, spec := range in.opts.Apps {
		argv := strings.Fields(spec)
		if len(argv) == 0 {
			continue
		}
		name := filepath.Base(argv[0])
		w, err := newAppLog(name)
		if err != nil {
			in.logf("%s: log: %v", name, err)
			continue
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
// and to LogDir/name. Init keeps it open across restarts of the program.
func newAppLog(name string) (*os.File, error) {
	if err := os.MkdirAll(LogDir, 0o755); err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(LogDir, name)
	go copyLog(r, name, path)
	return w, nil
}

var consoleMu sync.Mutex

func copyLog(r io.Reader, name, path string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	size := int64(0)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 64<<10)
	for sc.Scan() {
		line := fmt.Sprintf("[%8ss] %s: %s\n", uptime(), name, sc.Text())
		consoleMu.Lock()
		os.Stderr.WriteString(line)
		consoleMu.Unlock()
		n, _ := f.WriteString(line)
		if size += int64(n); size > logCap {
			f, size = trimLog(f, path)
		}
	}
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
