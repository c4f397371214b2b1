// Package runproto is the wire format between "pidone run -- CMD" on the
// host and init in the guest: which virtio-serial ports carry what, the
// guest saying it is ready, the request to run a command (with what a
// guest restored from a snapshot must take from the host: the time, fresh
// entropy, its name, the files of the work) and its result.
//
// A message is lines of "key value..." ended by an empty line; values are
// Go-quoted strings or decimal numbers. It is written by hand rather than
// with encoding/json, which would add 80 KB to every guest for four
// small messages.
package runproto

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Port names. The command's stdin, stdout and stderr each have a port of
// their own, so output stays apart from the kernel's console and from
// each other.
const (
	Control = "org.pidone.ctl"
	Stdin   = "org.pidone.stdin"
	Stdout  = "org.pidone.stdout"
	Stderr  = "org.pidone.stderr"
	// Files carries a newc cpio archive of files for the work (a test
	// binary and its package's directory), unpacked into / before the
	// command starts; it is empty when there are none.
	Files = "org.pidone.files"
)

// Ports lists every port, in the order the host creates them.
var Ports = []string{Control, Stdin, Stdout, Stderr, Files}

// Ready says init waits for a Request (guest → host, first). A host that
// keeps snapshots saves the VM at this point: everything after it is
// the work's.
type Ready struct{}

// Request asks init to run a command (host → guest, after Ready).
type Request struct {
	Argv    []string
	Env     []string // added to init's environment
	Dir     string   // working directory; "" is /
	Collect []string // guest files to send back after the command ends

	// What a guest restored from a snapshot must not keep from the boot
	// that was saved: the wall clock (Unix nanoseconds; 0 leaves it),
	// entropy to reseed its random numbers with (two guests restored
	// from one snapshot would otherwise draw the same), and its host
	// name ("" leaves it).
	Time     int64
	Seed     []byte
	Hostname string
	// Files says an archive comes on the Files port.
	Files bool
}

// Signal asks init to send a signal to the command (host → guest, any
// time after the Request): Ctrl-C on the host becomes SIGINT in the guest.
type Signal struct {
	Signal int
}

// Result is the command's end (guest → host), sent once its output has
// been written.
type Result struct {
	Status int               // exit status; 128+N for signal N
	Error  string            // the command could not be started
	Files  map[string][]byte // collected files
}

// Write sends one message: a *Request, *Signal or *Result (or the value).
func Write(w io.Writer, msg any) error {
	var b strings.Builder
	line := func(key string, vals ...string) {
		b.WriteString(key)
		for _, v := range vals {
			b.WriteByte(' ')
			b.WriteString(v)
		}
		b.WriteByte('\n')
	}
	quote := func(list []string) []string {
		q := make([]string, len(list))
		for i, s := range list {
			q[i] = strconv.Quote(s)
		}
		return q
	}
	switch m := deref(msg).(type) {
	case Ready:
		line("ready")
	case Request:
		line("argv", quote(m.Argv)...)
		if m.Time != 0 {
			line("time", strconv.FormatInt(m.Time, 10))
		}
		if len(m.Seed) > 0 {
			line("seed", strconv.Quote(string(m.Seed)))
		}
		if m.Hostname != "" {
			line("hostname", strconv.Quote(m.Hostname))
		}
		if m.Files {
			line("files", "1")
		}
		for _, e := range m.Env {
			line("env", strconv.Quote(e))
		}
		if m.Dir != "" {
			line("dir", strconv.Quote(m.Dir))
		}
		for _, c := range m.Collect {
			line("collect", strconv.Quote(c))
		}
	case Signal:
		line("signal", strconv.Itoa(m.Signal))
	case Result:
		line("status", strconv.Itoa(m.Status))
		if m.Error != "" {
			line("error", strconv.Quote(m.Error))
		}
		names := make([]string, 0, len(m.Files))
		for n := range m.Files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			line("file", strconv.Quote(n), strconv.Quote(string(m.Files[n])))
		}
	default:
		return fmt.Errorf("runproto: cannot send %T", msg)
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

func deref(msg any) any {
	switch m := msg.(type) {
	case *Ready:
		return *m
	case *Request:
		return *m
	case *Signal:
		return *m
	case *Result:
		return *m
	}
	return msg
}

// MaxCollect bounds the collected files of one Result, in bytes: a
// coverage profile fits many times over. The guest sends no more (it
// reports the files it leaves out in Result.Error); the host reads no
// more whatever the guest sends.
const MaxCollect = 16 << 20

// MaxMessage bounds one message as it travels: MaxCollect of files
// quoted (at most four bytes each) and the rest. A Reader never holds
// more than this of a message.
const MaxMessage = 4*MaxCollect + 1<<20

// Reader reads messages.
type Reader struct{ sc *bufio.Scanner }

// NewReader returns a Reader reading r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxMessage)
	return &Reader{sc: sc}
}

