// Command httpd is an example pidone appliance: a small HTTP server that
// says hello and tells about the machine it runs on.
//
// Under pidone's init, which supervises it and keeps its log:
//
//	pidone run --app ./examples/httpd --no-shell --forward 8080:80
//	curl http://127.0.0.1:8080/
//
// As PID 1 itself, with init's start-up and shut-down as a library call:
//
//	pidone run --app ./examples/httpd --pid1 --forward 8080:80
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"

	"pidone.dev/guest/initd"
)

func main() {
	addr := flag.String("addr", ":80", "listen `address`")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		release, _ := os.ReadFile("/proc/sys/kernel/osrelease")
		uptime, _ := os.ReadFile("/proc/uptime")
		fmt.Fprintf(w, "hello from pidone: pid %d, kernel %s, up %ss\n",
			os.Getpid(), strings.TrimSpace(string(release)), strings.Fields(string(uptime) + " ?")[0])
	})
	// initd.Run sets up the machine and powers it off at the end when
	// this program is PID 1; under pidone's init it just runs.
	initd.Run(func() error {
		log.Printf("listening on %s", *addr)
		return http.ListenAndServe(*addr, nil)
	})
}
