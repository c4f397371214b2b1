package main

// Warm starts: pidone run -- CMD and pidone test restoring the system's
// snapshot instead of booting, against the restore of a guest that does
// nothing (the floor, saved where it waits for a key), the cost and size
// of a snapshot, and pidone test warm and cold.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/expect"
)

// warmRows measures pidone run -- true from its snapshot against the
// floor's restore, and what making the snapshot cost.
func (b *bencher) warmRows(ctx context.Context, initrd, floorInitrd, work string, n int) []Row {
	run := Row{Key: "run_true_warm", Name: "pidone run -- true, warm", Unit: "s", Accel: b.accel,
		Note: "restore the saved system, run true over virtio-serial, exit status back, power-off; against the restore of a guest that waits for a key, then powers off"}
	saveRow := Row{Key: "snapshot_save", Name: "snapshot: save", Unit: "s", Accel: b.accel,
		Note: "saving the system where init waits for work (QEMU's migration stream, written as it comes), once per system"}
	size := Row{Key: "snapshot_size", Name: "snapshot: size", Unit: "bytes"}

	sys := b.config(initrd, bootopts.Options{}, b.mem)
	sys.Cold = false
	// A snapshot of its own, made now: the first run saves it.
	var saved, savedSize samples
	c := &system.Command{Argv: []string{"true"}, Timeout: b.timeout, Saved: func(took time.Duration, sz int64) {
		saved.add(took.Seconds(), nil)
		savedSize.add(float64(sz), nil)
	}}
	clearSnapshots()
	if _, err := sys.Run(ctx, c); err != nil {
		run.Pidone = failed(err)
		return []Row{run}
	}
	if len(saved.xs) == 0 {
		saved.add(0, errors.New("the first run saved no snapshot"))
	}
	saveRow.Pidone, size.Pidone = saved.cell(), savedSize.cell()

	floorSnap := filepath.Join(work, "floor.snap")
	floorErr := b.saveFloor(ctx, floorInitrd, floorSnap)
	var warm, floor samples
	for i := 1; i <= n && ctx.Err() == nil; i++ {
		t0 := time.Now()
		res, err := sys.Run(ctx, &system.Command{Argv: []string{"true"}, Timeout: b.timeout})
		d := time.Since(t0)
		if err == nil && res.Status != 0 {
			err = fmt.Errorf("true exited %d", res.Status)
		}
		report("pidone run -- true, warm", i, n, d, err)
		warm.add(d.Seconds(), err)
		if floorErr != nil {
			floor.add(0, floorErr)
			continue
		}
		d, err = b.restoreFloor(ctx, floorInitrd, floorSnap)
		report("floor restore", i, n, d, err)
		floor.add(d.Seconds(), err)
	}
	run.Pidone, run.Floor = warm.cell(), floor.cell()
	return []Row{run, saveRow, size}
}

// clearSnapshots removes the cache's snapshots, so that the bench makes
// and times its own.
func clearSnapshots() {
	if dir, err := kernel.CacheDir(); err == nil {
		os.RemoveAll(filepath.Join(dir, "snapshots"))
	}
}

// saveFloor boots the floor to where it waits for a key and saves it.
func (b *bencher) saveFloor(ctx context.Context, initrd, path string) error {
	s := b.config(initrd, bootopts.Options{}, b.mem)
	s.Append = "floorwait"
	m, err := s.Start(ctx)
	if err != nil {
		return err
	}
	defer m.VM.Kill()
	c := expect.New(m.Console, m.Console, nil)
	if _, err := c.Expect("floor: ready", b.timeout); err != nil {
		return fmt.Errorf("the floor did not get ready: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return m.VM.Snapshot(ctx, f)
}

// restoreFloor restores the floor's snapshot, presses a key, and returns
// the time until QEMU has ended.
func (b *bencher) restoreFloor(ctx context.Context, initrd, path string) (time.Duration, error) {
	s := b.config(initrd, bootopts.Options{}, b.mem)
	s.Append = "floorwait"
	cfg, err := s.Config(ctx)
	if err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	cfg.Incoming = f
	t0 := time.Now()
	v, err := vm.Start(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer v.Kill()
	go func() { // nobody reads it otherwise, and QEMU would block on it
		buf := make([]byte, 4096)
		for {
			if _, err := v.Console().Read(buf); err != nil {
				return
			}
		}
	}()
	select {
	case <-v.Restored():
	case <-time.After(b.timeout):
		return 0, errors.New("not restored")
	}
	v.Console().Write([]byte("\n"))
	select {
	case <-v.Done():
	case <-time.After(b.timeout):
		return 0, errors.New("no power-off after the key")
	}
	return time.Since(t0), nil
}

// testRows times pidone test on a few small packages and on
// golang.org/x/sys/unix's own tests, cold and warm, with the CLI built
// from this checkout.
func testRows(ctx context.Context, src, work string, n int) []Row {
	cli := filepath.Join(work, "pidone-cli")
	build := exec.CommandContext(ctx, "go", "build", "-o", cli, "./cmd/pidone")
	build.Dir = src
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		r := Row{Key: "test_small_warm", Name: "pidone test, 4 small packages, warm", Unit: "s", Pidone: failed(fmt.Errorf("building pidone: %v: %s", err, out))}
		return []Row{r}
	}
	var rows []Row
	for _, t := range []struct {
		key, name string
		pkgs      []string
	}{
		{"test_small", "pidone test, 4 small packages", []string{"./pkg/cmdline", "./pkg/fserr", "./pkg/cmdlist", "./host/vmexec"}},
		{"test_unix", "pidone test golang.org/x/sys/unix", []string{"golang.org/x/sys/unix"}},
	} {
		cold := Row{Key: t.key + "_cold", Name: t.name + ", cold", Unit: "s", Note: "go test -c of each package (cached), a VM per package, 2 at once; every VM boots (--cold)"}
		warm := Row{Key: t.key + "_warm", Name: t.name + ", warm", Unit: "s", Note: "the same, every VM restored from the system's snapshot, with the test binary and the package sent in after"}
		var cs, ws samples
		pidoneTest := func(cold bool) (time.Duration, error) {
			args := append([]string{"test"}, t.pkgs...)
			if cold {
				args = append([]string{"test", "--cold"}, t.pkgs...)
			}
			cmd := exec.CommandContext(ctx, cli, args...)
			cmd.Dir = src
			t0 := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				return 0, fmt.Errorf("%v: %s", err, lastLines(string(out), 5))
			}
			return time.Since(t0), nil
		}
		pidoneTest(false) // the snapshot, and go's build cache, made
		for i := 1; i <= n && ctx.Err() == nil; i++ {
			d, err := pidoneTest(true)
			report(t.name+", cold", i, n, d, err)
			cs.add(d.Seconds(), err)
			d, err = pidoneTest(false)
			report(t.name+", warm", i, n, d, err)
			ws.add(d.Seconds(), err)
		}
		cold.Pidone, warm.Pidone = cs.cell(), ws.cell()
		if cold.Pidone.ok() && warm.Pidone.ok() {
			warm.Note += fmt.Sprintf(" (%.1f× faster than cold)", cold.Pidone.Median/warm.Pidone.Median)
		}
		rows = append(rows, cold, warm)
	}
	return rows
}
