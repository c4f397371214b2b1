// Package httpget is a minimal HTTP/1.1 client for the guest: GET of
// http:// URLs over net.Dial, with bodies sized by Content-Length, chunked
// or ended by the server closing, and up to five redirects.
//
// It exists because net/http would add about 1.7 MB to the guest binary
// (TLS, HTTP/2, MIME, cookies, proxies), several times what the whole of
// networking costs, for commands (wget, http) that only ever GET a file
// from the host over the VM's user network. The guest has no TLS at all:
// https:// URLs give ErrHTTPS.
package httpget

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// MaxRedirects is how many redirects Get follows before giving up.
const MaxRedirects = 5

// Client fetches URLs. The zero value is ready to use.
type Client struct {
	// Timeout bounds connecting and each wait for data from the server,
	// not the whole transfer, which may be long and still be making
	// progress. Zero means no limit but the context's.
	Timeout time.Duration

	// UserAgent is sent as User-Agent; "" means "pidone-wget".
	UserAgent string

	// Dial connects to host:port; nil means net.Dialer's DialContext,
	// which resolves names with the system resolver (/etc/hosts, then
	// the servers in /etc/resolv.conf).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Response is a server's answer. The caller must close Body.
type Response struct {
	URL           string // the URL that answered, after redirects
	Proto         string // "HTTP/1.1"
	StatusCode    int    // 200
	Status        string // "200 OK"
	Header        Header
	ContentLength int64 // -1 when the server did not say
	Body          io.ReadCloser
}

// Error is a GET that failed: the URL and why.
type Error struct {
	URL string
	Err error
}

func (e *Error) Error() string { return e.URL + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Get fetches url with the zero Client.
func Get(ctx context.Context, url string) (*Response, error) {
	var c Client
	return c.Get(ctx, url)
}

// Get fetches url, following redirects. Any status is a Response; it is
// for the caller to decide that 404 is an error.
func (c *Client) Get(ctx context.Context, url string) (*Response, error) {
	u, err := ParseURL(url)
	if err != nil {
		if errors.Is(err, ErrHTTPS) {
			return nil, &Error{url, err}
		}
		return nil, err
	}
	for redirects := 0; ; redirects++ {
		resp, err := c.get(ctx, u)
		if err != nil {
			return nil, &Error{u.String(), err}
		}
		loc := resp.Header.Get("Location")
		switch resp.StatusCode {
		case 301, 302, 303, 307, 308:
			if loc == "" {
				return resp, nil
			}
		default:
			return resp, nil
		}
		resp.Body.Close()
		if redirects == MaxRedirects {
			return nil, &Error{u.String(), fmt.Errorf("stopped after %d redirects", MaxRedirects)}
		}
		next, err := u.Resolve(loc)
		if errors.Is(err, ErrHTTPS) {
			return nil, &Error{u.String(), fmt.Errorf("redirected to %s: %w", short(loc), ErrHTTPS)}
		}
		if err != nil {
			return nil, &Error{u.String(), fmt.Errorf("bad redirect: %v", err)}
		}
		u = next
	}
}

// get makes one request.
func (c *Client) get(ctx context.Context, u *URL) (*Response, error) {
	dctx := ctx
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	dial := c.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	raw, err := dial(dctx, "tcp", u.HostPort())
	if err != nil {
		return nil, c.dialErr(ctx, u, err)
	}
	conn := &conn{Conn: raw, timeout: c.Timeout}
	conn.stop = context.AfterFunc(ctx, conn.cancel)
	resp, err := c.exchange(ctx, conn, u)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return resp, nil
}

func (c *Client) exchange(ctx context.Context, conn *conn, u *URL) (*Response, error) {
	agent := c.UserAgent
	if agent == "" {
		agent = "pidone-wget"
	}
	// Connection: close lets a body without a length end at EOF, and we
	// never reuse connections. Accept-Encoding: identity, since we could
	// not decode anything else.
	req := "GET " + u.Path + " HTTP/1.1\r\nHost: " + u.hostHeader() + "\r\nUser-Agent: " + agent +
		"\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return nil, conn.err(ctx, err)
	}
	br := bufio.NewReaderSize(conn, 32<<10)
	resp, body, err := readResponse(br)
	if err != nil {
		if err == io.EOF {
			err = errors.New("the server closed the connection without answering")
		}
		return nil, conn.err(ctx, err)
	}
	resp.URL = u.String()
	resp.Body = &bodyReader{r: body, conn: conn, ctx: ctx}
	return resp, nil
}

// readResponse reads a response's status line and header and returns the
// reader of its body: the part of the client that parses what servers
// send, apart from the connection so that it can be fuzzed.
func readResponse(br *bufio.Reader) (*Response, io.Reader, error) {
	for interim := 0; ; interim++ {
		line, err := readLine(br)
		if err != nil {
			return nil, nil, err
		}
		proto, code, reason, err := parseStatusLine(line)
		if err != nil {
			return nil, nil, err
		}
		h, err := readHeader(br)
		if err != nil {
			return nil, nil, err
		}
		// 1xx are interim answers (100 Continue, 103 Early Hints): the
		// real one follows. 101 would switch protocols, which we never
		// ask for.
		if code >= 100 && code < 200 && code != 101 {
			if interim == 10 {
				return nil, nil, errors.New("too many interim (1xx) responses")
			}
			continue
		}
		status := strconv.Itoa(code)
		if reason != "" {
			status += " " + reason
		}
		resp := &Response{Proto: proto, StatusCode: code, Status: status, Header: h, ContentLength: -1}
		isChunked, err := chunked(h)
		if err != nil {
			return nil, nil, err
		}
		n, err := contentLength(h)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case code == 204 || code == 304 || code == 101:
			resp.ContentLength = 0
			return resp, eofReader{}, nil
		case isChunked:
			return resp, newChunkedReader(br), nil
		case n >= 0:
			resp.ContentLength = n
			return resp, &lengthReader{r: br, left: n}, nil
		default:
			return resp, br, nil
		}
	}
}

