package procps

import (
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

const sampleMeminfo = `MemTotal:       16318044 kB
MemFree:         9077636 kB
MemAvailable:   12126500 kB
Buffers:          200000 kB
Cached:          3400000 kB
SwapCached:            0 kB
Shmem:            621048 kB
SReclaimable:     212484 kB
SUnreclaim:        90000 kB
SwapTotal:       2097148 kB
SwapFree:        2000000 kB
HugePages_Total:       7
Hugepagesize:       2048 kB
`

func TestFreeArithmetic(t *testing.T) {
	m, err := parseMeminfo(strings.NewReader(sampleMeminfo))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m["HugePages_Total"]; ok {
		t.Errorf("a count was read as a size")
	}
	u := freeUse(m)
	want := memUse{total: 16318044, used: 16318044 - 9077636 - 3812484, free: 9077636, shared: 621048,
		buffCache: 200000 + 3400000 + 212484, available: 12126500, swapTotal: 2097148, swapUsed: 97148, swapFree: 2000000}
	if u != want {
		t.Errorf("got  %+v\nwant %+v", u, want)
	}
	kib := func(n uint64) string { return strconv.FormatUint(n, 10) }
	got := freeTable(u, kib, false)
	wantTable := "" +
		"               total        used        free      shared  buff/cache   available\n" +
		"Mem:        16318044     3427924     9077636      621048     3812484    12126500\n" +
		"Swap:        2097148       97148     2000000\n"
	if got != wantTable {
		t.Errorf("got\n%s\nwant\n%s", got, wantTable)
	}
	human := func(n uint64) string { return freeHuman(n << 10) }
	if got := freeTable(u, human, true); !strings.Contains(got, "Mem:            15Gi       3.3Gi       8.7Gi       606Mi       3.6Gi        11Gi\n") ||
		!strings.Contains(got, "Total:") {
		t.Errorf("-h -t:\n%s", got)
	}

	// Without MemAvailable (old kernels) and with odd numbers, nothing
	// underflows.
	u = freeUse(map[string]uint64{"MemTotal": 100, "MemFree": 90, "Cached": 50, "SwapFree": 5})
	if u.used != 10 || u.available != 90 || u.swapUsed != 0 {
		t.Errorf("odd meminfo: %+v", u)
	}
	if _, err := parseMeminfo(strings.NewReader("junk\n")); err == nil {
		t.Errorf("no MemTotal: no error")
	}
}

func TestFreeHuman(t *testing.T) {
	for _, tt := range []struct {
		n    uint64
		want string
	}{
		{0, "0B"}, {999, "999B"}, {1000, "1.0Ki"}, {1536, "1.5Ki"}, {9166848, "8.7Mi"},
		{342200 << 10, "334Mi"}, {487364 << 10, "475Mi"}, {24683620 << 10, "23Gi"}, {1023 << 20, "1.0Gi"},
	} {
		if got := freeHuman(tt.n); got != tt.want {
			t.Errorf("freeHuman(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestFree(t *testing.T) {
	out, errs, st := cmdtest.Run(t, "", "", "free", "-m")
	if st != 0 || !strings.Contains(out, "\nMem: ") || !strings.Contains(out, "\nSwap: ") {
		t.Errorf("status %d, stderr %q, out:\n%s", st, errs, out)
	}
}
