package runproto

import (
	"bytes"
	"io"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	req := Request{Argv: []string{"sh", "-c", "exit 3"}, Env: []string{"A=b"}, Collect: []string{"/tmp/c.out"}}
	res := Result{Status: 3, Files: map[string][]byte{"/tmp/c.out": {0, 1, 2, '\n'}}}
	Write(&buf, req)
	Write(&buf, Signal{Signal: 2})
	Write(&buf, res)
	r := NewReader(&buf)
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
			t.Fatalf("request %q → %q, %v", req, req2, err)
		}
		if err := r.Read(&res2); err != nil || res2.Status != status || !bytes.Equal(res2.Files[path], data) {
			t.Fatalf("result %+v → %+v, %v", res, res2, err)
		}
	})
}
