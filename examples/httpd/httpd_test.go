package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAppliance boots the example as pidone users do, under pidone's init
// and as PID 1, and asks it for a page from the host through a forwarded
// port.
func TestAppliance(t *testing.T) {
	if os.Getenv("PIDONE_IN_TEST_VM") == "1" {
		t.Skip("inside a pidone test VM; this test boots VMs from the host")
	}
	pidone := filepath.Join(t.TempDir(), "pidone")
	build := exec.Command("go", "build", "-o", pidone, "pidone.dev/cmd/pidone")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building pidone: %v\n%s", err, out)
	}
	for _, mode := range []struct {
		name  string
		flags []string
		pid   string
	}{
		{"supervised", []string{"--no-shell"}, ""},
		{"pid1", []string{"--pid1"}, "pid 1,"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			port := freePort(t)
			args := append([]string{"run", "--app", ".", "--forward", fmt.Sprintf("%d:80", port)}, mode.flags...)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, pidone, args...)
			cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
			cmd.WaitDelay = 15 * time.Second
			var console strings.Builder
			cmd.Stdout, cmd.Stderr = &console, &console
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				// SIGTERM: pidone ends its VM by PID and exits.
				cmd.Process.Signal(syscall.SIGTERM)
				cmd.Wait()
			}()
			body, err := get(ctx, fmt.Sprintf("http://127.0.0.1:%d/", port))
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			if !strings.HasPrefix(body, "hello from pidone: ") || !strings.Contains(body, mode.pid) {
				t.Errorf("body %q", body)
			}
		})
	}
}

// get retries until the appliance answers: the VM takes a few seconds
// to boot under TCG.
func get(ctx context.Context, url string) (string, error) {
	var last error
	for ctx.Err() == nil {
		resp, err := http.Get(url)
		if err == nil {
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode == 200 {
				return string(b), nil
			}
			last = fmt.Errorf("status %s: %s", resp.Status, b)
		} else {
			last = err
		}
		time.Sleep(300 * time.Millisecond)
	}
	return "", fmt.Errorf("%v (last: %v)", ctx.Err(), last)
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
