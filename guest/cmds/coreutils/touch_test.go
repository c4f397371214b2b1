package coreutils

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestTouch(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"old": "keep"})
	old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.Local)
	os.Chtimes(filepath.Join(dir, "old"), old, old)
	mtime := func(name string) time.Time {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	if _, _, st := cmdtest.Run(t, dir, "", "touch", "new", "old"); st != 0 {
		t.Fatal(st)
	}
	if time.Since(mtime("new")) > time.Minute || time.Since(mtime("old")) > time.Minute || cmdtest.ReadFile(t, filepath.Join(dir, "old")) != "keep" {
		t.Errorf("touch did not update")
	}
	if _, _, st := cmdtest.Run(t, dir, "", "touch", "-c", "absent"); st != 0 {
		t.Errorf("touch -c: %d", st)
	}
	if _, err := os.Stat(filepath.Join(dir, "absent")); err == nil {
		t.Errorf("touch -c created a file")
	}
	for _, tt := range []struct {
		args []string
		want time.Time
	}{
		{[]string{"-d", "2010-05-06 07:08:09", "old"}, time.Date(2010, 5, 6, 7, 8, 9, 0, time.Local)},
		{[]string{"-d", "@86400", "old"}, time.Unix(86400, 0)},
		{[]string{"-t", "202001021530.45", "old"}, time.Date(2020, 1, 2, 15, 30, 45, 0, time.Local)},
		{[]string{"-t", "9901021530", "old"}, time.Date(1999, 1, 2, 15, 30, 0, 0, time.Local)},
	} {
		if _, errOut, st := cmdtest.Run(t, dir, "", "touch", tt.args...); st != 0 {
			t.Errorf("touch %q: %s", tt.args, errOut)
		}
		if got := mtime(tt.args[2]); !got.Equal(tt.want) {
			t.Errorf("touch %q: %v, want %v", tt.args, got, tt.want)
		}
	}
	if _, errOut, st := cmdtest.Run(t, dir, "", "touch", "-t", "202", "old"); st != 1 || errOut != "touch: invalid date '202'\n" {
		t.Errorf("touch -t 202: %q %d", errOut, st)
	}
	// As in BusyBox, -t takes date's forms, and what they lack is now's.
	if _, errOut, st := cmdtest.Run(t, dir, "", "touch", "-t", "2020", "old"); st != 0 {
		t.Errorf("touch -t 2020: %q %d", errOut, st)
	} else if got := mtime("old"); got.Hour() != 20 || got.Minute() != 20 || got.Second() != 0 {
		t.Errorf("touch -t 2020: %v", got)
	}
	if _, errOut, st := cmdtest.Run(t, dir, "", "touch", "-d", "2011-01-01", "made"); st != 0 {
		t.Errorf("touch -d 2011-01-01: %q %d", errOut, st)
	} else if got := mtime("made"); got.Year() != 2011 || got.YearDay() != 1 || got.Hour() != time.Now().Hour() && got.Hour() != time.Now().Add(-time.Minute).Hour() {
		t.Errorf("touch -d 2011-01-01 keeps the time of day, as BusyBox's: %v", got)
	}
	if _, errOut, st := cmdtest.Run(t, dir, "", "touch", "no/such/dir"); st != 1 || errOut != "touch: no/such/dir: No such file or directory\n" {
		t.Errorf("touch no/such/dir: %q %d", errOut, st)
	}
}
