package coreutils

import "pidone.dev/guest/cmds"

var _ = cmds.Register(&cmds.Cmd{Name: "less", Usage: "[-EFINSRMm~] [FILE]...", Summary: "view text a screenful at a time, forwards and back", Run: less})

// less: space/f a page on, b a page back, Enter/j/Down a line on,
// k/y/Up a line back, d/u half a page, g/< the top, G/> the end,
// /PATTERN, n and N to search, :n and :p between files, q to quit.
func less(e *cmds.Env, args []string) error {
	var f cmds.Flags
	quitAtEnd := f.Bool('E', "", "quit once the end is shown")
	quitIfOne := f.Bool('F', "", "quit if the text fits on one screen")
	icase := f.Bool('I', "", "ignore case in searches")
	number := f.Bool('N', "", "number the lines")
	chop := f.Bool('S', "", "cut long lines rather than fold them")
	for _, c := range "RMm~X" {
		f.Bool(c, "", "ignored")
	}
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	return pagerMain(e, &pager{less: true, quitAtEnd: *quitAtEnd, quitIfOne: *quitIfOne,
		icase: *icase, number: *number, chop: *chop}, ops)
}
