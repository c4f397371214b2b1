package kmod

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ModInfo is what a module says of itself in its .modinfo section.
type ModInfo struct {
	Name        string   // name=; "" in modules built before Linux 4.x had it
	Aliases     []string // alias=: the modalias patterns it drives
	Depends     []string // depends=: modules it needs symbols from
	SoftPre     []string // softdep= "pre:" modules: load before it
	SoftPost    []string // softdep= "post:" modules: load after it
	Vermagic    string   // vermagic=: the kernel it was built for
	License     string
	Description string
}

// ParseModInfo parses the contents of a .modinfo section: "key=value"
// strings, each ended by a NUL, with NULs of padding between some.
func ParseModInfo(b []byte) *ModInfo {
	mi := &ModInfo{}
	for len(b) > 0 {
		var kv []byte
		kv, b, _ = bytes.Cut(b, []byte{0})
		if len(kv) == 0 {
			continue
		}
		// kmod takes an entry without '=' as a key with no value; none
		// of the keys read here means anything without one.
		k, v, _ := strings.Cut(string(kv), "=")
		switch k {
		case "name":
			mi.Name = v
		case "alias":
			mi.Aliases = append(mi.Aliases, v)
		case "depends":
			for _, d := range strings.Split(v, ",") {
				if d = strings.TrimSpace(d); d != "" {
					mi.Depends = append(mi.Depends, Name(d))
				}
			}
		case "softdep":
			pre, post := parseSoftdep(v)
			mi.SoftPre = append(mi.SoftPre, pre...)
			mi.SoftPost = append(mi.SoftPost, post...)
		case "vermagic":
			mi.Vermagic = v
		case "license":
			mi.License = v
		case "description":
			mi.Description = v
		}
	}
	return mi
}

// ErrNotModule is returned by ReadModInfo for an ELF file without a
// .modinfo section, or a file that is not ELF at all.
var ErrNotModule = errors.New("not a kernel module (no .modinfo section)")

// ReadModInfo reads the .modinfo section of a module file (.ko, not
// compressed).
func ReadModInfo(r io.ReaderAt) (mi *ModInfo, err error) {
	// debug/elf trusts header fields more than it should for hostile
	// input; a corrupt module must be an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			mi, err = nil, fmt.Errorf("%w: corrupt ELF file (%v)", ErrNotModule, r)
		}
	}()
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotModule, err)
	}
	s := f.Section(".modinfo")
	if s == nil || s.Type == elf.SHT_NOBITS {
		return nil, ErrNotModule
	}
	if s.Size > 1<<24 {
		return nil, fmt.Errorf("%w: .modinfo of %d bytes", ErrNotModule, s.Size)
	}
	b, err := s.Data()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotModule, err)
	}
	return ParseModInfo(b), nil
}
