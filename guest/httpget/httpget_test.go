package httpget

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// get fetches url and reads the whole body.
func get(t *testing.T, c *Client, url string) (*Response, []byte, error) {
	t.Helper()
	resp, err := c.Get(context.Background(), url)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestGet(t *testing.T) {
	data := make([]byte, 1<<20)
	rand.Read(data)
	mux := http.NewServeMux()
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Connection") != "close" || r.Header.Get("User-Agent") != "pidone-wget" || r.Host == "" {
			http.Error(w, "bad request headers", 400)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.Write(data)
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		// Flushing before the end makes net/http send a chunked body.
		for i := 0; i < len(data); i += 100000 {
			w.Write(data[i:min(i+100000, len(data))])
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/a/r1", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "r2?x=1", http.StatusFound) })
	mux.HandleFunc("/a/r2", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/file", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/to-https", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://example.com/", http.StatusFound)
	})
	mux.HandleFunc("/space%20name", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "spaced") })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var c Client

	for _, path := range []string{"/file", "/chunked", "/a/r1"} {
		resp, b, err := get(t, &c, srv.URL+path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if resp.StatusCode != 200 || !bytes.Equal(b, data) {
			t.Errorf("%s: status %q, %d bytes (want %d)", path, resp.Status, len(b), len(data))
		}
		if path == "/file" && resp.ContentLength != int64(len(data)) {
			t.Errorf("%s: ContentLength %d", path, resp.ContentLength)
		}
		if path == "/chunked" && (resp.ContentLength != -1 || resp.Header.Get("transfer-encoding") != "chunked") {
			t.Errorf("%s: ContentLength %d, header %q", path, resp.ContentLength, resp.Header)
		}
		if path == "/a/r1" && resp.URL != srv.URL+"/file" {
			t.Errorf("after redirects, URL %q", resp.URL)
		}
	}

	resp, _, err := get(t, &c, srv.URL+"/missing")
	if err != nil || resp.StatusCode != 404 || resp.Status != "404 Not Found" {
		t.Errorf("missing: %v %v", resp, err)
	}
	if _, b, err := get(t, &c, srv.URL+"/space name"); err != nil || string(b) != "spaced" {
		t.Errorf("space in path: %q %v", b, err)
	}
	if _, _, err := get(t, &c, srv.URL+"/loop"); err == nil || !strings.HasSuffix(err.Error(), "/loop: stopped after 5 redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	if _, _, err := get(t, &c, srv.URL+"/to-https"); !errors.Is(err, ErrHTTPS) {
		t.Errorf("redirect to https: %v", err)
	}
	_, _, err = get(t, &c, "https://10.0.2.100/x")
	if err == nil || err.Error() != "https://10.0.2.100/x: https is not supported: the guest has no TLS" {
		t.Errorf("https: %v", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, _, err = get(t, &Client{}, "http://"+addr+"/")
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.HasPrefix(err.Error(), "http://"+addr+"/: cannot connect to "+addr+": ") {
		t.Errorf("refused: %v", err)
	}
}

// rawServer answers every connection with fn, for responses net/http
// would not send.
func rawServer(t *testing.T, fn func(c net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				// Read the request head first, as a server would.
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				fn(c)
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

func TestRawResponses(t *testing.T) {
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	tests := []struct {
		name, resp string
		body       string
		err        string // suffix of the error, reading or getting
		stall      bool
	}{
		{name: "until close", resp: "HTTP/1.0 200 OK\r\n\r\nall of it", body: "all of it"},
		{name: "bare LF and folding", resp: "HTTP/1.1 200 OK\nContent-Length: 2\nX: a\n b\n\nhi", body: "hi"},
		{name: "interim", resp: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", body: "ok"},
		{name: "chunked trailer", resp: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n", body: "abc"},
		{name: "short", resp: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", err: "the server closed the connection early"},
		{name: "bad length", resp: "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", err: `bad Content-Length "1x"`},
		{name: "gzip", resp: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", err: `transfer coding "gzip" is not supported`},
		{name: "not http", resp: "SSH-2.0-OpenSSH\r\n", err: `not an HTTP/1 response: "SSH-2.0-OpenSSH"`},
		{name: "nothing", resp: "", err: "the server closed the connection without answering"},
		{name: "timeout", stall: true, err: "no data from the server for 200ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := rawServer(t, func(c net.Conn) {
				io.WriteString(c, tt.resp)
				if tt.stall {
					<-hold
				}
			})
			_, b, err := get(t, &Client{Timeout: 200 * time.Millisecond}, url+"/x")
			switch {
			case tt.err != "" && (err == nil || !strings.HasSuffix(err.Error(), tt.err)):
				t.Errorf("error %v, want one ending %q", err, tt.err)
			case tt.err == "" && (err != nil || string(b) != tt.body):
				t.Errorf("body %q, error %v; want %q", b, err, tt.body)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	url := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst")
		<-hold
	})
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := (&Client{}).Get(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 5)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	go cancel()
	if _, err := resp.Body.Read(buf); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v", err)
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, out, file, err string }{
		{in: "http://10.0.2.100/file", out: "http://10.0.2.100/file", file: "file"},
		{in: "HTTP://host:8080", out: "http://host:8080/", file: "index.html"},
		{in: "host/a/b.tar.gz?x=1#frag", out: "http://host/a/b.tar.gz?x=1", file: "b.tar.gz"},
		{in: "http://[::1]:80/d/", out: "http://[::1]/d/", file: "index.html"},
		{in: "http://h/a%20b", out: "http://h/a%20b", file: "a b"},
		{in: "http://h/a b", out: "http://h/a%20b", file: "a b"},
		{in: "http://h?q", out: "http://h/?q", file: "index.html"},
		{in: "https://h/", err: "https is not supported: the guest has no TLS"},
		{in: "ftp://h/", err: "ftp://h/: only http:// URLs are supported"},
		{in: "http://u:p@h/", err: "http://u:p@h/: user names and passwords in URLs are not supported"},
		{in: "http://h:0/", err: `http://h:0/: bad port "0"`},
		{in: "http://h:+80/", err: `http://h:+80/: bad port "+80"`},
		{in: "http:///x", err: "http:///x: no host name"},
		{in: "http://[1.2.3.4]/", err: `http://[1.2.3.4]/: bad IPv6 address "1.2.3.4"`},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || u.String() != tt.out || u.FileName() != tt.file {
			t.Errorf("%q: %v %v, file %q; want %q, %q", tt.in, u, err, u.FileName(), tt.out, tt.file)
		}
	}
}

func TestResolve(t *testing.T) {
	base, _ := ParseURL("http://h:81/a/b/c?q")
	for ref, want := range map[string]string{
		"d":                  "http://h:81/a/b/d",
		"../d":               "http://h:81/a/d",
		"../../../../d":      "http://h:81/d",
		"./":                 "http://h:81/a/b/",
		"/x/./y":             "http://h:81/x/./y",
		"?z":                 "http://h:81/a/b/c?z",
		"":                   "http://h:81/a/b/c?q",
		"//other/p":          "http://other/p",
		"http://other:9/p#f": "http://other:9/p",
	} {
		u, err := base.Resolve(ref)
		if err != nil || u.String() != want {
			t.Errorf("Resolve(%q) = %v, %v; want %q", ref, u, err, want)
		}
	}
}

func FuzzURL(f *testing.F) {
	for _, s := range []string{"http://10.0.2.100/file", "h:1/a?b#c", "http://[::1]:8/x", "http://h/%zz", "http://h/a b"} {
		f.Add(s, "../x")
	}
	f.Fuzz(func(t *testing.T, s, ref string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		if strings.ContainsAny(u.Path, " \r\n\x00") || !strings.HasPrefix(u.Path, "/") {
			t.Fatalf("%q: path %q cannot go on a request line", s, u.Path)
		}
		v, err := ParseURL(u.String())
		if err != nil || *v != *u {
			t.Fatalf("%q: %q parses back as %v, %v", s, u.String(), v, err)
		}
		if n := u.FileName(); n == "" || strings.Contains(n, "/") {
			t.Fatalf("%q: file name %q", s, n)
		}
		if r, err := u.Resolve(ref); err == nil && (!strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, " \r\n")) {
			t.Fatalf("%q resolving %q: path %q", s, ref, r.Path)
		}
	})
}

// FuzzResponse feeds the response parser what a server could send: it
// must not panic and must not read a body past what it was given.
func FuzzResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"HTTP/1.0 404 Not Found\n\nx",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, body, err := readResponse(bufio.NewReader(bytes.NewReader(b)))
		if err != nil {
			return
		}
		if resp.StatusCode < 100 || resp.StatusCode > 999 || !strings.HasPrefix(resp.Proto, "HTTP/1.") {
			t.Fatalf("status %d %q", resp.StatusCode, resp.Proto)
		}
		got, _ := io.ReadAll(body)
		if len(got) > len(b) {
			t.Fatalf("body of %d bytes from %d bytes of input", len(got), len(b))
		}
		if resp.ContentLength >= 0 && int64(len(got)) > resp.ContentLength {
			t.Fatalf("body of %d bytes, Content-Length %d", len(got), resp.ContentLength)
		}
	})
}

// FuzzChunked checks the chunked decoder both ways: any data cut into any
// chunks decodes back to itself, and garbage never panics.
func FuzzChunked(f *testing.F) {
	f.Add([]byte("hello, world"), []byte{3, 0, 200}, []byte("5\r\nhello\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data, sizes, garbage []byte) {
		var enc bytes.Buffer
		rest := data
		for i := 0; len(rest) > 0; i++ {
			n := len(rest)
			if len(sizes) > 0 {
				n = min(n, int(sizes[i%len(sizes)])+1)
			}
			fmt.Fprintf(&enc, "%x\r\n%s\r\n", n, rest[:n])
			rest = rest[n:]
		}
		enc.WriteString("0\r\nTrailer: x\r\n\r\n")
		got, err := io.ReadAll(newChunkedReader(bufio.NewReader(&enc)))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip: %q, %v; want %q", got, err, data)
		}
		got, _ = io.ReadAll(newChunkedReader(bufio.NewReader(bytes.NewReader(garbage))))
		if len(got) > len(garbage) {
			t.Fatalf("%d bytes from %d of input", len(got), len(garbage))
		}
	})
}
