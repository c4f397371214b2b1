// Command longline is an appliance for init's tests: it prints one line
// longer than any buffer a logger would pick, then a marker line, then
// runs on, so a test can see that init still logs and drains its output.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	fmt.Println(strings.Repeat("y", 200_000))
	fmt.Printf("marker-after-long-line pid %d\n", os.Getpid())
	for {
		time.Sleep(time.Hour)
	}
}
