package modprobe

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseProcModules(t *testing.T) {
	ms, err := ParseProcModules(strings.NewReader(
		"virtio_rng 16384 0 - Live 0xffffffffc0350000\n" +
			"virtio_ring 45056 2 virtio_rng,virtio_pci, Live 0xffffffffc0330000\n" +
			"loading 4096 - - Loading 0x0 (OE)\n\n"))
	want := []ProcModule{
		{Name: "virtio_rng", Size: 16384, Refs: 0, State: "Live"},
		{Name: "virtio_ring", Size: 45056, Refs: 2, Users: []string{"virtio_rng", "virtio_pci"}, State: "Live"},
		{Name: "loading", Size: 4096, Refs: -1, State: "Loading"},
	}
	if err != nil || !reflect.DeepEqual(ms, want) {
		t.Errorf("ParseProcModules = %+v, %v\nwant %+v", ms, err, want)
	}
	for _, bad := range []string{"x 1 0\n", "x big 0 - Live 0x0\n", "x 1 many - Live 0x0\n"} {
		if _, err := ParseProcModules(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "/proc/modules line 1") {
			t.Errorf("ParseProcModules(%q) = %v, want an error naming the line", bad, err)
		}
	}
}

func FuzzProcModules(f *testing.F) {
	f.Add("virtio_ring 45056 2 virtio_rng,virtio_pci, Live 0xffffffffc0330000\n")
	f.Fuzz(func(t *testing.T, in string) {
		ms, err := ParseProcModules(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.Name == "" || m.Refs < -1 || m.Size < 0 {
				t.Fatalf("bad module %+v", m)
			}
		}
	})
}

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, body := range files {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpen(t *testing.T) {
	root := t.TempDir()
	s, err := Open(root, "6.1.0-1-amd64")
	if !errors.Is(err, ErrNoModules) || err.Error() != "no modules in this system: no /lib/modules/6.1.0-1-amd64" {
		t.Errorf("Open without /lib/modules: %v", err)
	}
	if _, err := s.Resolve("virtio_net"); err == nil || err.Error() != "virtio_net: no such module in /lib/modules/6.1.0-1-amd64 (pidone build --modules adds modules)" {
		t.Errorf("Resolve in a system without modules: %v", err)
	}
	// --modules none: only the list of what the image lacks.
	write(t, root, map[string]string{"lib/modules/6.1.0-1-amd64/pidone.absent": "# lacking\nalias virtio:d00000002v* virtio_blk\n"})
	s, err = Open(root, "6.1.0-1-amd64")
	if err != nil || len(s.Index.Modules) != 0 || len(s.Absent) != 1 || s.Absent[0].Module != "virtio_blk" {
		t.Errorf("Open with pidone.absent only: %+v, %v", s, err)
	}
	write(t, root, map[string]string{
		"lib/modules/6.1.0-1-amd64/modules.dep":     "kernel/a.ko: kernel/b.ko\nkernel/b.ko:\n",
		"lib/modules/6.1.0-1-amd64/modules.builtin": "kernel/fs/ext4/ext4.ko\n",
	})
	s, err = Open(root, "6.1.0-1-amd64")
	if err != nil || len(s.Index.Modules) != 2 {
		t.Fatalf("Open: %+v, %v", s, err)
	}
	var be *BuiltinError
	if _, err := s.Resolve("ext4"); !errors.As(err, &be) || err.Error() != "ext4 is built into the kernel" {
		t.Errorf("Resolve(ext4) = %v", err)
	}
	var logged []string
	done, err := s.Load("a", Options{DryRun: true, Log: func(f string, a ...any) { logged = append(logged, strings.TrimSpace(f)) }})
	if err != nil || !reflect.DeepEqual(done, []string{"b", "a"}) || len(logged) != 2 {
		t.Errorf("dry-run Load(a) = %q, %v (log %q)", done, err, logged)
	}
}

func TestDevices(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"sys/bus/pci/devices/0000:00:03.0/modalias": "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00\n",
		"sys/bus/pci/devices/0000:00:00.0/modalias": "pci:v00008086d00001237sv00001AF4sd00001100bc06sc00i00\n",
		"sys/bus/virtio/devices/virtio0/modalias":   "virtio:d00000001v00001AF4\n",
		"sys/bus/virtio/devices/virtio1/modalias":   "\n",
		"sys/bus/cpu/devices/cpu0/uevent":           "",
	})
	os.Symlink("../../../bus/pci/drivers/virtio-pci", filepath.Join(root, "sys/bus/pci/devices/0000:00:03.0/driver"))
	want := []Device{
		{Name: "0000:00:00.0", Bus: "pci", Modalias: "pci:v00008086d00001237sv00001AF4sd00001100bc06sc00i00"},
		{Name: "0000:00:03.0", Bus: "pci", Modalias: "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00", Bound: true},
		{Name: "virtio0", Bus: "virtio", Modalias: "virtio:d00000001v00001AF4"},
	}
	if got := Devices(root); !reflect.DeepEqual(got, want) {
		t.Errorf("Devices = %+v\nwant %+v", got, want)
	}
}
