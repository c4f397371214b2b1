package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"pidone.dev/host/gobuild"
)

// familyRows measure what each command family adds to the guest: the
// guest binary built as pidone builds it, then once without each family
// (guest/cmds/all's blank import of it left out through go build
// -overlay, so nothing in the tree changes), every binary through gzip
// -9. A family's cost is what the whole set loses without it: code it
// shares with another family (a library both use) is counted in neither.
func familyRows(ctx context.Context, src, work string) []Row {
	allGo := filepath.Join(src, "guest", "cmds", "all", "all.go")
	text, err := os.ReadFile(allGo)
	if err != nil {
		return []Row{{Key: "family", Name: "image cost per family", Unit: "bytes", Pidone: failed(err)}}
	}
	imports := regexp.MustCompile(`(?m)^\s*_ "pidone\.dev/guest/cmds/([a-z]+)"\n`)
	fams := imports.FindAllSubmatch(text, -1)
	progress("measuring the image cost of %d command families", len(fams))
	full, err := guestGzSize(ctx, src, work, "")
	if err != nil {
		return []Row{{Key: "family", Name: "image cost per family", Unit: "bytes", Pidone: failed(err)}}
	}
	var rows []Row
	for _, m := range fams {
		name := string(m[1])
		row := Row{Key: "family_" + name, Name: "  family " + name + ", gzip", Unit: "bytes"}
		without := bytes.Replace(text, m[0], nil, 1)
		over := filepath.Join(work, "all-without-"+name+".go")
		if err := os.WriteFile(over, without, 0o644); err != nil {
			row.Pidone = failed(err)
			rows = append(rows, row)
			continue
		}
		ov, _ := json.Marshal(map[string]any{"Replace": map[string]string{allGo: over}})
		ovFile := filepath.Join(work, "overlay-"+name+".json")
		if err := os.WriteFile(ovFile, ov, 0o644); err != nil {
			row.Pidone = failed(err)
			rows = append(rows, row)
			continue
		}
		n, err := guestGzSize(ctx, src, work, ovFile)
		if err != nil {
			row.Pidone = failed(err)
		} else {
			row.Pidone = value(float64(full - n))
		}
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		rows[0].Note = fmt.Sprintf("what the guest binary (gzip -9: %d bytes) loses without the family; shared libraries count in neither", full)
	}
	return rows
}

// guestGzSize builds the guest for amd64 with pidone's flags (and an
// overlay file, if any) and returns its size through gzip -9.
func guestGzSize(ctx context.Context, src, work, overlay string) (int64, error) {
	bin := filepath.Join(work, "guest-family")
	args := append([]string{"build"}, gobuild.GuestFlags()...)
	if overlay != "" {
		args = append(args, "-overlay="+overlay)
	}
	cmd := gobuild.GoCommand(ctx, append(args, "-o", bin, "./cmd/pidone-guest")...)
	cmd.Dir = src
	// go's temporary files in the bench's work directory, which goes
	// when the bench ends, however go ended.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOTMPDIR="+work)
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("go build: %v: %s", err, strings.TrimSpace(string(out)))
	}
	defer os.Remove(bin)
	defer os.Remove(bin + ".gz")
	if err := gzipFile(bin, bin+".gz"); err != nil {
		return 0, err
	}
	n, err := fileSize(bin + ".gz")
	return int64(n), err
}
