package initd_test

import (
	"fmt"
	"strings"
	"testing"

	"pidone.dev/vmtest"
)

func TestZZTiming(t *testing.T) {
	for i := 0; i < 2; i++ {
		for _, m := range []string{"auto", "none"} {
			v := vmtest.Boot(t, &vmtest.Options{Modules: m, Append: "pidone.debug"})
			for _, l := range strings.Split(v.Output(), "\n") {
				if strings.Contains(l, "TIMING") || strings.Contains(l, "up at") || strings.Contains(l, "modules:") {
					fmt.Println(m, strings.TrimSpace(l))
				}
			}
			v.Send("poweroff\n")
			v.Exit(60e9)
		}
	}
}
