package coreutils

import "pidone.dev/guest/cmds"

var _ = cmds.Register(&cmds.Cmd{Name: "more", Usage: "[FILE]...", Summary: "show text a screenful at a time", Run: more})

// more: space a page, Enter a line, b a page back, /PATTERN and n to
// search, q to quit; it ends at the end of the text. -d -f -l -s -u are
// taken and ignored, as in BusyBox.
func more(e *cmds.Env, args []string) error {
	var f cmds.Flags
	for _, c := range "dflsu" {
		f.Bool(c, "", "ignored")
	}
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	return pagerMain(e, &pager{}, ops)
}
