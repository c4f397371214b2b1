package system

import (
	"reflect"
	"strings"
	"testing"

	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
)

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		s    System
		want string
	}{
		{System{Mem: 8}, "--mem 8"},
		{System{CPUs: -1}, "--smp -1"},
		{System{Accel: "hvf"}, `--accel "hvf"`},
		{System{Arch: "../x"}, "--arch"},
		{System{Append: "a\nb"}, "--append"},
		{System{Append: `pidone.run="x`}, "never closed"},
		{System{Cmdline: `pidone.run="x`}, "--cmdline"},
		{System{PID1: true}, "--pid1 needs exactly one --app"},
		{System{Apps: []App{{Pkg: "./a/srv"}, {Pkg: "./b/srv"}}}, "would both be /bin/srv"},
		{System{Apps: []App{{Pkg: "./srv", Args: []string{"a b"}}}}, "cannot hold"},
		{System{Shares: []Share{{HostDir: "/x", Dir: "rel"}}}, "must be absolute"},
	} {
		err := tt.s.Check()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.s, err, tt.want)
		}
	}
	ok := System{Apps: []App{{Pkg: "./srv"}, {Pkg: "./srv", Args: []string{"-x"}}}, Mem: 64}
	if err := ok.Check(); err != nil {
		t.Errorf("one package twice: %v", err)
	}
	if err := (&System{}).Check(); err != nil {
		t.Errorf("the zero System: %v", err)
	}
}

// TestDevicesMakeOptionsAndDrivers: each device brings its driver into
// the image and its init option onto the command line, with nothing
// written by hand.
func TestDevicesMakeOptionsAndDrivers(t *testing.T) {
	s := System{}
	if got, want := s.drivers(false), []string{"virtio_mmio", "pvpanic_mmio", "virtio_rng"}; !reflect.DeepEqual(got, want) {
		t.Errorf("default drivers %v, want %v", got, want)
	}
	s = System{
		Machine:  vm.PC,
		NoRNG:    true,
		Forwards: []vm.Forward{{HostPort: 8080, GuestPort: 80}},
		Disks:    []vm.Disk{{Path: "d.img"}},
		Shares:   []Share{{HostDir: "/a"}, {HostDir: "/b", Dir: "/srv"}, {HostDir: "/c", NoMount: true}},
		Boot:     bootopts.Options{Debug: true},
	}
	if got, want := s.drivers(true), []string{"virtio_pci", "pvpanic_mmio", "virtio_net", "virtio_blk", "9pnet_virtio", "9p", "virtio_console"}; !reflect.DeepEqual(got, want) {
		t.Errorf("drivers %v, want %v", got, want)
	}
	o := s.bootOptions(bootopts.Options{Exec: true})
	if o.Net != "dhcp" || !o.Debug || !o.Exec {
		t.Errorf("boot options %+v", o)
	}
	if want := []bootopts.Share{{Tag: "share0", Dir: "/mnt/host"}, {Tag: "share1", Dir: "/srv"}}; !reflect.DeepEqual(o.Shares, want) {
		t.Errorf("shares %+v, want %+v", o.Shares, want)
	}
	devs, _ := s.shares()
	if len(devs) != 3 || devs[2].Tag != "share2" {
		t.Errorf("share devices %+v", devs)
	}
}

func TestIsGoPackage(t *testing.T) {
	for arg, want := range map[string]bool{
		"./cmd/x": true, "../x": true, "example.com/tool": true, "golang.org/x/tools/cmd/stringer": true,
		"ls": false, "/bin/pass.test": false, "sh": false, "a/b": false, ".": false,
	} {
		if got := IsGoPackage(arg); got != want {
			t.Errorf("IsGoPackage(%q) = %v", arg, got)
		}
	}
}

// TestBakedOptions: apps become pidone.app options in the image, and the
// user's --cmdline comes after them (it wins).
func TestBakedOptions(t *testing.T) {
	s := System{Apps: []App{{Pkg: "./cmd/srv", Args: []string{"-addr", ":80"}}}, Init: bootopts.Options{NoShell: true}, Cmdline: "pidone.debug"}
	text, err := s.bakedOptions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	o, errs := bootopts.Parse(text)
	if len(errs) > 0 || !reflect.DeepEqual(o.Apps, [][]string{{"/bin/srv", "-addr", ":80"}}) || !o.NoShell || !strings.HasSuffix(text, " pidone.debug") {
		t.Errorf("baked %q: %+v %v", text, o, errs)
	}
}
