package vm

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"strings"
)

// Arch is everything about booting one guest architecture that differs
// from another: QEMU's binary and machines, the console, the CPU under
// TCG, the kernel's image format and Debian's names. arches has a row
// per architecture; code elsewhere asks it rather than switching on
// GOARCH.
type Arch struct {
	GOARCH string // Go's name, what --arch takes
	Uname  string // uname -m in the guest

	QEMU    string // QEMU's system emulator
	Package string // the Debian package that has it

	// Machines are the QEMU machines pidone boots it on, the default
	// first.
	Machines []Machine
	Console  string // the serial console's device
	// TCGCPU is -cpu under TCG (under KVM it is always host).
	TCGCPU string
	// KVMHosts are the host GOARCHes whose KVM runs this guest.
	KVMHosts []string
	// Cmdline is kernel command line the architecture's kernels want
	// under QEMU; each is left out when the caller's own command line
	// sets the same option.
	Cmdline []string
	// TCGCmdline is more of it, only under TCG: what costs an emulated
	// CPU much more than a real one.
	TCGCmdline []string

	// Images are the kernel image formats QEMU boots for it, besides an
	// ELF vmlinux of its machine.
	Images []ImageFormat
	// ELF is the e_machine of its ELF vmlinux.
	ELF uint16

	// DebianArch is dpkg's name for it; DebianKernel the flavour suffix
	// of Debian's kernel packages (linux-image-686, linux-image-6.1.0-26-686),
	// "" where Debian has no kernel for it.
	DebianArch, DebianKernel string
	// DebianFlavours are Debian's kernel flavours for it that pidone
	// boots, the default first: cloud is linux-image-cloud-SUFFIX,
	// generic linux-image-SUFFIX.
	DebianFlavours []string

	// LinuxArch is the kernel's name for it (make ARCH=), and
	// KernelImage the file its build boots, under the source tree.
	LinuxArch, KernelImage string
}

// Machine is one QEMU machine type: how it is asked for and what its
// devices need.
type Machine struct {
	Name string   // what --machine takes: microvm, pc, virt
	Args []string // QEMU's -M
	// Transport is the virtio transport's module, which has to load
	// before any virtio device appears: virtio_mmio or virtio_pci.
	Transport string
	// Bus is the suffix of QEMU's virtio device names on it:
	// virtio-net-device on virtio-mmio, virtio-net-pci on PCI.
	Bus string
	// Panic is QEMU's pvpanic device, through which the guest's kernel
	// tells QEMU it panicked, and PanicDriver its module in the guest:
	// the ISA one (ACPI QEMU0001, pvpanic_mmio) where there is ISA,
	// pvpanic-pci elsewhere.
	Panic, PanicDriver string
	// Cmdline is kernel command line the machine needs.
	Cmdline []string
	// TSCKHz: the kernel is told the TSC's frequency under TCG
	// (tsc_early_khz=), see tscKHz.
	TSCKHz bool
}

// ImageFormat is a kernel image format: magic bytes at an offset of its
// first 0x240 bytes.
type ImageFormat struct {
	Name   string
	Offset int
	Magic  string
	// Flag, if not zero, is a bit of the byte at FlagOffset that must
	// be set (FlagSet) or clear: the x86 boot header says whether the
	// kernel is 64-bit (XLF_KERNEL_64).
	FlagOffset int
	Flag       byte
	FlagSet    bool
}

func (f ImageFormat) match(head []byte) bool {
	if len(head) < f.Offset+len(f.Magic) || string(head[f.Offset:f.Offset+len(f.Magic)]) != f.Magic {
		return false
	}
	if f.Flag != 0 {
		if len(head) <= f.FlagOffset {
			return false
		}
		return (head[f.FlagOffset]&f.Flag != 0) == f.FlagSet
	}
	return true
}

// Machines pidone boots. microvm, the x86 default, has no PCI, firmware
// or legacy devices to set up: Debian's cloud kernel reaches init
// 0.4-0.5 s sooner under TCG than on pc. Its devices are virtio-mmio,
// described by ACPI, so the kernel needs virtio_mmio (a module in
// distribution kernels, which pidone's coldplug loads). pc is there for
// kernels without it. virt is arm64's and riscv64's only machine: its
// virtio-mmio devices are in the device tree, and it has PCIe but no
// ISA.
const (
	MicroVM = "microvm"
	PC      = "pc"
	Virt    = "virt"
)

