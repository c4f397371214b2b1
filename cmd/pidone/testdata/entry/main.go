// Command entry is the entrypoint of the container image TestRootfs
// builds: it shows what it was started with and writes a file, which
// must be on the disk after the VM powers off.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	wd, _ := os.Getwd()
	fmt.Printf("entry: argv=%q greeting=%s wd=%s pid1=%v\n", os.Args[1:], os.Getenv("GREETING"), wd, os.Getppid() == 1)
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		fmt.Printf("entry: os-release %s\n", strings.TrimSpace(string(b)))
	}
	if _, err := os.Stat("/bin/pidone"); err == nil {
		fmt.Println("entry: the initramfs is still there")
	}
	if err := os.WriteFile("written", []byte("kept\n"), 0o644); err != nil {
		fmt.Println("entry:", err)
		os.Exit(1)
	}
	if len(os.Args) > 2 && os.Args[1] == "exit" {
		n, _ := strconv.Atoi(os.Args[2])
		os.Exit(n)
	}
}