// ErrFormat is wrapped by every error about a malformed message.
var ErrFormat = errors.New("runproto: bad message")

// ErrTooLarge is returned for a message larger than MaxMessage.
var ErrTooLarge = errors.New("runproto: message too large")

// Read decodes the next message into v, a *Request, *Signal or *Result.
// Keys it does not know are skipped, so either side may add some.
func (r *Reader) Read(v any) error {
	got := false
	size := 0
	for r.sc.Scan() {
		text := r.sc.Text()
		if size += len(text) + 1; size > MaxMessage {
			return ErrTooLarge
		}
		if text == "" {
			if got {
				return nil
			}
			continue
		}
		got = true
		key, rest, _ := strings.Cut(text, " ")
		vals, err := values(rest)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFormat, key, err)
		}
		if err := set(v, key, vals); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFormat, key, err)
		}
	}
	if err := r.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return ErrTooLarge
		}
		return err
	}
	if got {
		return fmt.Errorf("%w: cut off", ErrFormat)
	}
	return io.EOF
}

// values splits "\"a\" 12 \"b c\"" into its values.
func values(s string) ([]string, error) {
	var out []string
	for s = strings.TrimLeft(s, " "); s != ""; s = strings.TrimLeft(s, " ") {
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, err
			}
			u, err := strconv.Unquote(q)
			if err != nil {
				return nil, err
			}
			out = append(out, u)
			s = s[len(q):]
			continue
		}
		word, rest, _ := strings.Cut(s, " ")
		if _, err := strconv.ParseInt(word, 10, 64); err != nil {
			return nil, fmt.Errorf("%q is neither quoted nor a number", word)
		}
		out = append(out, word)
		s = rest
	}
	return out, nil
}

func set(v any, key string, vals []string) error {
	one := func() (string, error) {
		if len(vals) != 1 {
			return "", fmt.Errorf("want 1 value, got %d", len(vals))
		}
		return vals[0], nil
	}
	num := func() (int, error) {
		s, err := one()
		if err != nil {
			return 0, err
		}
		return strconv.Atoi(s)
	}
	var err error
	switch m := v.(type) {
	case *Request:
		switch key {
		case "argv":
			m.Argv = vals
		case "env":
			var s string
			s, err = one()
			m.Env = append(m.Env, s)
		case "dir":
			m.Dir, err = one()
		case "collect":
			var s string
			s, err = one()
			m.Collect = append(m.Collect, s)
		case "time":
			var s string
			if s, err = one(); err == nil {
				m.Time, err = strconv.ParseInt(s, 10, 64)
			}
		case "seed":
			var s string
			s, err = one()
			m.Seed = []byte(s)
		case "hostname":
			m.Hostname, err = one()
		case "files":
			var n int
			n, err = num()
			m.Files = n != 0
		}
	case *Ready:
	case *Signal:
		if key == "signal" {
			m.Signal, err = num()
		}
	case *Result:
		switch key {
		case "status":
			m.Status, err = num()
		case "error":
			m.Error, err = one()
		case "file":
			if len(vals) != 2 {
				return fmt.Errorf("want name and content")
			}
			if m.Files == nil {
				m.Files = map[string][]byte{}
			}
			m.Files[vals[0]] = []byte(vals[1])
		}
	default:
		return fmt.Errorf("cannot read into %T", v)
	}
	return err
}