var (
	microvm = Machine{
		Name: MicroVM, Args: []string{"-M", "microvm"},
		Transport: "virtio_mmio", Bus: "device",
		Panic: "pvpanic", PanicDriver: "pvpanic_mmio",
		// microvm has no keyboard controller to reset through, and its
		// ACPI reset sometimes leaves the CPU spinning: a triple fault
		// always resets it.
		Cmdline: []string{"reboot=t"},
		TSCKHz:  true,
	}
	pc = Machine{
		// i8042=off: the PS/2 probe costs 0.3-0.4 s at boot and
		// power-off under TCG, and a serial console has no keyboard.
		Name: PC, Args: []string{"-M", "pc,i8042=off"},
		Transport: "virtio_pci", Bus: "pci",
		Panic: "pvpanic", PanicDriver: "pvpanic_mmio",
	}
	virt = Machine{
		Name: Virt, Args: []string{"-M", "virt"},
		Transport: "virtio_mmio", Bus: "device",
		Panic: "pvpanic-pci", PanicDriver: "pvpanic_pci",
	}
)

// x86Cmdline: the timer check fails under a loaded host ("IO-APIC + timer
// doesn't work") and panics a kernel that would have run fine; and
// QEMU's TSC follows the host's clock, so the kernel's watchdog,
// comparing it with jiffies on a busy host, would declare it unstable
// mid-session, say so on the console and fall back to a coarse clock.
var x86Cmdline = []string{"no_timer_check", "tsc=reliable"}

// x86TCGCmdline: a kernel booting with one CPU patches every lock prefix
// of its own code out (6,000 sites in pidone's tiny kernel), each a
// text_poke with two page-table switches, which flush the whole TLB of
// TCG's soft MMU and invalidate its translations of the page.
// noreplace-smp keeps the prefixes (an uncontended lock costs TCG little):
// the floor's boot to power-off on microvm went from 0.62 to 0.51 s on
// pidone's tiny kernel and from 1.98 to 1.74 s on Debian's cloud kernel
// (medians of 8 interleaved boots each); with several CPUs the kernel
// patches nothing anyway.
var x86TCGCmdline = []string{"noreplace-smp"}

// x86CPU is the CPU under TCG on x86: QEMU's basic model with the
// instructions the kernel's fast crypto and checksum drivers need
// (crc32c_intel wants SSE4.2, ghash_clmulni_intel PCLMULQDQ, aesni_intel
// AES-NI): without them those modules refuse to load. Measured on this
// machine (TCG, boot to power-off, 16 interleaved boots each, medians):
// qemu64 2.62 s, qemu64 with these flags 2.69 s, Westmere 2.75 s, max
// 2.81 s; the flags cost least of the models that have them.
const x86CPU = ",+ssse3,+sse4.1,+sse4.2,+popcnt,+pclmulqdq,+aes"

// bzImage is the x86 boot protocol's header; its xloadflags tell a
// 64-bit kernel from a 32-bit one.
func bzImage(bits64 bool) ImageFormat {
	return ImageFormat{Name: "bzImage", Offset: 0x202, Magic: "HdrS", FlagOffset: 0x236, Flag: 1, FlagSet: bits64}
}

