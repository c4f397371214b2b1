//go:build pidone_net

package networking

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzProcNet reads arbitrary /proc/net/tcp- and unix-shaped tables:
// nothing may panic, and every socket read has an address of 4 or 16
// bytes and a state that fits the kernel's byte.
func FuzzProcNet(f *testing.F) {
	f.Add("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		"   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0\n")
	f.Add("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		"   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1\n")
	f.Add("Num       RefCount Protocol Flags    Type St Inode Path\n" +
		"0000000000000000: 00000002 00000000 00010000 0001 01 20531 /run/x.sock\n" +
		"0000000000000000: 00000003 00000000 00000000 0001 03 20532 @abstract name\n")
	f.Add("header\n0: zz:zz zz:zz zz zz:zz 0 0 -1 0 x\n")
	f.Fuzz(func(t *testing.T, table string) {
		dir := t.TempDir()
		for _, name := range []string{"tcp", "unix"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(table), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, k := range readInet(dir, "tcp") {
			if !k.local.Addr().IsValid() || !k.remote.Addr().IsValid() || k.state < 0 || k.state > 0xff {
				t.Errorf("socket %+v", k)
			}
		}
		for _, u := range readUnix(dir) {
			if u.state < 0 || u.state > 0xff || u.typ < 0 || u.typ > 0xffff {
				t.Errorf("unix socket %+v", u)
			}
		}
	})
}
