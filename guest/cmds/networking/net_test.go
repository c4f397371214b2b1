//go:build pidone_net

package networking

import (
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

// These run with the pidone_net tag: make test runs go test -tags
// pidone_net -run '^TestNetCmd' on this package.

func TestNetCmdWget(t *testing.T) {
	data := make([]byte, 300<<10)
	rand.Read(data)
	mux := http.NewServeMux()
	mux.HandleFunc("/dir/file.bin", func(w http.ResponseWriter, r *http.Request) { w.Write(data) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("index\n"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()

	out, errs, st := cmdtest.Run(t, dir, "", "wget", srv.URL+"/dir/file.bin")
	if b, _ := os.ReadFile(filepath.Join(dir, "file.bin")); st != 0 || out != "" || string(b) != string(data) {
		t.Errorf("wget: %d %q %q, %d bytes saved", st, out, errs, len(b))
	}
	if errs != "saving to 'file.bin'\n'file.bin' saved (307200 bytes)\n" {
		t.Errorf("wget messages: %q", errs)
	}
	out, errs, st = cmdtest.Run(t, dir, "", "wget", "-qO", "nodir/copy", srv.URL+"/dir/file.bin")
	if st != 1 || errs != "wget: nodir/copy: No such file or directory\n" {
		t.Errorf("wget into a missing directory: %d %q", st, errs)
	}
	if _, errs, st = cmdtest.Run(t, dir, "", "wget", "-q", "-O", "copy", srv.URL+"/dir/file.bin"); st != 0 || errs != "" {
		t.Errorf("wget -q -O: %d %q", st, errs)
	}
	if _, _, st = cmdtest.Run(t, dir, "", "wget", "-q", srv.URL); st != 0 {
		t.Errorf("wget of /: %d", st)
	} else if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != "index\n" {
		t.Errorf("index.html: %q", b)
	}
	if out, _, st := cmdtest.Run(t, dir, "", "http", srv.URL+"/"); st != 0 || out != "index\n" {
		t.Errorf("http: %d %q", st, out)
	}
	if got := sha256.Sum256([]byte(cmdtest.ReadFile(t, filepath.Join(dir, "file.bin")))); got != sha256.Sum256(data) {
		t.Errorf("the download differs from the file served")
	}

	_, errs, st = cmdtest.Run(t, dir, "", "wget", srv.URL+"/missing")
	if st != 1 || errs != "wget: "+srv.URL+"/missing: 404 Not Found\n" {
		t.Errorf("404: %d %q", st, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Error("a 404 left a file behind")
	}
	if _, errs, st = cmdtest.Run(t, dir, "", "http", srv.URL+"/missing"); st != 1 || errs != "http: "+srv.URL+"/missing: 404 Not Found\n" {
		t.Errorf("http 404: %d %q", st, errs)
	}
	if _, errs, st = cmdtest.Run(t, dir, "", "http", "https://10.0.2.100/"); st != 1 || errs != "http: https://10.0.2.100/: https is not supported: the guest has no TLS\n" {
		t.Errorf("https: %d %q", st, errs)
	}
	if _, errs, st = cmdtest.Run(t, dir, "", "wget", "-T", "0", srv.URL); st != 2 || !strings.HasPrefix(errs, "wget: -T: want a positive number of seconds") {
		t.Errorf("-T 0: %d %q", st, errs)
	}
	if _, errs, st = cmdtest.Run(t, dir, "", "http"); st != 2 || errs != "http: want one URL\nusage: http [-T SECONDS] URL\n" {
		t.Errorf("no URL: %d %q", st, errs)
	}
}

func TestNetCmdWgetLine(t *testing.T) {
	for _, tt := range []struct {
		name     string
		n, total int64
		elapsed  time.Duration
		want     string
	}{
		{"file.bin", 512 << 10, 1 << 20, time.Second, "file.bin              50%  512.0k  512.0k/s"},
		{"a-rather-long-file-name.tar.gz", 100, -1, 0, "a-rather-long-fil...          100        --"},
		{"f", 3 << 30, 3 << 30, 2 * time.Second, "f                    100%    3.0G    1.5G/s"},
	} {
		if got := wgetLine(tt.name, tt.n, tt.total, tt.elapsed); got != tt.want {
			t.Errorf("wgetLine(%q, %d, %d, %v)\n got %q\nwant %q", tt.name, tt.n, tt.total, tt.elapsed, got, tt.want)
		}
	}
}

func TestNetCmdUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		errs string
	}{
		{[]string{"ip", "neigh"}, "ip: unknown object \"neigh\": want address, link or route\nusage: ip [-4|-6] address|link|route [COMMAND [ARG]...] (ip help lists them)\n"},
		{[]string{"ip", "route", "add", "default"}, "ip: ip route add needs via GW or dev IF\nusage: ip [-4|-6] address|link|route [COMMAND [ARG]...] (ip help lists them)\n"},
		{[]string{"dhcp", "-t", "x"}, "dhcp: -t: want a positive number of seconds, not \"x\"\nusage: dhcp [-q] [-t SECONDS] [IF]\n"},
		{[]string{"dhclient", "eth0", "eth1"}, "dhclient: one interface at most\nusage: dhclient [-q] [-t SECONDS] [IF]\n"},
		{[]string{"ping"}, "ping: want one HOST\nusage: ping [-q] [-c COUNT] [-i SECONDS] [-W SECONDS] [-s SIZE] HOST\n"},
		{[]string{"ping", "-i", "0", "h"}, "ping: -i: want a positive number of seconds, not \"0\"\nusage: ping [-q] [-c COUNT] [-i SECONDS] [-W SECONDS] [-s SIZE] HOST\n"},
	} {
		if _, errs, st := cmdtest.Run(t, "", "", tt.args[0], tt.args[1:]...); st != 2 || errs != tt.errs {
			t.Errorf("%q: %d\n got %q\nwant %q", tt.args, st, errs, tt.errs)
		}
	}
	if out, _, st := cmdtest.Run(t, "", "", "ip", "help"); st != 0 || !strings.Contains(out, "ip link set [dev] IF [up|down] [mtu N]") {
		t.Errorf("ip help: %d %q", st, out)
	}
}
