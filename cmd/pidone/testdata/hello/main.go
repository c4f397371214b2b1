// Command hello is a guest program for pidone's tests: it prints its
// arguments and the kernel it runs on, and exits with status 7.
package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

func main() {
	var u syscall.Utsname
	syscall.Uname(&u)
	var b strings.Builder
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		b.WriteByte(byte(c))
	}
	fmt.Printf("hello %s from %s\n", strings.Join(os.Args[1:], " "), b.String())
	os.Exit(7)
}
