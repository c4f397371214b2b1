package initutils

import (
	"fmt"
	"os"
	"time"

	"pidone.dev/guest/cmds"
	"pidone.dev/pkg/bootopts"
)

var _ = cmds.Register(&cmds.Cmd{Name: "settle", Usage: "[-t SECONDS]", Summary: "wait until init has loaded the drivers of the devices found at boot", Run: settle})

// settledFile is a variable for the tests.
var settledFile = bootopts.SettledFile

// settle is udevadm settle for pidone: init loads drivers in the
// background so that the prompt comes first, and a script that needs a
// disk or a network card right after boot waits here.
func settle(e *cmds.Env, args []string) error {
	var f cmds.Flags
	secs := f.Int('t', "timeout", 30, "give up after `SECONDS`")
	if _, err := f.Parse(args); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Duration(*secs) * time.Second)
	for {
		if _, err := os.Stat(settledFile); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("drivers still loading after %ds", *secs)
		}
		select {
		case <-e.Context().Done():
			return e.Context().Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
