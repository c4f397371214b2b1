package kmod_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pidone.dev/pkg/kmod"
	"pidone.dev/pkg/kmod/kmodtest"
)

// TestDevnames: depmod makes modules.devname from the aliases of modules
// that declare a node ("devname:NAME" and "char-major-M-m" or
// "block-major-M-m"), as kmod's depmod does, and the file reads back.
func TestDevnames(t *testing.T) {
	dir := kmodtest.Tree(t, t.TempDir(), map[string][]string{
		"kernel/drivers/net/tun.ko":       {"alias=devname:net/tun", "alias=char-major-10-200"},
		"kernel/drivers/block/loop.ko":    {"alias=devname:loop-control", "alias=char-major-10-237", "alias=block-major-7-*"},
		"kernel/fs/fuse/fuse.ko":          {"alias=char-major-10-229", "alias=devname:fuse", "alias=fs-fuse"},
		"kernel/drivers/md/dm-mod.ko":     {"alias=devname:mapper/control", "alias=char-major-10-236"},
		"kernel/drivers/block/brd.ko":     {"alias=block-major-1-*", "alias=rd"},             // numbers, no name
		"kernel/drivers/char/nameonly.ko": {"alias=devname:nameonly"},                        // name, no numbers
		"kernel/drivers/block/blk.ko":     {"alias=devname:blk0", "alias=block-major-250-3"}, // a block node
		"kernel/drivers/char/evil.ko":     {"alias=devname:../etc/passwd", "alias=char-major-1-3"},
	})
	ix, err := kmod.Depmod(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []kmod.Devname{
		{Module: "blk", Name: "blk0", Type: 'b', Major: 250, Minor: 3},
		{Module: "dm_mod", Name: "mapper/control", Type: 'c', Major: 10, Minor: 236},
		{Module: "fuse", Name: "fuse", Type: 'c', Major: 10, Minor: 229},
		{Module: "loop", Name: "loop-control", Type: 'c', Major: 10, Minor: 237},
		{Module: "tun", Name: "net/tun", Type: 'c', Major: 10, Minor: 200},
	}
	if got := ix.Devnames(); !reflect.DeepEqual(got, want) {
		t.Errorf("Devnames = %+v\nwant %+v", got, want)
	}
	if err := ix.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, kmod.DevnameFile))
	wantText := "# Device nodes to trigger on-demand module loading.\n" +
		"blk blk0 b250:3\ndm_mod mapper/control c10:236\nfuse fuse c10:229\nloop loop-control c10:237\ntun net/tun c10:200\n"
	if err != nil || string(b) != wantText {
		t.Errorf("modules.devname = %q, %v\nwant %q", b, err, wantText)
	}
	back, err := kmod.ParseDevname(bytes.NewReader(b))
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("ParseDevname(WriteDevname(x)) = %+v, %v", back, err)
	}
	// The index loaded back has the aliases, so the same nodes.
	loaded, err := kmod.Load(dir)
	if err != nil || !reflect.DeepEqual(loaded.Devnames(), want) {
		t.Errorf("Load(dir).Devnames() = %+v, %v", loaded.Devnames(), err)
	}
	// A subset keeps the nodes of its modules only.
	if got := ix.Subset([]string{"tun", "brd"}).Devnames(); !reflect.DeepEqual(got, want[4:]) {
		t.Errorf("Subset(tun, brd).Devnames() = %+v", got)
	}

	for _, bad := range []string{"tun net/tun\n", "tun net/tun x10:200\n", "tun net/tun c10\n", "tun /dev/x c1:2\n", "tun a/../b c1:2\n", "tun net/tun c10:x\n"} {
		if _, err := kmod.ParseDevname(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "modules.devname line 1") {
			t.Errorf("ParseDevname(%q) = %v, want an error naming line 1", bad, err)
		}
	}
}

// TestCmdlineOptions: MODULE.PARAM=VALUE words of the kernel command line,
// read as kmod's modprobe reads /proc/cmdline.
func TestCmdlineOptions(t *testing.T) {
	for _, c := range []struct {
		cmdline string
		want    map[string]string
	}{
		{"", map[string]string{}},
		{"console=ttyS0 quiet nf_conntrack.enable_hooks=1 pidone.modules=auto,x",
			map[string]string{"nf_conntrack": "enable_hooks=1", "pidone": "modules=auto,x"}},
		// Dashes are underscores in module names; parameters of one
		// module add up in order; a flag without a value is kept.
		{"nf-conntrack.hashsize=4096 nf_conntrack.enable_hooks=1 loop.max_part\n",
			map[string]string{"nf_conntrack": "hashsize=4096 enable_hooks=1", "loop": "max_part"}},
		// A quoted value keeps its quotes, for the kernel's own parser.
		{`dyndbg.x=1 parport.dyndbg="file drivers/x.c +p" b.c=d`,
			map[string]string{"dyndbg": "x=1", "parport": `dyndbg="file drivers/x.c +p"`, "b": "c=d"}},
		// A word the boot loader quoted whole gets its value quoted.
		{`"parport.dyndbg=file drivers/x.c +p" e.f=g`,
			map[string]string{"parport": `dyndbg="file drivers/x.c +p"`, "e": "f=g"}},
		// Not module parameters: a second dot before '=', '=' first,
		// spaces in a quoted name; a quote inside a name opens a quote
		// that swallows the rest, as in kmod.
		{`a.b.c=1 root=/dev/vda1.2 ok.p=a.b=c`, map[string]string{"ok": "p=a.b=c"}},
		{`"m n.p=1" ok.q=1`, map[string]string{"ok": "q=1"}},
		{`x"y.z=1 w.v=2`, map[string]string{}},
		{"\ttab.p=1\tcr.q=2\r", map[string]string{"tab": "p=1", "cr": "q=2"}},
	} {
		if got := kmod.CmdlineOptions(c.cmdline); !reflect.DeepEqual(got, c.want) {
			t.Errorf("CmdlineOptions(%q) = %q\nwant %q", c.cmdline, got, c.want)
		}
	}
}

func FuzzCmdlineOptions(f *testing.F) {
	f.Add(`a.b=c "d.e=f g" h-i.j="k l"`)
	f.Fuzz(func(t *testing.T, s string) {
		for m, o := range kmod.CmdlineOptions(s) {
			if m == "" || o == "" || strings.Contains(m, "-") {
				t.Fatalf("CmdlineOptions(%q): module %q options %q", s, m, o)
			}
		}
	})
}

func FuzzParseDevname(f *testing.F) {
	f.Add("# c\ntun net/tun c10:200\nloop loop-control c10:237\n")
	f.Fuzz(func(t *testing.T, in string) {
		ds, err := kmod.ParseDevname(strings.NewReader(in))
		if err != nil {
			return
		}
		var b bytes.Buffer
		kmod.WriteDevname(&b, ds)
		back, err := kmod.ParseDevname(&b)
		if err != nil || !reflect.DeepEqual(back, ds) {
			t.Fatalf("ParseDevname(WriteDevname(%+v)) = %+v, %v", ds, back, err)
		}
	})
}
