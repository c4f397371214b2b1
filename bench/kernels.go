package main

// Kernels and architectures: pidone on pidone's own tiny kernel (made by
// pidone kernel build) against pidone on Debian's cloud kernel, with the
// floor booted on the tiny kernel too; and pidone on arm64, 386 and
// riscv64 with the kernels pidone run finds for them. Their boots are
// interleaved with the others' (boot.go), so the ratios are of one run.

import (
	"context"
	"fmt"
	"strings"

	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
)

// The targets for the tiny kernel: boot to prompt and pidone run
// -- true at least tinyMinSpeedup times faster than on the cloud kernel
// (aiming at tinyAimSpeedup), and at most tinyMaxOverFloor seconds above
// the floor on the same tiny kernel.
const (
	tinyMinSpeedup   = 2.0
	tinyAimSpeedup   = 2.5
	tinyMaxOverFloor = 0.2
)

// Target names of the kernel and architecture boots.
const (
	pidoneTiny = "pidone-tiny"
	floorTiny  = "floor-tiny"
)

// otherArches are the architectures of the arch rows, each on the kernel
// pidone run finds for it: Debian's for arm64 and 386, a built one for
// riscv64 (Debian has none).
var otherArches = []string{"arm64", "386", "riscv64"}

// KernelInfo says what a target other than the first rows' booted.
type KernelInfo struct {
	Target   string   `json:"target"`
	Arch     string   `json:"arch"`
	Kernel   string   `json:"kernel,omitempty"`
	Version  string   `json:"version,omitempty"`
	Accel    string   `json:"accel,omitempty"`
	QEMUArgs []string `json:"qemu_args,omitempty"` // of its prompt boot (the floor's: its power-off boot)
	Error    string   `json:"error,omitempty"`
}

// pidoneTarget finds goarch's kernel (path as --kernel takes it) and
// builds the images pidone run and pidone run -- CMD boot on it. A
// failure is the target's err, so that its cells say what went wrong.
func pidoneTarget(ctx context.Context, name, goarch, path string) (*target, *kernel.Kernel) {
	t := &target{name: name, arch: goarch, prompt: pidonePrompt, off: bootopts.Options{Run: "true"}}
	k, err := kernel.FindArch(path, goarch)
	if err != nil {
		t.err = err
		return t, nil
	}
	t.kernel = k.Path
	if err := vm.Check(goarch); err != nil {
		t.err = err
		return t, k
	}
	s := &system.System{Arch: goarch, Kernel: k.Path, Compress: runCompression}
	if t.initrd, err = s.Image(ctx, k, false); err == nil {
		t.runInitrd, err = s.Image(ctx, k, true)
	}
	if err != nil {
		t.err = fmt.Errorf("pidone image for %s: %w", k.Path, err)
	}
	return t, k
}

// tinyKernel is the tiny kernel for goarch, as --kernel tiny finds it
// (kernel.Tiny prefers a build with this tree's options); stale says
// why it may not be this tree's.
func tinyKernel(goarch string) (path, stale string) {
	k, err := kernel.Tiny(goarch)
	if err != nil {
		return kernel.TinyFlavour, err.Error()
	}
	frags, err := kernel.Fragments(goarch, "")
	if err != nil {
		return k.Path, err.Error()
	}
	if c, err := k.Config(); err != nil || kernel.CheckConfig(c, frags...) != nil {
		return k.Path, "no tiny kernel in the cache has this tree's configuration (host/kernel/configs): pidone kernel build makes one"
	}
	return k.Path, ""
}

// tinyTargets are pidone and the floor on the tiny amd64 kernel; stale
// says why the kernel may not be the one this tree builds.
func tinyTargets(ctx context.Context, floorImage string) (pid, floor *target, k *kernel.Kernel, stale string) {
	path, stale := tinyKernel("amd64")
	pid, k = pidoneTarget(ctx, pidoneTiny, "amd64", path)
	pid.offInitrd, pid.meminfo = pid.initrd, true
	floor = &target{name: floorTiny, arch: "amd64", kernel: pid.kernel, offInitrd: floorImage}
	if k == nil {
		floor.err = pid.err
	}
	return pid, floor, k, stale
}

// archTargets are pidone on each of otherArches, booted to the prompt
// and run -- true in the first runs rounds.
func archTargets(ctx context.Context, runs int) []*target {
	var ts []*target
	for _, a := range otherArches {
		progress("building the pidone image for %s", a)
		t, _ := pidoneTarget(ctx, "pidone-"+a, a, "")
		t.runs = runs
		ts = append(ts, t)
	}
	return ts
}

// info describes t for the JSON results, resolving its accelerator.
func (b *bencher) info(ctx context.Context, t *target) KernelInfo {
	ki := KernelInfo{Target: t.name, Arch: t.arch, Kernel: t.kernel}
	if k, err := kernel.FindArch(t.kernel, t.arch); err == nil {
		ki.Version = k.Version
	}
	if t.err == nil {
		args, err := b.resolveAccel(ctx, t)
		if err != nil {
			t.err = err
		}
		ki.QEMUArgs = args
	}
	ki.Accel = t.accel
	if t.err != nil {
		ki.Error = t.err.Error()
	}
	return ki
}

