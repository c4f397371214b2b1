package all_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pidone.dev/vmtest"
)

// TestCommandsInGuest runs the system commands where they are meant to
// run: as root on a real kernel, from the shell on the serial console.
func TestCommandsInGuest(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, nil)
	check := func(line string, want ...string) string {
		t.Helper()
		out := v.Run(line)
		for _, w := range want {
			if !regexp.MustCompile(w).MatchString(out) {
				t.Errorf("%s: output lacks %q:\n%s", line, w, out)
			}
		}
		return out
	}
	check("uname -a", `^Linux pidone 6\.\S+ .* x86_64`)
	// The guest's clock comes from QEMU's RTC, which follows the host's.
	if out := strings.TrimSpace(v.Run("date +%s")); out != "" {
		guest, err := strconv.ParseInt(out, 10, 64)
		if d := time.Now().Unix() - guest; err != nil || d < -120 || d > 120 {
			t.Errorf("guest clock %q is %d s off the host's", out, d)
		}
	}
	check("mount", `(?m)^proc on /proc type proc \(rw,`, `(?m)^tmpfs on /tmp type tmpfs`)
	check("mkdir -p /mnt/t && mount -t tmpfs -o size=1m,mode=0700 none /mnt/t && echo mounted", `mounted`)
	check("df -h /mnt/t", `(?m)^none\s+1\.0M\s+0\s+1\.0M\s+0% /mnt/t$`)
	check("echo hello > /mnt/t/f && cat /mnt/t/f && umount /mnt/t && ls /mnt/t | wc -l", `hello\n0`)
	check("mount -o remount,ro /tmp && touch /tmp/x; mount -o remount,rw /tmp && touch /tmp/x && echo rw-again",
		`touch: /tmp/x: Read-only file system`, `rw-again`)
	check("free", `(?m)^Mem:\s+\d+\s+\d+\s+\d+`)
	check("uptime", `up .*load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d`)
	check("ps", `(?m)^\s*1\s+root\s+.*init`)
	check("dmesg | head -1", `^\[\s*0\.000000\] Linux version`)
	check("hostname box && hostname && hostname pidone", `^box\n`)
	check("mknod /dev/null2 c 1 3 && echo x > /dev/null2 && stat -c '%F %t,%T' /dev/null2", `character special file 1,3`)
	check("ls -l /dev/console /bin/sh", `(?m)^crw------- .* 5,\s+1 .* /dev/console$`, `(?m)^lrwxrwxrwx .* /bin/sh -> \.\./init$`)
	check("id; whoami", `uid=0\(root\) gid=0\(root\)`, `root`)
	check("cat /nope; echo status $?", `cat: /nope: No such file or directory\nstatus 1`)
	check("sync && echo synced", `synced`)
	check("kill -l | head -1", `HUP`)

	// sleep runs as its own process under job control: Ctrl-C ends it.
	v.Send("echo zz-$((1+1)); sleep 60\n")
	v.MustExpect("zz-2")
	time.Sleep(300 * time.Millisecond)
	v.Send("\x03")
	v.WaitPrompt()
	if out := v.Run("echo $?"); strings.TrimSpace(out) != "130" {
		t.Errorf("sleep after Ctrl-C: status %q, want 130", out)
	}
	v.Send("reboot\n")
	v.MustExpect("reboot: Restarting system")
}
