package utillinux

import (
	"bufio"
	"errors"
	"fmt"
	"slices"
	"strings"

	"pidone.dev/guest/cmds"
	"pidone.dev/pkg/fsprobe"
)

var _ = cmds.Register(&cmds.Cmd{Name: "blkid", Usage: "[-p] [-o full|value|export|device] [-s TAG]... [-L LABEL | -U UUID] [DEVICE]...", Summary: "show filesystem types, labels and UUIDs", Run: blkid, Quick: true})

// blkid exits with status 2 when it identifies nothing, as util-linux's
// does; scripts test for that.
func blkid(e *cmds.Env, args []string) error {
	var f cmds.Flags
	format := f.String('o', "output", "full", "output format: full, value, export or device")
	tags := f.Strings('s', "match-tag", "show only this tag (LABEL, UUID, TYPE)")
	byLabel := f.String('L', "label", "", "print the device whose label is LABEL")
	byUUID := f.String('U', "uuid", "", "print the device whose UUID is UUID")
	f.Bool('p', "probe", "read the superblocks (always done: there is no cache)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	switch *format {
	case "full", "value", "export", "device":
	default:
		return cmds.Usagef("-o %s: want full, value, export or device", *format)
	}
	for i, t := range *tags {
		(*tags)[i] = strings.ToUpper(t)
	}

	paths := make([]string, len(ops))
	for i, op := range ops {
		paths[i] = e.Path(op)
	}
	if len(ops) == 0 {
		devs, err := blkDevices(false)
		if err != nil {
			return cmds.SysFail("cannot list block devices", err)
		}
		for _, d := range devs {
			if d.Size > 0 {
				paths = append(paths, d.node())
			}
		}
	}

	w := bufio.NewWriter(e.Stdout)
	defer w.Flush()
	found := false
	for i, p := range paths {
		info, err := blkProbe(p)
		shown := p
		if len(ops) > 0 {
			shown = ops[i]
		}
		if errors.Is(err, fsprobe.ErrUnknown) {
			continue
		}
		if err != nil {
			// Listing every device, one without a medium is no error.
			if len(ops) > 0 {
				e.Warn(cmds.ShownErr(err, p, shown))
			}
			continue
		}
		if *byLabel != "" || *byUUID != "" {
			if (*byLabel != "" && info.Label == *byLabel) || (*byUUID != "" && strings.EqualFold(info.UUID, *byUUID)) {
				fmt.Fprintln(w, shown)
				found = true
			}
			continue
		}
		pairs := blkidPairs(info, *tags)
		if len(pairs) == 0 {
			continue
		}
		found = true
		switch *format {
		case "full":
			fmt.Fprintf(w, "%s:", shown)
			for _, kv := range pairs {
				fmt.Fprintf(w, " %s=\"%s\"", kv[0], blkidQuote(kv[1]))
			}
			fmt.Fprintln(w)
		case "value":
			for _, kv := range pairs {
				fmt.Fprintln(w, kv[1])
			}
		case "export":
			fmt.Fprintf(w, "DEVNAME=%s\n", shown)
			for _, kv := range pairs {
				fmt.Fprintf(w, "%s=%s\n", kv[0], blkidExport(kv[1]))
			}
			fmt.Fprintln(w)
		case "device":
			fmt.Fprintln(w, shown)
		}
	}
	if !found {
		w.Flush()
		if e.Failed() {
			return nil // the warnings said why; status 1
		}
		return cmds.ExitStatus(2)
	}
	return nil
}

// blkidPairs are the tags to print, in blkid's order, empty ones left out.
func blkidPairs(info fsprobe.Info, only []string) [][2]string {
	var out [][2]string
	for _, kv := range [][2]string{{"LABEL", info.Label}, {"UUID", info.UUID}, {"TYPE", info.Type}} {
		if kv[1] == "" {
			continue
		}
		if len(only) > 0 && !slices.Contains(only, kv[0]) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// blkidQuote escapes what would end the quoted value, as blkid does.
func blkidQuote(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// blkidExport makes a value safe for "eval $(blkid -o export)": anything
// but letters, digits and a few marks is backslash-escaped.
func blkidExport(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/@+", r)) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