// tinyRows compare pidone on the tiny kernel with pidone on the cloud
// kernel and the floor on the tiny kernel.
func (b *bencher) tinyRows(bs *bootSamples, run map[string]*samples, tiny *target, version, stale string) []Row {
	accel := tiny.accel
	if accel == "" {
		accel = b.accel
	}
	row := func(key, name, unit string, pid, cloud, floor *samples) Row {
		return Row{Key: key, Name: name, Unit: unit, Group: groupTiny, Accel: accel, Pidone: pid.cell(), Cloud: cloud.cell(), Floor: floor.cell()}
	}
	floor := bs.off[floorTiny]
	kernelNote := "the tiny kernel is " + version + " (pidone kernel build: tinyconfig and host/kernel/configs), booted as a PVH vmlinux"
	if version == "" {
		kernelNote = "no tiny kernel (pidone kernel build makes one)"
	} else if stale != "" {
		kernelNote += ", but " + stale
	}
	prompt := row("tiny_boot_prompt", "boot to prompt", "s", bs.prompt[pidoneTiny], bs.prompt["pidone"], floor)
	prompt.Note = "pidone's boot to prompt on each kernel, against the floor's boot to poweroff on the tiny kernel; " + kernelNote + "; " + targetVerdict(prompt)
	runTrue := row("tiny_run_true", "pidone run -- true, cold", "s", run[pidoneTiny], run["pidone"], floor)
	runTrue.Note = "as in the first table, on each kernel, against the floor's boot to poweroff on the tiny kernel; " + targetVerdict(runTrue)
	off := row("tiny_boot_poweroff", "boot to poweroff", "s", bs.off[pidoneTiny], bs.off["pidone"], floor)
	off.Note = "pidone.run=true on each kernel, against the floor's on the tiny kernel"
	floorOff := row("tiny_floor_poweroff", "floor: boot to poweroff", "s", floor, bs.off["floor"], nil)
	floorOff.Note = "the floor on each kernel (the tiny and cloud columns are the floor's here): what the kernel alone saves"
	used := row("tiny_mem_used", fmt.Sprintf("memory in use at prompt (-m %d)", b.mem), "MiB", bs.used[pidoneTiny], bs.used["pidone"], nil)
	rows := []Row{prompt, runTrue, off, floorOff, used}
	if tiny.accel != "" && b.accel != "" && tiny.accel != b.accel {
		for i := range rows {
			rows[i].Note += fmt.Sprintf(" (the cloud kernel's boots were under %s)", strings.ToUpper(b.accel))
		}
	}
	return rows
}

// targetVerdict says whether a tiny row meets the targets. It
// is called before finish, so it works from the cells.
func targetVerdict(r Row) string {
	if !r.Pidone.ok() || !r.Cloud.ok() || !r.Floor.ok() {
		return fmt.Sprintf("targets: cloud/tiny ≥ %.1f (aim %.1f), tiny−floor ≤ %.1f s: not measured", tinyMinSpeedup, tinyAimSpeedup, tinyMaxOverFloor)
	}
	ratio := r.Cloud.Median / r.Pidone.Median
	over := r.Pidone.Median - r.Floor.Median
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	return fmt.Sprintf("targets: cloud/tiny ≥ %.1f (aim %.1f): %.2f, %s; tiny−floor ≤ %.1f s: %+.2f s, %s",
		tinyMinSpeedup, tinyAimSpeedup, ratio, met(ratio >= tinyMinSpeedup), tinyMaxOverFloor, over, met(over <= tinyMaxOverFloor))
}

// archRows are each architecture's boot to prompt and run -- true.
func archRows(bs *bootSamples, run map[string]*samples, ts []*target, infos map[string]KernelInfo) []Row {
	var rows []Row
	for _, t := range ts {
		ki := infos[t.name]
		about := t.arch + " on "
		switch {
		case ki.Version != "":
			about += ki.Version
		case t.kernel != "":
			about += t.kernel
		default:
			about += "no kernel"
		}
		if a, err := vm.LookupArch(t.arch); err == nil {
			about += fmt.Sprintf(", %s %s", a.QEMU, a.Machines[0].Name)
			if t.accel != vm.KVM {
				about += " -cpu " + a.TCGCPU
			}
		}
		rows = append(rows,
			Row{Key: "arch_" + t.arch + "_boot_prompt", Name: t.arch + ": boot to prompt", Unit: "s", Group: groupArch, Accel: t.accel,
				Pidone: bs.prompt[t.name].cell(), Note: about},
			Row{Key: "arch_" + t.arch + "_run_true", Name: t.arch + ": pidone run -- true, cold", Unit: "s", Group: groupArch, Accel: t.accel,
				Pidone: run[t.name].cell()},
		)
	}
	return rows
}
