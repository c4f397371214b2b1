package initd

import (
	"os"

	"pidone.dev/pkg/bootopts"
)

// LoadOptions reads init's options: the image's (bootopts.CmdlineFile,
// written by "pidone build --cmdline") first, then the kernel command
// line's, which win.
func LoadOptions() (bootopts.Options, []error) {
	var o bootopts.Options
	var errs []error
	for _, f := range []string{bootopts.CmdlineFile, "/proc/cmdline"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		errs = append(errs, o.Apply(string(b))...)
	}
	return o, errs
}
