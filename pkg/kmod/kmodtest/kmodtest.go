// Package kmodtest makes fake kernel module files and module trees for
// tests: real ELF files with a .modinfo section, which the kernel would
// refuse but which every reader of module metadata takes as modules.
package kmodtest

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Module returns an ELF64 relocatable file whose .modinfo section holds
// the "key=value" entries info, such as "name=virtio_net",
// "alias=virtio:d00000001v*", "depends=virtio,virtio_ring".
func Module(info ...string) []byte {
	var modinfo bytes.Buffer
	for _, kv := range info {
		modinfo.WriteString(kv)
		modinfo.WriteByte(0)
	}
	shstrtab := []byte("\x00.modinfo\x00.shstrtab\x00")
	const ehsize, shentsize = 64, 64
	infoOff := uint64(ehsize)
	strOff := infoOff + uint64(modinfo.Len())
	shOff := (strOff + uint64(len(shstrtab)) + 7) &^ 7

	var b bytes.Buffer
	le := binary.LittleEndian
	w := func(v any) { binary.Write(&b, le, v) }
	b.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0})
	b.Write(make([]byte, 8))
	w(uint16(1))  // ET_REL
	w(uint16(62)) // EM_X86_64
	w(uint32(1))  // EV_CURRENT
	w(uint64(0))  // entry
	w(uint64(0))  // phoff
	w(shOff)
	w(uint32(0)) // flags
	w(uint16(ehsize))
	w(uint16(0)) // phentsize
	w(uint16(0)) // phnum
	w(uint16(shentsize))
	w(uint16(3)) // shnum
	w(uint16(2)) // shstrndx
	b.Write(modinfo.Bytes())
	b.Write(shstrtab)
	b.Write(make([]byte, int(shOff)-b.Len()))
	section := func(name uint32, typ uint32, off, size uint64) {
		w(name)
		w(typ)
		w(uint64(0)) // flags
		w(uint64(0)) // addr
		w(off)
		w(size)
		w(uint32(0)) // link
		w(uint32(0)) // info
		w(uint64(1)) // addralign
		w(uint64(0)) // entsize
	}
	section(0, 0, 0, 0)
	section(1, 1, infoOff, uint64(modinfo.Len())) // .modinfo, SHT_PROGBITS
	section(10, 3, strOff, uint64(len(shstrtab))) // .shstrtab, SHT_STRTAB
	return b.Bytes()
}

// Tree writes a lib/modules/VERSION tree under dir: each key of modules
// is a path such as "kernel/drivers/net/virtio_net.ko" and its value the
// module's .modinfo entries (Module's info). The name= entry is added
// from the path when missing. It returns dir.
func Tree(t testing.TB, dir string, modules map[string][]string) string {
	t.Helper()
	for p, info := range modules {
		named := false
		for _, kv := range info {
			named = named || strings.HasPrefix(kv, "name=")
		}
		if !named {
			base := filepath.Base(p)
			base = base[:strings.Index(base, ".ko")]
			info = append([]string{"name=" + strings.ReplaceAll(base, "-", "_")}, info...)
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, Module(info...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