// dialErr says why connecting failed in the user's terms.
func (c *Client) dialErr(ctx context.Context, u *URL, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Errorf("cannot resolve %s: %s", u.Host, dnsErr.Err)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("cannot connect to %s: no answer after %v", u.HostPort(), c.Timeout)
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Errorf("cannot connect to %s: %w", u.HostPort(), errno)
	}
	return fmt.Errorf("cannot connect to %s: %v", u.HostPort(), err)
}

// conn is the connection with the two ways a transfer ends early: no data
// for Timeout, and the context's end (Ctrl-C), which must interrupt a
// read that is already waiting.
type conn struct {
	net.Conn
	timeout time.Duration
	stop    func() bool

	mu        sync.Mutex
	cancelled bool
}

func (c *conn) cancel() {
	c.mu.Lock()
	c.cancelled = true
	c.Conn.SetDeadline(time.Unix(1, 0))
	c.mu.Unlock()
}

// arm sets the deadline for the next read or write, unless cancel has
// set one in the past that must stay.
func (c *conn) arm() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancelled {
		return context.Canceled
	}
	if c.timeout > 0 {
		return c.Conn.SetDeadline(time.Now().Add(c.timeout))
	}
	return nil
}

func (c *conn) Read(p []byte) (int, error) {
	if err := c.arm(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *conn) Write(p []byte) (int, error) {
	if err := c.arm(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

func (c *conn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// err turns a failed read or write into the reason: the context's end,
// the idle timeout, or the error itself.
func (c *conn) err(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("no data from the server for %v", c.timeout)
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	if err == io.ErrUnexpectedEOF {
		return errors.New("the server closed the connection early")
	}
	return err
}

type bodyReader struct {
	r    io.Reader
	conn *conn
	ctx  context.Context
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = b.conn.err(b.ctx, err)
	}
	return n, err
}

func (b *bodyReader) Close() error { return b.conn.Close() }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
