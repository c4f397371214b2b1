// Package disk makes filesystem images for pidone's guests: a sparse raw
// file holding ext4, attached with "pidone run --disk" and mounted by init
// on /data (pidone.data=/dev/vda).
//
// The filesystem is made by e2fsprogs' mkfs.ext4, not by a Go ext4 writer:
// mkfs.ext4 is mature, fast (a 64M image takes milliseconds), writes
// correct journals and checksums, and copies a directory in with -d. This
// is a host-only tool, so nothing of it weighs on the guest; the guest
// only needs the kernel's ext4 driver.
package disk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"pidone.dev/pkg/fserr"
)

// Options say what image Create makes.
type Options struct {
	Size  int64  // bytes; rounded down to a whole KiB
	From  string // copy this host directory's contents into the root; "" for none
	Label string // filesystem label, at most 16 bytes; "" for none
	UUID  string // filesystem UUID; "" derives one from the image's path
	Force bool   // replace an existing file
}

// MinSize is the smallest image Create makes: below it mkfs.ext4 has no
// room for its own structures.
const MinSize = 1 << 20

// Create writes an ext4 image of o.Size bytes to path. The file is sparse:
// it takes only the space the filesystem uses. It is written beside path
// and renamed into place, so a failure leaves no half-made image and
// --force replaces an old one only on success. With SOURCE_DATE_EPOCH set,
// the same options give a byte-identical empty image; files copied with
// From keep their host times, ctime and atime included, which no option
// of mkfs.ext4 fixes.
func Create(ctx context.Context, path string, o Options) error {
	if o.Size < MinSize {
		return fmt.Errorf("%s: size %s is too small; an ext4 image needs at least 1M", path, FormatSize(o.Size))
	}
	if o.UUID != "" {
		if err := CheckUUID(o.UUID); err != nil {
			return err
		}
	}
	if len(o.Label) > 16 {
		return fmt.Errorf("label %q is %d bytes; ext4 labels hold at most 16", o.Label, len(o.Label))
	}
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return fmt.Errorf("%s is a directory; give the image's file name", path)
		}
		if !o.Force {
			return fmt.Errorf("%s exists; use --force to replace it", path)
		}
	}
	var content int64
	if o.From != "" {
		st, err := os.Stat(o.From)
		if err != nil {
			return fmt.Errorf("--from %s: %w", o.From, fserr.Reason(err))
		}
		if !st.IsDir() {
			return fmt.Errorf("--from %s is not a directory", o.From)
		}
		if content, err = treeSize(o.From); err != nil {
			return fmt.Errorf("--from %s: %w", o.From, err)
		}
		if content >= o.Size {
			return tooSmall(path, o, content)
		}
	}
	mkfs, err := findMkfs()
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	uuid := o.UUID
	if uuid == "" {
		uuid = PathUUID(abs)
	}

	tmp, err := createTemp(abs)
	if err != nil {
		return fmt.Errorf("%s: cannot write beside it: %w", path, fserr.Reason(err))
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	err = tmp.Truncate(o.Size &^ 1023)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, fserr.Reason(err))
	}

	// root_owner: the root directory belongs to root, not to whoever ran
	// pidone. hash_seed and the UUID fix what mkfs would pick at random.
	args := []string{"-F", "-q", "-t", "ext4", "-U", uuid, "-E", "root_owner=0:0,hash_seed=" + uuid}
	if o.Label != "" {
		args = append(args, "-L", o.Label)
	}
	if o.From != "" {
		args = append(args, "-d", o.From)
	}
	args = append(args, tmp.Name())
	cmd := exec.CommandContext(ctx, mkfs, args...)
	cmd.Env = os.Environ()
	if t := os.Getenv("SOURCE_DATE_EPOCH"); t != "" {
		// e2fsprogs' own hook for reproducible images: every time it
		// writes is this one.
		cmd.Env = append(cmd.Env, "E2FSPROGS_FAKE_TIME="+t)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Killed when ctx ends; its output is not waited for long after.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w; nothing was written", path, context.Cause(ctx))
		}
		msg := out.String()
		if strings.Contains(msg, "Could not allocate") || strings.Contains(msg, "No space left") ||
			strings.Contains(msg, "Not enough space") || strings.Contains(msg, "too small") {
			return tooSmall(path, o, content)
		}
		return fmt.Errorf("mkfs.ext4 %s: %s", path, lastLine(msg, err))
	}
	if err := os.Rename(tmp.Name(), abs); err != nil {
		return fmt.Errorf("%s: %w", path, fserr.Reason(err))
	}
	return nil
}

