package initd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/internal/syncbuf"
)

// syncBuffer can be read while it is written.
type syncBuffer = syncbuf.Buffer

// feedLog writes out to a pipe that copyLog drains, as a program's stdout
// is, and fails the test if the writer blocks: a program blocks exactly
// so when init stops reading its output.
func feedLog(t *testing.T, console *syncBuffer, path string, out ...string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		copyLog(r, console, "app", path)
		close(copied)
	}()
	written := make(chan error, 1)
	go func() {
		for _, s := range out {
			if _, err := w.WriteString(s); err != nil {
				written <- err
				return
			}
		}
		written <- w.Close()
	}()
	select {
	case err := <-written:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		// Unblock the writer so the test can end.
		r.Close()
		t.Fatalf("the program's writes blocked: init stopped draining its output\nconsole:\n%.2000s", console.String())
	}
	select {
	case <-copied:
	case <-time.After(10 * time.Second):
		t.Fatal("copyLog did not return at the end of the output")
	}
}

func TestCopyLogLongLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app")
	console := &syncBuffer{}
	long := strings.Repeat("x", 3<<20/2) // 1.5 MiB, more than the log holds
	var after []string
	for i := range 3 {
		after = append(after, fmt.Sprintf("after %d\n", i))
	}
	feedLog(t, console, path, append([]string{"before\n", long, "\n"}, after...)...)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{string(b), console.String()} {
		for _, want := range append([]string{"before\n"}, after...) {
			if !strings.Contains(out, "] app: "+want) {
				t.Errorf("%q not logged with its time stamp:\n%.2000s", want, out)
			}
		}
		// The long line is logged, shortened, and says so.
		if !strings.Contains(out, "] app: xxxx") || !strings.Contains(out, "bytes of this line not logged]\n") {
			t.Errorf("no shortened long line:\n%.2000s", out)
		}
	}
	if len(b) > logCap {
		t.Errorf("log has %d bytes, more than its cap %d", len(b), logCap)
	}
}

func TestCopyLogWithoutLogFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "app")
	console := &syncBuffer{}
	// More than a pipe holds (64 KiB), so a reader that gives up blocks
	// the writer.
	var out []string
	for i := range 5000 {
		out = append(out, fmt.Sprintf("line %d of output that nobody can log to a file\n", i))
	}
	feedLog(t, console, path, out...)
	got := console.String()
	for _, want := range []string{"] app: line 0 of", "] app: line 4999 of"} {
		if !strings.Contains(got, want) {
			t.Errorf("console lacks %q", want)
		}
	}
	if !strings.Contains(got, "app: log: ") {
		t.Errorf("console does not say the log file failed:\n%.500s", got)
	}
}
