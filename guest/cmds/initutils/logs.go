package initutils

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/pkg/bootopts"
)

var _ = cmds.Register(&cmds.Cmd{Name: "logs", Usage: "[-f] [-n LINES] [NAME]", Summary: "show the logs of the programs init supervises", Run: logs})

// logDir is a variable for the tests.
var logDir = bootopts.LogDir

func logs(e *cmds.Env, args []string) error {
	var f cmds.Flags
	follow := f.Bool('f', "follow", "keep printing new lines")
	n := f.Int('n', "lines", 0, "print only the last `N` lines")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 1 {
		return cmds.Usagef("give one program name")
	}
	if len(ops) == 0 {
		entries, err := os.ReadDir(logDir)
		if err != nil || len(entries) == 0 {
			fmt.Fprintln(e.Stdout, "no logs: init supervises no programs (pidone build --app adds one)")
			return nil
		}
		for _, ent := range entries {
			if info, err := ent.Info(); err == nil {
				fmt.Fprintf(e.Stdout, "%-20s %8d bytes\n", ent.Name(), info.Size())
			}
		}
		return nil
	}
	name := ops[0]
	fh, err := os.Open(filepath.Join(logDir, filepath.Base(name)))
	if err != nil {
		return fmt.Errorf("%s: no such log (logs with no name lists them)", name)
	}
	defer fh.Close()
	w := bufio.NewWriter(e.Stdout)
	b, err := io.ReadAll(fh)
	if err != nil {
		return err
	}
	text := string(b)
	if *n > 0 {
		lines := strings.SplitAfter(text, "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if len(lines) > *n {
			lines = lines[len(lines)-*n:]
		}
		text = strings.Join(lines, "")
	}
	w.WriteString(text)
	w.Flush()
	for *follow {
		select {
		case <-e.Context().Done():
			return e.Context().Err()
		case <-time.After(200 * time.Millisecond):
		}
		if _, err := io.Copy(e.Stdout, fh); err != nil {
			return err
		}
	}
	return nil
}
