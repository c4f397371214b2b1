package utillinux

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestHwclockErrors(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"plain": "x"})
	for _, tt := range []struct {
		args        []string
		status      int
		errContains string
	}{
		{[]string{"-f", "/no/such/rtc"}, 1, "hwclock: can't open '/no/such/rtc': No such file or directory\n"},
		{[]string{"-r", "-f", "plain"}, 1, "hwclock: RTC_RD_TIME: Inappropriate ioctl for device\n"},
		{[]string{"-s", "-f", "plain"}, 1, "hwclock: RTC_RD_TIME: Inappropriate ioctl for device\n"},
		{[]string{"-r", "-w"}, 2, "usage: hwclock"},
		{[]string{"-u", "-l"}, 2, "usage: hwclock"},
		{[]string{"now"}, 2, "extra operand 'now'"},
		{[]string{"-x"}, 2, "unknown option -x"},
	} {
		out, errs, st := cmdtest.Run(t, dir, "", "hwclock", tt.args...)
		if st != tt.status || out != "" || !strings.Contains(errs, tt.errContains) {
			t.Errorf("hwclock %q: %d %q %q, want %d %q", tt.args, st, out, errs, tt.status, tt.errContains)
		}
	}
	if _, err := os.Stat("/dev/rtc0"); err == nil {
		return
	}
	// Without an RTC, the message names the last of the usual names.
	if _, errs, st := cmdtest.Run(t, dir, "", "hwclock"); st != 1 || errs != "hwclock: can't open '/dev/misc/rtc': No such file or directory\n" {
		t.Errorf("hwclock without an RTC: %d %q", st, errs)
	}
}

// TestHwclockRead reads the RTC where there is one: it must be near
// the system clock, which the kernel set from it.
func TestHwclockRead(t *testing.T) {
	f, err := os.Open("/dev/rtc0")
	if err != nil {
		t.Skip("no RTC")
	}
	f.Close()
	out, errs, st := cmdtest.Run(t, "", "", "hwclock", "-u", "-f", "/dev/rtc0")
	if st != 0 {
		t.Fatalf("hwclock -u: %d %q", st, errs)
	}
	s, ok := strings.CutSuffix(out, "  0.000000 seconds\n")
	if !ok {
		t.Fatalf("hwclock -u: %q", out)
	}
	got, err := time.ParseInLocation("Mon Jan _2 15:04:05 2006", s, time.Local)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(got); d < -time.Hour || d > time.Hour {
		t.Errorf("the RTC says %v, an hour or more from now", got)
	}
}

func TestAdjtimeUTC(t *testing.T) {
	// adjtimeUTC reads the real /etc/adjtime; check only that it agrees.
	b, _ := os.ReadFile(filepath.Join("/etc", "adjtime"))
	want := false
	for _, l := range strings.Split(string(b), "\n") {
		want = want || strings.HasPrefix(l, "UTC")
	}
	if got := adjtimeUTC(); got != want {
		t.Errorf("adjtimeUTC() = %v, want %v", got, want)
	}
}
