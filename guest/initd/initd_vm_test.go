package initd_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/vmtest"
)

// These tests boot pidone in QEMU and drive its serial console like a
// person at the terminal.

func TestBootToShell(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{Append: "pidone.test=yes"})
	if out := v.Run("cat /proc/cmdline"); !strings.Contains(out, "console=ttyS0") || !strings.Contains(out, "pidone.test=yes") {
		t.Errorf("/proc/cmdline = %q", out)
	}
	out := v.Run("ls /proc")
	for _, want := range []string{"1", "cmdline", "meminfo", "self", "uptime"} {
		if !regexp.MustCompile(`(?m)(^|\s)` + want + `(\s|$)`).MatchString(out) {
			t.Errorf("ls /proc lacks %s:\n%s", want, out)
		}
	}
	mounts := v.Run("cat /proc/mounts")
	for _, m := range []string{"proc /proc proc", "sysfs /sys sysfs", "devtmpfs /dev devtmpfs", "devpts /dev/pts devpts", "tmpfs /tmp tmpfs", "tmpfs /run tmpfs"} {
		if !strings.Contains(mounts, m) {
			t.Errorf("/proc/mounts lacks %q:\n%s", m, mounts)
		}
	}
	if out := v.Run("hostname; echo $PATH $HOME $TERM"); !strings.Contains(out, "pidone\n/bin:/sbin:/usr/bin:/usr/sbin /root ") {
		t.Errorf("hostname and environment: %q", out)
	}
	// The shell is a session leader with the console as its controlling
	// terminal: its process group owns the terminal.
	if out := v.Run(`tty; [ "$(cut -d' ' -f6 /proc/$$/stat)" = "$$" ] && echo leader`); !strings.Contains(out, "/dev/ttyS0") {
		t.Errorf("tty: %q", out)
	}
	if strings.Contains(v.Output(), "job control turned off") || strings.Contains(v.Output(), "no job control") {
		t.Errorf("the shell has no job control:\n%s", v.Output())
	}
	v.Send("poweroff\n")
	if err := v.Exit(30 * time.Second); err != nil {
		t.Fatalf("poweroff: %v", err)
	}
}

func TestCtrlCInterruptsForegroundOnly(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, nil)
	// The shell's echo runs just before sleep takes the terminal.
	v.Send("echo zz-$((1+1)); sleep 100\n")
	v.MustExpect("zz-2")
	time.Sleep(300 * time.Millisecond)
	v.Send("\x03")
	v.WaitPrompt()
	if out := v.Run("echo status $?"); !strings.Contains(out, "status 130") {
		t.Errorf("after Ctrl-C: %q", out)
	}
	// The same shell is still there: no "exited; starting a new one".
	if strings.Contains(v.Output(), "starting a new one") {
		t.Errorf("Ctrl-C killed the shell:\n%s", v.Output())
	}
}

func TestExitRespawnsShell(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, nil)
	before := v.Run("echo $$")
	v.Send("exit\n")
	v.MustExpect("starting a new one")
	v.WaitPrompt()
	after := v.Run("echo $$")
	if strings.TrimSpace(before) == strings.TrimSpace(after) {
		t.Errorf("shell PID %q did not change after exit", before)
	}
	// Ctrl-D at an empty prompt is exit too.
	v.Send("\x04")
	v.MustExpect("starting a new one")
	v.WaitPrompt()
}

func TestOrphansAreReaped(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, nil)
	// The inner shell exits at once; its background sleep is orphaned,
	// becomes init's child and must be reaped by init when it ends.
	v.Run(`sh -c "sleep 3 & exit"`)
	pid := strings.TrimSpace(v.Run(`grep -l "^sleep" /proc/[0-9]*/cmdline | cut -d/ -f3`))
	if !regexp.MustCompile(`^\d+$`).MatchString(pid) {
		t.Fatalf("orphan pid = %q", pid)
	}
	if ppid := strings.TrimSpace(v.Run("cut -d' ' -f4 /proc/" + pid + "/stat")); ppid != "1" {
		t.Errorf("orphan's parent is %q, want 1 (init)", ppid)
	}
	time.Sleep(4 * time.Second)
	if out := v.Run("ls /proc/" + pid + " >/dev/null 2>&1 && echo alive || echo gone"); !strings.Contains(out, "gone") {
		t.Errorf("orphan %s was not reaped: %s\n%s", pid, out, v.Run("ps"))
	}
	if out := v.Run("ps"); strings.Contains(out, "defunct") || regexp.MustCompile(`\sZ\s`).MatchString(out) {
		t.Errorf("zombies left:\n%s", out)
	}
}

func TestSignalsToInit(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{NoReboot: true})
	// init answers on the console when it gets to it, which may be after
	// the next prompt: wait for what it says, then use the shell.
	v.Send("kill -TERM 1; kill -HUP 1; kill -QUIT 1\n")
	// The signals arrive in any order.
	deadline := time.Now().Add(vmtest.Timeout)
	for _, sig := range []string{"terminated", "hangup", "quit"} {
		for !strings.Contains(v.Output(), "ignoring "+sig+" sent to PID 1") {
			if time.Now().After(deadline) {
				t.Fatalf("init did not say it ignored %s:\n%s", sig, v.Output())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	v.Send("\n")
	v.WaitPrompt()
	if out := v.Run("echo still up"); !strings.Contains(out, "still up") {
		t.Fatalf("after kill -TERM 1: %q", out)
	}
	// SIGINT is what the kernel sends for Ctrl-Alt-Del: a clean reboot,
	// which -no-reboot turns into QEMU ending.
	v.Send("kill -INT 1\n")
	v.MustExpect("Ctrl-Alt-Del: rebooting")
	if err := v.Exit(30 * time.Second); err != nil {
		t.Fatalf("reboot: %v", err)
	}
	if e := v.VM.Ending(); e != vm.Reset {
		t.Errorf("QEMU says the guest ended with %v, not a reset", e)
	}
}

func TestInitPanicPowersOff(t *testing.T) {
	t.Parallel()
	v := vmtest.Start(t, &vmtest.Options{Boot: bootopts.Options{CrashTest: true}})
	v.MustExpect("panic: pidone.crashtest")
	if err := v.Exit(60 * time.Second); err != nil {
		t.Fatal(err)
	}
	if e := v.VM.Ending(); strings.Contains(v.Output(), "Attempted to kill init") || e != vm.Poweroff {
		t.Errorf("init's panic ended the VM with %v, not a power-off:\n%s", e, v.Output())
	}
}

func TestRunInsteadOfShell(t *testing.T) {
	t.Parallel()
	v := vmtest.Start(t, &vmtest.Options{Boot: bootopts.Options{Run: "echo ran-$((6*7)); uname -s"}})
	v.MustExpect("ran-42")
	v.MustExpect("Linux")
	if err := v.Exit(60 * time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestInitFallback(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{Boot: bootopts.Options{Init: "/no/such/init"}})
	out := v.Output()
	if !strings.Contains(out, "cannot run /no/such/init as init") {
		t.Errorf("no message about the missing init:\n%s", out)
	}
}
