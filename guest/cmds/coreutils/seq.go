package coreutils

import (
	"fmt"
	"strings"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "seq", Usage: "[-w] [-s SEP] [FIRST [INCR]] LAST", Summary: "print a sequence of numbers", Run: seq, Quick: true})

// seq follows BusyBox (coreutils 6.10's rules): numbers are floating
// point, printed with as many decimals as FIRST and INCR have, and -w
// pads to the widest operand.
func seq(e *cmds.Env, args []string) error {
	var f cmds.Flags
	equal := f.Bool('w', "equal-width", "pad with leading zeros to equal width")
	sep := f.String('s', "separator", "\n", "put SEP between the numbers")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) < 1 || len(ops) > 3 {
		return cmds.Usagef("want FIRST, INCR and LAST, or fewer")
	}
	var nums [3]float64
	for i, op := range ops {
		v, end := leadingFloatEnd(op)
		if end != len(op) || op == "" {
			return cmds.Usagef("invalid number %s", cmds.Quote(op))
		}
		nums[i] = v
	}
	first, incr, last := 1.0, 1.0, nums[len(ops)-1]
	switch len(ops) {
	case 3:
		first, incr = nums[0], nums[1]
	case 2:
		first = nums[0]
	}
	width, frac := 0, 0
	for i, op := range ops {
		dot := strings.IndexByte(op, '.')
		if dot < 0 {
			dot = len(op)
		}
		width = max(width, dot)
		// The decimals of LAST do not count, as in coreutils.
		if i < len(ops)-1 {
			frac = max(frac, len(op)-dot)
		}
	}
	if frac > 0 {
		frac--
		if frac > 0 {
			width += frac + 1
		}
	}
	if !*equal {
		width = 0
	}
	w := e.BufOut()
	defer w.Flush()
	ctx := e.Context()
	s := ""
	n := 0
	for v := first; (incr >= 0 && v <= last) || (incr < 0 && v >= last); v = first + float64(n)*incr {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// Recomputed from FIRST each time, as BusyBox does, so that
		// errors do not add up.
		if _, err := fmt.Fprintf(w, "%s%0*.*f", s, width, frac, v); err != nil {
			return err
		}
		s = *sep
		n++
	}
	if n > 0 {
		w.WriteByte('\n')
	}
	return w.Flush()
}
