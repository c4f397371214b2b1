package modprobe

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// crypto is a module tree shaped like Debian's for the modules that made
// pidone's modprobe give up under TCG, whose default CPU (qemu64) has no
// SSE4.2, PCLMUL or AES-NI: the accelerated crc32c and ghash refuse to
// load there (ENODEV), and their generic versions work.
var crypto = map[string]string{
	"modules.dep": "kernel/net/netfilter/nf_conntrack.ko: kernel/lib/libcrc32c.ko kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko\n" +
		"kernel/lib/libcrc32c.ko:\n" +
		"kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko:\n" +
		"kernel/arch/x86/crypto/crc32c-intel.ko:\n" +
		"kernel/crypto/crc32c_generic.ko:\n" +
		"kernel/arch/x86/crypto/ghash-clmulni-intel.ko: kernel/crypto/cryptd.ko\n" +
		"kernel/crypto/cryptd.ko:\n" +
		"kernel/crypto/ghash-generic.ko:\n" +
		"kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko\n" +
		"kernel/fs/jbd2/jbd2.ko:\n" +
		"kernel/fs/broken.ko: kernel/fs/baddep.ko\n" +
		"kernel/fs/baddep.ko:\n",
	"modules.alias": "alias crypto-crc32c crc32c_generic\nalias crc32c crc32c_generic\n" +
		"alias crypto-crc32c crc32c_intel\nalias crc32c crc32c_intel\n" +
		"alias crypto-ghash ghash_clmulni_intel\nalias crypto-ghash ghash_generic\n" +
		"alias fs-ext4 ext4\nalias fs-broken broken\nalias fs-broken baddep\n",
	"modules.softdep": "softdep libcrc32c pre: crc32c\nsoftdep ext4 pre: crypto-crc32c\nsoftdep jbd2 pre: crypto-crc32c\n",
}

// fakeKernel opens a System on a tree with crypto's modules, whose
// insmod records what it loads and refuses the modules in refuse with
// their errno.
func fakeKernel(t *testing.T, cmdline string, refuse map[string]unix.Errno) (*System, *[]string) {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{"proc/modules": "", "proc/cmdline": cmdline}
	for name, body := range crypto {
		files["lib/modules/6.1.0-1-amd64/"+name] = body
	}
	write(t, root, files)
	s, err := Open(root, "6.1.0-1-amd64")
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	s.insmod = func(path, params string) error {
		name := strings.TrimSuffix(filepath.Base(path), ".ko")
		calls = append(calls, strings.TrimSpace(name+" "+params))
		if errno, ok := refuse[name]; ok {
			return errno
		}
		return nil
	}
	return s, &calls
}

var tcg = map[string]unix.Errno{"crc32c-intel": unix.ENODEV, "ghash-clmulni-intel": unix.ENODEV}

// TestLoadSoftdepFails: a soft dependency that does not load (crc32c_intel
// on a CPU without SSE4.2) is no failure of the module that asks for it,
// as with kmod; the other module of the alias (crc32c_generic) loads.
func TestLoadSoftdepFails(t *testing.T) {
	for _, c := range []struct {
		name  string
		calls []string
		done  []string
		asker string
	}{
		{"nf_conntrack", []string{"nf_defrag_ipv4", "crc32c_generic", "crc32c-intel", "libcrc32c", "nf_conntrack"},
			[]string{"nf_defrag_ipv4", "crc32c_generic", "libcrc32c", "nf_conntrack"}, "libcrc32c"},
		{"fs-ext4", []string{"crc32c_generic", "crc32c-intel", "jbd2", "ext4"}, []string{"crc32c_generic", "jbd2", "ext4"}, "jbd2"},
	} {
		s, calls := fakeKernel(t, "", tcg)
		var notes []string
		done, err := s.Load(c.name, Options{Log: func(f string, a ...any) { notes = append(notes, fmt.Sprintf(f, a...)) }})
		if err != nil || !reflect.DeepEqual(done, c.done) || !reflect.DeepEqual(*calls, c.calls) {
			t.Errorf("Load(%s) = %q, %v (insmod %q)\nwant %q, nil (insmod %q)", c.name, done, err, *calls, c.done, c.calls)
		}
		if !strings.Contains(strings.Join(notes, "\n"), "note: crc32c_intel: cannot load /lib/modules/6.1.0-1-amd64/kernel/arch/x86/crypto/crc32c-intel.ko: No such device (a soft dependency of "+c.asker+"; going on without it)") {
			t.Errorf("Load(%s): the soft dependency's failure is not in the log:\n%s", c.name, strings.Join(notes, "\n"))
		}
	}
}

