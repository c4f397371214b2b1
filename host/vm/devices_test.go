package vm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNetArgsAreRestricted(t *testing.T) {
	c := &Config{Kernel: "/k", Net: &Net{
		Forwards:  []Forward{{HostPort: 8080, GuestPort: 80}, {Proto: "udp", HostPort: 5353, GuestPort: 53}},
		GuestFwds: []GuestFwd{{GuestAddr: "10.0.2.100", GuestPort: 80, HostPort: 9000}},
	}}
	args, err := c.Args()
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(args, " ")
	for _, want := range []string{
		"-netdev user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:5353-:53,guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:9000",
		"-device virtio-net-device,netdev=net0",
		"-device virtio-rng-device",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("args lack %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "-net none") {
		t.Errorf("-net none with a network: %s", line)
	}
	c.Net.GuestFwds[0].HostAddr = "8.8.8.8"
	if _, err := c.Args(); err == nil || !strings.Contains(err.Error(), "only reach services on loopback") {
		t.Errorf("guestfwd to a public address: %v", err)
	}
}

func TestParseForward(t *testing.T) {
	for in, want := range map[string]Forward{
		"8080:80":     {"tcp", 8080, 80},
		"5353:53/udp": {"udp", 5353, 53},
	} {
		if got, err := ParseForward(in); err != nil || got != want {
			t.Errorf("ParseForward(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "80", "a:b", "0:80", "8080:80/sctp", "70000:1"} {
		if _, err := ParseForward(bad); err == nil {
			t.Errorf("ParseForward(%q) accepted", bad)
		}
	}
}

func TestParseGuestFwd(t *testing.T) {
	g, err := ParseGuestFwd("10.0.2.100:80=127.0.0.1:8080")
	if err != nil || g != (GuestFwd{"10.0.2.100", 80, "127.0.0.1", 8080}) {
		t.Errorf("got %+v, %v", g, err)
	}
	if g, err := ParseGuestFwd("10.0.2.100:80=8080"); err != nil || g.HostPort != 8080 {
		t.Errorf("short form: %+v, %v", g, err)
	}
	for _, bad := range []string{"10.0.2.100:80=192.168.1.1:80", "1.2.3.4:80=127.0.0.1:80", "x", "10.0.2.100:80"} {
		if _, err := ParseGuestFwd(bad); err == nil {
			t.Errorf("ParseGuestFwd(%q) accepted", bad)
		}
	}
}

func TestDisksAndShares(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "a,b.img")
	os.WriteFile(img, make([]byte, 1<<20), 0o644)
	d, err := ParseDisk(img + ":ro")
	if err != nil || !d.ReadOnly || d.Path != img {
		t.Fatalf("ParseDisk: %+v, %v", d, err)
	}
	s, guest, err := ParseShare(dir, 0)
	if err != nil || guest != "/mnt/host" || s.Tag != "share0" {
		t.Fatalf("ParseShare: %+v %q %v", s, guest, err)
	}
	if _, _, err := ParseShare(dir+":rel", 1); err == nil {
		t.Errorf("relative guest dir accepted")
	}
	c := &Config{Kernel: "/k", Disks: []Disk{d, {Path: img}, {Path: img, Scratch: true}}, Shares: []Share{s}, NoRNG: true}
	args, err := c.Args()
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(args, " ")
	for _, want := range []string{
		"file=" + strings.ReplaceAll(img, ",", ",,") + ",if=none,id=disk0,format=raw,cache=writeback,readonly=on",
		"virtio-blk-device,drive=disk1",
		// The guest's writes go to an overlay in the VM's directory.
		",id=disk2,format=raw,cache=writeback,snapshot=on",
		// Mapped: a guest's chmod 6755 must not reach the host's bits.
		"-fsdev local,id=share0,path=" + dir + ",security_model=" + securityModel(dir) + ",fmode=0644,dmode=0755",
		"virtio-9p-device,fsdev=share0,mount_tag=share0",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("args lack %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "virtio-rng") {
		t.Errorf("NoRNG ignored")
	}
	c = &Config{Kernel: "/k", Disks: []Disk{{Path: filepath.Join(dir, "missing.img")}}}
	if _, err := c.Args(); err == nil || !strings.Contains(err.Error(), "missing.img: no such file") {
		t.Errorf("missing disk: %v", err)
	}
}

func FuzzParseSpecs(f *testing.F) {
	f.Add("10.0.2.100:80=127.0.0.1:8080")
	f.Add("8080:80/udp")
	f.Fuzz(func(t *testing.T, s string) {
		if g, err := ParseGuestFwd(s); err == nil && g.check() != nil {
			t.Errorf("ParseGuestFwd(%q) accepted a forward that check rejects", s)
		}
		if fw, err := ParseForward(s); err == nil && (fw.HostPort <= 0 || fw.GuestPort <= 0) {
			t.Errorf("ParseForward(%q) = %+v", s, fw)
		}
		ParseDisk(s)
		ParseShare(s, 0)
	})
}
