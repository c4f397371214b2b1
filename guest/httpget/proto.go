package httpget

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits on what a server may send before the body. A real response
// head is well under a kilobyte; these only stop a broken or hostile
// server from making the guest read without end.
const (
	maxLine   = 16 << 10
	maxHead   = 256 << 10
	maxFields = 200
)

// Field is one header field, its name as the server spelled it.
type Field struct{ Name, Value string }

// Header is a response's header fields in the order they came.
type Header []Field

// Get returns the value of the first field called name (in any case),
// or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the values of every field called name.
func (h Header) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// readLine reads one line ending in LF (CRLF or bare LF, as RFC 9112
// lets a client accept) and returns it without the line end.
func readLine(br *bufio.Reader) (string, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		if len(line)+len(frag) > maxLine {
			return "", errors.New("line too long in the response")
		}
		line = append(line, frag...)
		if err == nil {
			break
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(line) == 0 {
				return "", io.EOF
			}
			return "", io.ErrUnexpectedEOF
		}
		return "", err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return string(line), nil
}

// parseStatusLine splits "HTTP/1.1 404 Not Found".
func parseStatusLine(line string) (proto string, code int, reason string, err error) {
	bad := fmt.Errorf("not an HTTP/1 response: %q", short(line))
	proto, rest, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(proto, "HTTP/1.") || len(proto) != len("HTTP/1.1") || proto[7] < '0' || proto[7] > '9' {
		return "", 0, "", bad
	}
	codeStr, reason, _ := strings.Cut(rest, " ")
	if len(codeStr) != 3 || strings.Trim(codeStr, "0123456789") != "" || codeStr[0] == '0' {
		return "", 0, "", bad
	}
	code, _ = strconv.Atoi(codeStr)
	return proto, code, strings.TrimSpace(reason), nil
}

// isToken reports whether s is an RFC 9110 token, what field names are.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// readHeader reads header fields up to the empty line. A line that starts
// with a space or tab continues the previous field (obsolete folding,
// which RFC 9112 lets a client replace with a space).
func readHeader(br *bufio.Reader) (Header, error) {
	var h Header
	total := 0
	for {
		line, err := readLine(br)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		if line == "" {
			return h, nil
		}
		total += len(line)
		if total > maxHead || len(h) >= maxFields {
			return nil, errors.New("response header too large")
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(h) == 0 {
				return nil, fmt.Errorf("bad header line %q", short(line))
			}
			h[len(h)-1].Value = strings.TrimSpace(h[len(h)-1].Value + " " + strings.Trim(line, " \t"))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !isToken(name) {
			return nil, fmt.Errorf("bad header line %q", short(line))
		}
		h = append(h, Field{name, strings.Trim(value, " \t")})
	}
}

// contentLength returns the Content-Length, or -1 when there is none.
// Copies of the field must agree (RFC 9112 section 6.3).
func contentLength(h Header) (int64, error) {
	n := int64(-1)
	for _, v := range h.Values("Content-Length") {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			m, err := strconv.ParseInt(p, 10, 64)
			if err != nil || m < 0 || p[0] == '+' {
				return 0, fmt.Errorf("bad Content-Length %q", short(v))
			}
			if n >= 0 && m != n {
				return 0, fmt.Errorf("conflicting Content-Length values %d and %d", n, m)
			}
			n = m
		}
	}
	return n, nil
}

// chunked reports whether the body is chunked: chunked must be the last
// transfer coding. Others (gzip, ...) are refused: we ask for none.
func chunked(h Header) (bool, error) {
	var codings []string
	for _, v := range h.Values("Transfer-Encoding") {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
				codings = append(codings, c)
			}
		}
	}
	for i, c := range codings {
		if c != "chunked" || i != len(codings)-1 {
			return false, fmt.Errorf("transfer coding %q is not supported", short(c))
		}
	}
	return len(codings) > 0, nil
}

// chunkedReader decodes a chunked body (RFC 9112 section 7.1): hex size
// lines, each chunk followed by CRLF, a zero-size chunk, then trailer
// fields up to an empty line, which are read and dropped.
type chunkedReader struct {
	r     *bufio.Reader
	left  int64 // bytes left in the current chunk
	inEnd bool  // the current chunk's data is read; its CRLF is not
	err   error
}

func newChunkedReader(r *bufio.Reader) *chunkedReader { return &chunkedReader{r: r} }

func (c *chunkedReader) Read(p []byte) (int, error) {
	for c.err == nil && c.left == 0 {
		c.err = c.next()
	}
	if c.err != nil {
		return 0, c.err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left == 0 {
		c.inEnd = true
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// next reads up to the start of the next chunk's data.
func (c *chunkedReader) next() error {
	if c.inEnd {
		line, err := readLine(c.r)
		if err != nil {
			return unexpected(err)
		}
		if line != "" {
			return errors.New("bad chunked body: no line end after a chunk")
		}
		c.inEnd = false
	}
	line, err := readLine(c.r)
	if err != nil {
		return unexpected(err)
	}
	size, err := parseChunkSize(line)
	if err != nil {
		return err
	}
	if size == 0 {
		if _, err := readHeader(c.r); err != nil {
			return unexpected(err)
		}
		return io.EOF
	}
	c.left = size
	return nil
}

// parseChunkSize reads "1a2b" or "1a2b;name=value" (extensions ignored).
func parseChunkSize(line string) (int64, error) {
	s, _, _ := strings.Cut(line, ";")
	s = strings.TrimRight(s, " \t")
	if s == "" || len(s) > 15 || strings.Trim(s, "0123456789abcdefABCDEF") != "" {
		return 0, fmt.Errorf("bad chunk size %q", short(line))
	}
	n, err := strconv.ParseInt(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("bad chunk size %q", short(line))
	}
	return n, nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// lengthReader reads a body of known length and calls a short one what
// it is, rather than a clean end.
type lengthReader struct {
	r    io.Reader
	left int64
}

func (l *lengthReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err == io.EOF && l.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// short cuts what a server sent to a length fit for an error message.
func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
