package httpget

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ErrHTTPS is the answer to an https:// URL, first or after a redirect.
var ErrHTTPS = errors.New("https is not supported: the guest has no TLS")

// URL is an http:// URL reduced to what a GET needs. It is parsed here
// rather than with net/url, which the guest would otherwise not link, and
// whose generality (opaque URLs, user info, many schemes) a GET of
// http:// does not need.
type URL struct {
	Host string // name or address; IPv6 without brackets
	Port int    // 80 unless the URL says otherwise
	Path string // path and query as sent on the request line, always starting with "/"
}

// ParseURL parses an http:// URL. A URL without a scheme ("10.0.2.100/f")
// is taken as http://, as wget does; the fragment is dropped.
func ParseURL(s string) (*URL, error) {
	rest := s
	if i := strings.Index(s, "://"); i >= 0 {
		scheme := strings.ToLower(s[:i])
		switch scheme {
		case "http":
		case "https":
			return nil, ErrHTTPS
		default:
			return nil, fmt.Errorf("%s: only http:// URLs are supported", s)
		}
		rest = s[i+3:]
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, path := rest[:end], rest[end:]
	if strings.ContainsRune(authority, '@') {
		return nil, fmt.Errorf("%s: user names and passwords in URLs are not supported", s)
	}
	u := &URL{Port: 80}
	host, port := authority, ""
	if strings.HasPrefix(authority, "[") {
		i := strings.IndexByte(authority, ']')
		if i < 0 {
			return nil, fmt.Errorf("%s: missing ] after the IPv6 address", s)
		}
		host = authority[1:i]
		if after := authority[i+1:]; after != "" {
			p, ok := strings.CutPrefix(after, ":")
			if !ok {
				return nil, fmt.Errorf("%s: bad host", s)
			}
			port = p
		}
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil {
			return nil, fmt.Errorf("%s: bad IPv6 address %q", s, host)
		}
	} else if h, p, ok := strings.Cut(authority, ":"); ok {
		host, port = h, p
	}
	if host == "" {
		return nil, fmt.Errorf("%s: no host name", s)
	}
	if strings.ContainsAny(host, " \t\r\n\x00[]/\\") {
		return nil, fmt.Errorf("%s: bad host name %q", s, host)
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n <= 0 || n > 65535 || port[0] == '+' {
			return nil, fmt.Errorf("%s: bad port %q", s, port)
		}
		u.Port = n
	}
	u.Host = host
	if path == "" || path[0] == '?' {
		path = "/" + path
	}
	u.Path = escapePath(path)
	return u, nil
}

// escapePath percent-encodes what may not appear on a request line
// (controls, spaces, bytes beyond ASCII), so that a URL typed with a
// space still makes a valid request and no byte of it can end the line.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// HostPort is the address to dial, host:port.
func (u *URL) HostPort() string { return net.JoinHostPort(u.Host, strconv.Itoa(u.Port)) }

// hostHeader is the Host header: the port only when it is not 80.
func (u *URL) hostHeader() string {
	if u.Port == 80 {
		if strings.Contains(u.Host, ":") {
			return "[" + u.Host + "]"
		}
		return u.Host
	}
	return u.HostPort()
}

// String gives the URL back as http://host[:port]/path.
func (u *URL) String() string { return "http://" + u.hostHeader() + u.Path }

// Resolve returns the URL a Location header points to, seen from u:
// absolute, scheme-relative ("//host/p"), absolute-path or relative.
func (u *URL) Resolve(ref string) (*URL, error) {
	switch {
	case strings.Contains(ref, "://"):
		return ParseURL(ref)
	case strings.HasPrefix(ref, "//"):
		return ParseURL("http:" + ref)
	}
	if i := strings.IndexByte(ref, '#'); i >= 0 {
		ref = ref[:i]
	}
	n := *u
	switch {
	case ref == "":
	case strings.HasPrefix(ref, "/"):
		n.Path = escapePath(ref)
	case strings.HasPrefix(ref, "?"):
		p, _, _ := strings.Cut(u.Path, "?")
		n.Path = p + escapePath(ref)
	default:
		p, _, _ := strings.Cut(u.Path, "?")
		dir := p[:strings.LastIndexByte(p, '/')+1]
		n.Path = cleanPath(dir + escapePath(ref))
	}
	return &n, nil
}

// cleanPath removes "." and ".." segments of a path (the query is kept
// as it is), as RFC 3986 section 5.2.4 does for relative references.
func cleanPath(p string) string {
	path, query, hasQuery := strings.Cut(p, "?")
	var out []string
	segs := strings.Split(path, "/")
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	r := strings.Join(out, "/")
	if !strings.HasPrefix(r, "/") {
		r = "/" + r
	}
	if hasQuery {
		r += "?" + query
	}
	return r
}

// FileName is the name wget saves the URL under: the last element of the
// path, %-escapes decoded, or index.html when there is none.
func (u *URL) FileName() string {
	p, _, _ := strings.Cut(u.Path, "?")
	name := unescape(p[strings.LastIndexByte(p, '/')+1:])
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return "index.html"
	}
	return name
}

func unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
