package runproto

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"runtime"
	"testing"

	"pidone.dev/internal/hosttest"
)

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	req := Request{Argv: []string{"sh", "-c", "exit 3"}, Env: []string{"A=b"}, Collect: []string{"/tmp/c.out"},
		Time: 1795938000123456789, Seed: []byte{0, 0xff, '\n', '"'}, Hostname: "h1", Files: true}
	res := Result{Status: 3, Files: map[string][]byte{"/tmp/c.out": {0, 1, 2, '\n'}}}
	Write(&buf, Ready{})
	Write(&buf, req)
	Write(&buf, Signal{Signal: 2})
	Write(&buf, res)
	r := NewReader(&buf)
	if err := r.Read(&Ready{}); err != nil {
		t.Errorf("ready: %v", err)
	}
	var req2 Request
	var sig Signal
	var res2 Result
	if err := r.Read(&req2); err != nil || !reflect.DeepEqual(req, req2) {
		t.Errorf("request %+v, %v", req2, err)
	}
	if err := r.Read(&sig); err != nil || sig.Signal != 2 {
		t.Errorf("signal %+v, %v", sig, err)
	}
	if err := r.Read(&res2); err != nil || !reflect.DeepEqual(res, res2) {
		t.Errorf("result %+v, %v", res2, err)
	}
	if err := r.Read(&res2); err != io.EOF {
		t.Errorf("at the end: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"argv":["ls"]}` + "\n" + `{"status":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b))
		for i := 0; i < 100; i++ {
			var req Request
			if err := r.Read(&req); err != nil {
				return
			}
		}
	})
}

func FuzzRoundTrip(f *testing.F) {
	f.Add("sh", "/tmp/\xff\x00x", 3, []byte{0, 1, 0xfe, '\n', '"'})
	f.Fuzz(func(t *testing.T, arg, path string, status int, data []byte) {
		var buf bytes.Buffer
		req := Request{Argv: []string{arg, "x y"}, Collect: []string{path}}
		res := Result{Status: status, Files: map[string][]byte{path: data}}
		Write(&buf, req)
		Write(&buf, res)
		r := NewReader(&buf)
		var req2 Request
		var res2 Result
		if err := r.Read(&req2); err != nil || !reflect.DeepEqual(req, req2) {
			t.Fatalf("request %+v → %+v, %v", req, req2, err)
		}
		if err := r.Read(&res2); err != nil || res2.Status != status || !bytes.Equal(res2.Files[path], data) {
			t.Fatalf("result %+v → %+v, %v", res, res2, err)
		}
	})
}

// endless is a hostile guest: file lines of 1 MiB, one after another,
// with no end of message.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	line := []byte(`file "/x" "` + string(bytes.Repeat([]byte("A"), 1<<20)) + "\"\n")
	for i := range p {
		p[i] = line[e.n%len(line)]
		e.n++
	}
	return len(p), nil
}

func TestReadIsBounded(t *testing.T) {
	hosttest.Only(t, "memory (it reads 64 MiB on purpose)")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g := &endless{}
	var res Result
	err := NewReader(g).Read(&res)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if g.n > MaxMessage+4<<20 {
		t.Errorf("read %d bytes before giving up, limit %d", g.n, MaxMessage)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*MaxMessage {
		t.Errorf("allocated %d MiB for a %d MiB limit", alloc>>20, MaxMessage>>20)
	}
	// One line over the limit, too.
	long := []byte("status 0\nfile \"/x\" \"" + string(bytes.Repeat([]byte("B"), MaxMessage)) + "\"\n\n")
	if err := NewReader(bytes.NewReader(long)).Read(&res); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one long line: %v", err)
	}
}