// arches is the table: one row per guest architecture, in the order
// pidone lists them.
var arches = []Arch{
	{
		GOARCH: "amd64", Uname: "x86_64",
		QEMU: "qemu-system-x86_64", Package: "qemu-system-x86",
		Machines:   []Machine{microvm, pc},
		Console:    "ttyS0",
		TCGCPU:     "qemu64" + x86CPU,
		KVMHosts:   []string{"amd64"},
		Cmdline:    x86Cmdline,
		TCGCmdline: x86TCGCmdline,
		Images:     []ImageFormat{bzImage(true)},
		ELF:        62, // EM_X86_64
		// Debian's cloud flavour is small and has the virtio drivers.
		DebianArch: "amd64", DebianKernel: "amd64", DebianFlavours: []string{"cloud", "generic"},
		LinuxArch: "x86", KernelImage: "arch/x86/boot/bzImage",
	},
	{
		GOARCH: "arm64", Uname: "aarch64",
		QEMU: "qemu-system-aarch64", Package: "qemu-system-arm",
		Machines: []Machine{virt},
		Console:  "ttyAMA0",
		// max with QEMU's own pointer authentication rather than the
		// architected QARMA: Debian's kernel reaches init in 1.9 s
		// against 8.3 s (and 2.2 s on cortex-a57).
		TCGCPU:     "max,pauth-impdef=on",
		KVMHosts:   []string{"arm64"},
		Images:     []ImageFormat{{Name: "Image", Offset: 0x38, Magic: "ARM\x64"}},
		ELF:        183, // EM_AARCH64
		DebianArch: "arm64", DebianKernel: "arm64", DebianFlavours: []string{"generic"},
		LinuxArch: "arm64", KernelImage: "arch/arm64/boot/Image",
	},
	{
		GOARCH: "riscv64", Uname: "riscv64",
		QEMU: "qemu-system-riscv64", Package: "qemu-system-misc",
		// QEMU's bundled OpenSBI is the firmware; the kernel powers off
		// through its SBI.
		Machines: []Machine{virt},
		Console:  "ttyS0",
		// virt's default; QEMU 7.2 (Debian 12) has no max for riscv64.
		TCGCPU:   "rv64",
		KVMHosts: []string{"riscv64"},
		Images: []ImageFormat{
			{Name: "Image", Offset: 0x38, Magic: "RSC\x05"},
			{Name: "Image", Offset: 0x30, Magic: "RISCV\x00\x00\x00"},
		},
		ELF:        243, // EM_RISCV
		DebianArch: "riscv64",
		LinuxArch:  "riscv", KernelImage: "arch/riscv/boot/Image",
	},
	{
		GOARCH: "386", Uname: "i686",
		QEMU: "qemu-system-i386", Package: "qemu-system-x86",
		Machines: []Machine{microvm, pc},
		Console:  "ttyS0",
		// qemu64 would ask for long mode, which qemu-system-i386 lacks.
		TCGCPU:     "qemu32" + x86CPU,
		KVMHosts:   []string{"386", "amd64"},
		Cmdline:    x86Cmdline,
		TCGCmdline: x86TCGCmdline,
		Images:     []ImageFormat{bzImage(false)},
		ELF:        3, // EM_386
		DebianArch: "i386", DebianKernel: "686", DebianFlavours: []string{"generic"},
		LinuxArch: "x86", KernelImage: "arch/x86/boot/bzImage",
	},
}

// ArchNames are the architectures pidone boots, as GOARCH.
func ArchNames() []string {
	var names []string
	for _, a := range arches {
		names = append(names, a.GOARCH)
	}
	return names
}

// LookupArch returns the row of goarch ("" is the host's).
func LookupArch(goarch string) (*Arch, error) {
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	for i := range arches {
		if arches[i].GOARCH == goarch {
			return &arches[i], nil
		}
	}
	return nil, fmt.Errorf("architecture %q is not supported (supported: %s)", goarch, strings.Join(ArchNames(), ", "))
}

// Machine returns a's machine called name ("" is its default).
func (a *Arch) Machine(name string) (*Machine, error) {
	if name == "" {
		return &a.Machines[0], nil
	}
	for i := range a.Machines {
		if a.Machines[i].Name == name {
			return &a.Machines[i], nil
		}
	}
	var names []string
	for i, m := range a.Machines {
		if i == 0 {
			names = append(names, m.Name+" (the default)")
		} else {
			names = append(names, m.Name)
		}
	}
	return nil, fmt.Errorf("machine %q: %s guests boot on %s", name, a.GOARCH, strings.Join(names, " or "))
}

// KVM reports whether KVM on a host of hostArch can run a's guests.
func (a *Arch) KVM(hostArch string) bool { return slices.Contains(a.KVMHosts, hostArch) }

// MachineOf returns the machine name of goarch ("" for each is the
// default): what a system's devices need.
func MachineOf(goarch, name string) (*Machine, error) {
	a, err := LookupArch(goarch)
	if err != nil {
		return nil, err
	}
	return a.Machine(name)
}

// KernelArch names the architecture (GOARCH) of the kernel image whose
// first 0x240 bytes are head, and its format ("bzImage", "Image", "ELF");
// "" and "" when it is none that pidone boots.
func KernelArch(head []byte) (goarch, format string) {
	if len(head) >= 20 && string(head[:4]) == "\x7fELF" {
		// A vmlinux: QEMU boots x86 ones through their PVH note, and
		// the other architectures' directly.
		var m uint16
		switch head[5] {
		case 1:
			m = binary.LittleEndian.Uint16(head[18:])
		case 2:
			m = binary.BigEndian.Uint16(head[18:])
		}
		for _, a := range arches {
			if a.ELF == m {
				return a.GOARCH, "ELF"
			}
		}
		return "", ""
	}
	for _, a := range arches {
		for _, f := range a.Images {
			if f.match(head) {
				return a.GOARCH, f.Name
			}
		}
	}
	return "", ""
}
