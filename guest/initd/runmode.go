package initd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/power"
	"pidone.dev/pkg/cpio"
	"pidone.dev/pkg/runproto"
)

// runMode serves "pidone run -- CMD": it reads the request from the
// control port, returns the command as a service on the stdin, stdout
// and stderr ports, and reports its exit status when it ends. Init then
// powers off as for pidone.run. Without the ports it powers off at once,
// saying why on the console, which the host shows.
func (in *initd) runMode() *service {
	ports, err := findPorts(runproto.Ports, 5*time.Second)
	if err != nil {
		in.logf("pidone.exec: %v", err)
		in.shutdown(power.Poweroff)
	}
	ctl := ports[runproto.Control]
	ctlr := runproto.NewReader(ctl)
	// Ready: a host that keeps snapshots saves the VM now, and every
	// guest restored from it wakes up here, waiting for its own work.
	if err := runproto.Write(ctl, runproto.Ready{}); err != nil {
		in.logf("pidone.exec: %v", err)
		in.shutdown(power.Poweroff)
	}
	var req runproto.Request
	if err := ctlr.Read(&req); err != nil || len(req.Argv) == 0 {
		in.logf("pidone.exec: no command from the host: %v", err)
		in.shutdown(power.Poweroff)
	}
	if in.rootErr != "" {
		// The command was meant for the root disk: it is not run in
		// the initramfs instead.
		res := runproto.Result{Status: 1, Error: "pidone: " + in.rootErr + "; the command was not run"}
		if err := runproto.Write(ctl, res); err != nil {
			in.logf("pidone.exec: %v", err)
		}
		in.shutdown(power.Poweroff)
	}
	for _, err := range in.takeHost(&req) {
		in.logf("pidone.exec: %v", err)
	}
	files := ports[runproto.Files]
	if req.Files {
		if err := cpio.Unpack(files, "/"); err != nil {
			in.logf("pidone.exec: the work's files: %v", err)
		}
	}
	files.Close()
	s := &service{
		name:  "pidone.exec",
		argv:  req.Argv,
		once:  true,
		stdio: []*os.File{ports[runproto.Stdin], ports[runproto.Stdout], ports[runproto.Stderr]},
		env:   req.Env,
		dir:   req.Dir,
	}
	s.path = lookPath(req.Argv[0], append(os.Environ(), req.Env...))
	ooms := oomKills()
	s.onExit = func(ws unix.WaitStatus) {
		res := runproto.Result{Status: exitCode(ws)}
		var notes []string
		if ws.ExitStatus() == 127 && s.pid == 0 {
			notes = append(notes, fmt.Sprintf("%s: command not found", req.Argv[0]))
		}
		if ws.Signaled() && ws.Signal() == unix.SIGKILL && oomKills() > ooms {
			notes = append(notes, fmt.Sprintf("pidone: %s was killed by the kernel's out-of-memory killer: the guest ran out of memory; give it more with --mem (MiB)", req.Argv[0]))
		}
		files, skipped := collect(req.Collect, runproto.MaxCollect)
		res.Files = files
		for _, f := range skipped {
			notes = append(notes, fmt.Sprintf("pidone: %s: file too large to collect (all collected files together may have %d MiB)", f, runproto.MaxCollect>>20))
		}
		res.Error = strings.Join(notes, "\n")
		// The output ports are closed first, so the host has every byte
		// of output before it learns the status.
		for _, name := range []string{runproto.Stdout, runproto.Stderr} {
			ports[name].Close()
		}
		if err := runproto.Write(ctl, res); err != nil {
			in.logf("pidone.exec: sending the status: %v", err)
		}
	}
	// Ctrl-C on the host arrives as a signal for the command's session.
	go func() {
		for {
			var sig runproto.Signal
			if err := ctlr.Read(&sig); err != nil {
				return
			}
			if s.pid > 0 && sig.Signal > 0 {
				unix.Kill(-s.pid, unix.Signal(sig.Signal))
			}
		}
	}()
	return s
}

// collect reads the files to send back, at most limit bytes in all, and
// names those left out for being too large.
func collect(names []string, limit int64) (map[string][]byte, []string) {
	var files map[string][]byte
	var skipped []string
	left := limit
	for _, f := range names {
		st, err := os.Stat(f)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		if st.Size() > left {
			skipped = append(skipped, f)
			continue
		}
		b, err := readAtMost(f, left+1)
		if err != nil {
			continue
		}
		if int64(len(b)) > left {
			skipped = append(skipped, f) // it grew while being read
			continue
		}
		left -= int64(len(b))
		if files == nil {
			files = map[string][]byte{}
		}
		files[f] = b
	}
	return files, skipped
}

func readAtMost(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// oomKills is how many processes the kernel's out-of-memory killer has
// killed since boot.
func oomKills() int {
	b, _ := os.ReadFile("/proc/vmstat")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

func exitCode(ws unix.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// lookPath finds argv[0] as the shell would. pidone's own commands are
// this binary under another name, so a name with no file on PATH that is
// one of ours runs as this binary; "" means just that.
func lookPath(name string, env []string) string {
	if strings.Contains(name, "/") {
		return name
	}
	path := "/bin:/sbin:/usr/bin:/usr/sbin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return name // ForkExec fails with ENOENT: reported as status 127
}

// findPorts opens the named virtio-serial ports, waiting for them to
// appear (the virtio_console driver may be a module loaded just before).
func findPorts(names []string, timeout time.Duration) (map[string]*os.File, error) {
	deadline := time.Now().Add(timeout)
	for {
		found := map[string]string{}
		dirs, _ := filepath.Glob("/sys/class/virtio-ports/*")
		for _, d := range dirs {
			b, err := os.ReadFile(filepath.Join(d, "name"))
			if err == nil {
				found[strings.TrimSpace(string(b))] = "/dev/" + filepath.Base(d)
			}
		}
		missing := ""
		for _, n := range names {
			if _, err := os.Stat(found[n]); found[n] == "" || err != nil {
				missing = n
				break
			}
		}
		if missing == "" {
			ports := map[string]*os.File{}
			for _, n := range names {
				f, err := os.OpenFile(found[n], os.O_RDWR, 0)
				if err != nil {
					return nil, err
				}
				ports[n] = f
			}
			return ports, nil
		}
		if time.Now().After(deadline) {
			return nil, errors.New("virtio-serial port " + missing + " did not appear (is virtio_console in the image? pidone build --modules auto adds it)")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
