package coreutils

import (
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestHostname(t *testing.T) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		t.Fatal(err)
	}
	name := unix.ByteSliceToString(u.Nodename[:])
	if out, _, st := cmdtest.Run(t, "", "", "hostname"); st != 0 || out != name+"\n" {
		t.Errorf("hostname: %d %q, want %q", st, out, name)
	}
	short, _, _ := strings.Cut(name, ".")
	if out, _, _ := cmdtest.Run(t, "", "", "hostname", "-s"); out != short+"\n" {
		t.Errorf("-s: %q", out)
	}
	if _, errs, st := cmdtest.Run(t, "", "", "hostname", "a b"); st != 1 || !strings.Contains(errs, "invalid host name") {
		t.Errorf("bad name: %d %q", st, errs)
	}
}

func TestHostnameSet(t *testing.T) {
	// In a UTS namespace of this thread alone, so the host keeps its
	// name. The thread stays locked: it ends with the test's goroutine
	// rather than carrying the namespace back into the runtime's pool.
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWUTS); err != nil {
			t.Logf("cannot unshare the UTS namespace: %v", err)
			return
		}
		if out, errs, st := cmdtest.Run(t, "", "", "hostname", "pidone-test.example"); st != 0 || out != "" {
			t.Errorf("set: %d %q %q", st, out, errs)
		}
		if out, _, _ := cmdtest.Run(t, "", "", "hostname", "-s"); out != "pidone-test\n" {
			t.Errorf("after set, -s: %q", out)
		}
	}()
	<-done
}

func TestLookupHost(t *testing.T) {
	hosts := "127.0.0.1 localhost\n# 10.0.0.9 box\n::1 box6 box\n10.0.0.2 box.example.org box # me\n192.168.1.5\tBOX\n"
	for _, tt := range []struct{ name, canon, ips string }{
		{"box", "box.example.org", "10.0.0.2 192.168.1.5"},
		{"localhost", "localhost", "127.0.0.1"},
		{"nope", "", ""},
	} {
		canon, ips := lookupHost(hosts, tt.name)
		if canon != tt.canon || strings.Join(ips, " ") != tt.ips {
			t.Errorf("lookupHost(%q) = %q, %q; want %q, %q", tt.name, canon, ips, tt.canon, tt.ips)
		}
	}
}