// TestLoadAlias: every module an alias names is tried, and the load
// succeeds when one of them loads.
func TestLoadAlias(t *testing.T) {
	s, calls := fakeKernel(t, "", tcg)
	done, err := s.Load("crypto-ghash", Options{})
	want := []string{"cryptd", "ghash-clmulni-intel", "ghash-generic"}
	if err != nil || !reflect.DeepEqual(done, []string{"cryptd", "ghash_generic"}) || !reflect.DeepEqual(*calls, want) {
		t.Errorf("Load(crypto-ghash) = %q, %v (insmod %q); want ghash_generic loaded after ghash_clmulni_intel failed", done, err, *calls)
	}

	// None of them loads: the error names each.
	s, _ = fakeKernel(t, "", map[string]unix.Errno{"ghash-clmulni-intel": unix.ENODEV, "ghash-generic": unix.ENOEXEC})
	_, err = s.Load("crypto-ghash", Options{})
	if err == nil || !strings.Contains(err.Error(), "ghash_clmulni_intel: cannot load") || !strings.Contains(err.Error(), "ghash_generic: cannot load") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Load(crypto-ghash) with neither loading: %v", err)
	}

	// What a module needs is no soft dependency: its failure is one.
	s, calls = fakeKernel(t, "", map[string]unix.Errno{"baddep": unix.ENOEXEC})
	_, err = s.Load("broken", Options{})
	if err == nil || err.Error() != "baddep: cannot load /lib/modules/6.1.0-1-amd64/kernel/fs/baddep.ko: invalid module format (built for another kernel?)" ||
		!reflect.DeepEqual(*calls, []string{"baddep"}) {
		t.Errorf("Load(broken) whose dependency fails = %v (insmod %q)", err, *calls)
	}
}

// TestLoadParams: MODULE.PARAM=VALUE words of the kernel command line go
// to that module whenever it loads (dashes and underscores alike), before
// those given to modprobe for the module named.
func TestLoadParams(t *testing.T) {
	s, calls := fakeKernel(t, "console=ttyS0 nf-conntrack.enable_hooks=1 libcrc32c.x=\"a b\" nf_conntrack.hashsize=64 pidone.debug\n", tcg)
	if _, err := s.Load("nf_conntrack", Options{Params: "hashsize=128"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"nf_defrag_ipv4", "crc32c_generic", "crc32c-intel", `libcrc32c x="a b"`, "nf_conntrack enable_hooks=1 hashsize=64 hashsize=128"}
	if !reflect.DeepEqual(*calls, want) {
		t.Errorf("insmod calls %q\nwant %q", *calls, want)
	}
	var logged []string
	s, _ = fakeKernel(t, "libcrc32c.y=1", tcg)
	s.Load("libcrc32c", Options{DryRun: true, Log: func(f string, a ...any) { logged = append(logged, strings.TrimSpace(fmt.Sprintf(f, a...))) }})
	if len(logged) == 0 || logged[len(logged)-1] != "insmod /lib/modules/6.1.0-1-amd64/kernel/lib/libcrc32c.ko y=1" {
		t.Errorf("dry run: %q", logged)
	}
}