func tooSmall(path string, o Options, content int64) error {
	if o.From == "" {
		return fmt.Errorf("%s: size %s is too small for an ext4 filesystem; use --size 1M or more", path, FormatSize(o.Size))
	}
	// ext4 needs room beside the files: inode tables, the journal (4M
	// and more), directories and reserved blocks. A quarter more plus
	// 16M is always enough; the exact minimum is not worth a search.
	need := (content + content/4 + 16<<20 + 1<<20 - 1) / (1 << 20) * (1 << 20)
	return fmt.Errorf("%s: size %s is too small for the %s in %s; use --size %s or more",
		path, FormatSize(o.Size), FormatSize(content), o.From, FormatSize(need))
}

// createTemp makes a new file beside path with the permissions any new
// file gets (0666 less the umask), unlike os.CreateTemp's 0600.
func createTemp(path string) (*os.File, error) {
	for i := 0; ; i++ {
		name := fmt.Sprintf("%s/.%s.tmp-%d-%d", filepath.Dir(path), filepath.Base(path), os.Getpid(), i)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			return f, err
		}
	}
}

// mkfsNames are where mkfs.ext4 lives: Debian keeps it in /usr/sbin, which
// is not on an ordinary user's PATH.
var mkfsNames = []string{"mkfs.ext4", "/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4"}

func findMkfs() (string, error) {
	for _, n := range mkfsNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", errors.New("mkfs.ext4 not found: install e2fsprogs (apt-get install e2fsprogs, or make deps)")
}

// treeSize adds up what dir's files take on a 4 KiB-block filesystem,
// directories and symlinks included.
func treeSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		n := int64(4096)
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n = (info.Size() + 4095) &^ 4095
		}
		total += n
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return 0, fmt.Errorf("%s: %w", pe.Path, pe.Err)
		}
	}
	return total, err
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// CheckUUID reports whether s is a UUID as mkfs.ext4 takes it: 32 hex
// digits grouped 8-4-4-4-12.
func CheckUUID(s string) error {
	if !uuidRE.MatchString(s) {
		return fmt.Errorf("UUID %q: want 32 hex digits grouped 8-4-4-4-12, such as %s", s, PathUUID("example"))
	}
	return nil
}

// PathUUID derives a filesystem UUID from an image's absolute path: the
// same path gets the same UUID (so a recreated disk keeps its
// UUID=... name), different paths different ones. It is a version 8
// (custom) UUID made from a SHA-256 of the path.
func PathUUID(abs string) string {
	h := sha256.Sum256([]byte("pidone disk\x00" + abs))
	h[6] = h[6]&0x0F | 0x80 // version 8
	h[8] = h[8]&0x3F | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// ParseSize reads a size such as 64M, 1.5G, 512K or 1048576 (bytes).
// Suffixes are powers of 1024, as with qemu-img and truncate; 64MiB and
// 64MB are read the same way, and case does not matter.
func ParseSize(s string) (int64, error) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("size %q: want a number with K, M or G, such as 64M", s)
	}
	shift := map[string]uint{"": 0, "K": 10, "M": 20, "G": 30, "T": 40}[strings.ToUpper(m[2])]
	if shift == 0 && strings.Contains(m[1], ".") {
		return 0, fmt.Errorf("size %q: a number of bytes must be whole", s)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil || f*float64(int64(1)<<shift) >= 1<<62 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(f * float64(int64(1)<<shift)), nil
}

var sizeRE = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*(?i:([KMGT])(?:i?B)?|B)?\s*$`)

// FormatSize prints n the way ParseSize reads it: 64M, 1.5G, 4K, 100.
func FormatSize(n int64) string {
	for _, u := range []struct {
		shift  uint
		suffix string
	}{{40, "T"}, {30, "G"}, {20, "M"}, {10, "K"}} {
		unit := int64(1) << u.shift
		if n >= unit {
			if n%unit == 0 {
				return strconv.FormatInt(n/unit, 10) + u.suffix
			}
			return strconv.FormatFloat(float64(n)/float64(unit), 'f', 1, 64) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

func lastLine(s string, err error) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return strings.TrimPrefix(l, "mkfs.ext4: ")
		}
	}
	return err.Error()
}
