// Command compatdriver runs TestCompat's cases in the guest: it reads
// them as JSON on standard input, runs each with the guest's /bin/sh -c
// in an empty directory of its own, and writes what each printed and
// its exit status as JSON on standard output. The host runs the same
// cases under BusyBox's sh and compares.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"pidone.dev/guest/cmds/all/internal/compatrun"
)

func main() {
	var cases []compatrun.Case
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "compatdriver:", err)
		os.Exit(2)
	}
	env := []string{"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "TZ=UTC", "LC_ALL=C.UTF-8"}
	var results []compatrun.Result
	for _, c := range cases {
		dir := filepath.Join("/tmp/compat", fmt.Sprint(c.ID))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "compatdriver:", err)
			os.Exit(2)
		}
		r := compatrun.Run(dir, env, "/bin/sh", "-c", c.Script)
		r.ID = c.ID
		results = append(results, r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "compatdriver:", err)
		os.Exit(2)
	}
}
