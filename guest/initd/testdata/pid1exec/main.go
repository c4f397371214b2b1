// Command pid1exec is a PID-1 program for init's tests: under initd.Run
// it runs a program (its argument, or /bin/true) many times with os/exec,
// which must never lose a child to init's reaper, while an orphan it
// leaves behind must still be reaped.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"pidone.dev/guest/initd"
)

const (
	runs    = 2000
	workers = 4
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "orphan" {
		// Start a grandchild, say its PID and exit without waiting: the
		// grandchild becomes PID 1's child, which nobody waits for.
		c := exec.Command("/bin/sleep", "1")
		if err := c.Start(); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println(c.Process.Pid)
		os.Exit(0)
	}
	initd.Run(func() error {
		// pidone's /bin/true is a Go program: it takes so long to start
		// that os/exec is nearly always waiting when it ends. "tiny"
		// ends at once, often before os/exec waits for it, which is
		// when a reaper taking every child could take it first.
		prog := "/bin/true"
		if len(os.Args) > 1 {
			prog = os.Args[1]
		}
		if prog == "tiny" {
			prog = "/tmp/true"
			if err := os.WriteFile(prog, exit0ELF(), 0o755); err != nil {
				return err
			}
		}
		out, err := exec.Command("/proc/self/exe", "orphan").Output()
		if err != nil {
			return fmt.Errorf("orphan: %v", err)
		}
		orphan, _ := strconv.Atoi(strings.TrimSpace(string(out)))
		fmt.Printf("orphan %d\n", orphan)

		// A few at once, as a server would: more children ending
		// while others are waited for.
		var (
			mu     sync.Mutex
			failed int
			last   error
			wg     sync.WaitGroup
		)
		start := time.Now()
		for range workers {
			wg.Go(func() {
				for range runs / workers {
					if err := exec.Command(prog).Run(); err != nil {
						mu.Lock()
						failed++
						last = err
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		fmt.Printf("exec %s: %d of %d failed (last: %v) in %v\n", prog, failed, runs, last, time.Since(start).Round(time.Millisecond))

		// The orphan has long ended; allow the reaper's slow tick.
		deadline := time.Now().Add(15 * time.Second)
		for alive(orphan) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if alive(orphan) {
			st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", orphan))
			fmt.Printf("orphan %d not reaped: %s\n", orphan, st)
		} else {
			fmt.Printf("orphan %d reaped\n", orphan)
		}
		fmt.Printf("zombies: %d\n", zombies())
		return nil
	})
}

func alive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

func zombies() int {
	n := 0
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, s := range stats {
		b, _ := os.ReadFile(s)
		if i := strings.LastIndexByte(string(b), ')'); i > 0 && strings.HasPrefix(string(b[i:]), ") Z") {
			n++
		}
	}
	return n
}

// exit0ELF is a whole x86-64 Linux program that calls exit(0): an ELF
// header, one loadable segment, three instructions.
func exit0ELF() []byte {
	code := []byte{
		0xb8, 60, 0, 0, 0, // mov eax, 60 (exit)
		0x31, 0xff, // xor edi, edi
		0x0f, 0x05, // syscall
	}
	const base, hdr = 0x400000, 64 + 56
	b := make([]byte, hdr, hdr+len(code))
	copy(b, "\x7fELF\x02\x01\x01") // 64-bit, little-endian, version 1
	le := binary.LittleEndian
	le.PutUint16(b[16:], 2)  // ET_EXEC
	le.PutUint16(b[18:], 62) // EM_X86_64
	le.PutUint32(b[20:], 1)  // version
	le.PutUint64(b[24:], base+hdr)
	le.PutUint64(b[32:], 64) // program headers right after this one
	le.PutUint16(b[52:], 64)
	le.PutUint16(b[54:], 56)
	le.PutUint16(b[56:], 1)
	ph := b[64:]
	le.PutUint32(ph[0:], 1) // PT_LOAD
	le.PutUint32(ph[4:], 5) // read, execute
	le.PutUint64(ph[16:], base)
	le.PutUint64(ph[24:], base)
	le.PutUint64(ph[32:], uint64(hdr+len(code)))
	le.PutUint64(ph[40:], uint64(hdr+len(code)))
	le.PutUint64(ph[48:], 0x1000)
	return append(b, code...)
}
