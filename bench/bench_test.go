package main

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		in             []float64
		median, lo, hi float64
	}{
		{[]float64{3}, 3, 3, 3},
		{[]float64{5, 1, 3}, 3, 1, 5},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4},
		{[]float64{2, 2, 9, 2, 2}, 2, 2, 9},
	} {
		s := summarize(tc.in)
		if s.N != len(tc.in) || s.Median != tc.median || s.Min != tc.lo || s.Max != tc.hi {
			t.Errorf("summarize(%v) = %+v, want median %v min %v max %v", tc.in, s, tc.median, tc.lo, tc.hi)
		}
	}
	in := []float64{3, 1, 2}
	summarize(in)
	if in[0] != 3 || in[1] != 1 {
		t.Errorf("summarize reordered its input: %v", in)
	}
	if s := summarize(nil); s.N != 0 {
		t.Errorf("summarize(nil) = %+v", s)
	}
}

func TestSamplesCell(t *testing.T) {
	var s samples
	s.add(1, nil)
	s.add(0, errors.New("no prompt"))
	s.add(3, nil)
	c := s.cell()
	if c.N != 2 || c.Median != 2 || !strings.Contains(c.Err, "1 of 3 runs failed: no prompt") {
		t.Errorf("cell = %+v", c)
	}
	if (*samples)(nil).cell() != nil || (&samples{}).cell() != nil {
		t.Error("a quantity never tried should have no cell")
	}
}

func TestBisector(t *testing.T) {
	for _, need := range []int{8, 9, 61, 100, 511, 512} {
		b := newBisector(8, 512)
		tries := 0
		for m := b.next(); m != 0; m = b.next() {
			b.record(m, m >= need)
			tries++
		}
		if b.result() != need || tries > 11 {
			t.Errorf("need %d: got %d after %d tries", need, b.result(), tries)
		}
	}
	b := newBisector(8, 512)
	b.record(b.next(), false)
	if b.next() != 0 || b.result() != 0 {
		t.Errorf("nothing works: next %d, result %d", b.next(), b.result())
	}
}

func TestFormatTable(t *testing.T) {
	rows := []Row{
		{Name: "boot to prompt", Unit: "s",
			Pidone: &Cell{Stat: summarize([]float64{1.5, 2, 2.5})},
			URoot:  &Cell{Stat: summarize([]float64{4, 5, 6})}},
		{Name: "boot to poweroff", Unit: "s",
			Pidone: &Cell{Stat: summarize([]float64{1})},
			URoot:  failed(errors.New("u-root build failed: exit status 1\nmore detail")),
			Floor:  &Cell{Stat: summarize([]float64{0.5})}},
		{Name: "image, raw cpio", Unit: "bytes", Pidone: value(2 << 20), URoot: value(8 << 20), Note: "a note"},
		{Name: "least RAM", Unit: "MiB", Pidone: value(64), URoot: failed(errors.New("u-root build failed: exit status 1\nmore detail"))},
	}
	for i := range rows {
		rows[i].finish()
	}
	out := formatTable(rows)
	lines := strings.Split(out, "\n")
	for _, want := range []string{
		"pidone/u-root",
		"2.00 (1.50–2.50)",
		"5.00 (4.00–6.00)",
		"0.40", // 2/5
		"0.25", // 2 MiB / 8 MiB
		"2.00", // pidone/floor: 1/0.5
		"failed [1]",
		"[1] u-root: u-root build failed: exit status 1",
		"* image, raw cpio: a note",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "more detail") {
		t.Errorf("footnotes should keep only the first line of an error:\n%s", out)
	}
	// Columns line up: every row of the table proper is as wide as the head.
	width := len([]rune(lines[0]))
	for _, l := range lines[1:5] {
		if len([]rune(l)) != width {
			t.Errorf("ragged table:\n%s", out)
			break
		}
	}
	if !strings.HasPrefix(lines[1], "boot to prompt, s") {
		t.Errorf("row label: %q", lines[1])
	}
	if strings.Count(out, "[1]") != 3 || strings.Contains(out, "[2]") {
		t.Errorf("the same error should share one footnote:\n%s", out)
	}
}

func TestFormatTableDropsEmptyColumns(t *testing.T) {
	rows := []Row{{Name: "boot to prompt", Unit: "s", Pidone: value(2)}}
	rows[0].finish()
	head := strings.SplitN(formatTable(rows), "\n", 2)[0]
	if strings.Contains(head, "u-root") || strings.Contains(head, "floor") {
		t.Errorf("head %q has columns nobody has figures for", head)
	}
}

func TestFormatTableGroups(t *testing.T) {
	rows := []Row{
		{Name: "boot to prompt", Unit: "s", Accel: "tcg", Pidone: value(2), Floor: value(1)},
		{Name: "image, raw cpio", Unit: "bytes", Pidone: value(1 << 20)},
		{Name: "boot to prompt", Unit: "s", Group: groupTiny, Accel: "tcg", Pidone: value(0.8), Cloud: value(2), Floor: value(0.7)},
		{Name: "arm64: boot to prompt", Unit: "s", Group: groupArch, Accel: "kvm", Pidone: failed(errors.New("no kernel for arm64"))},
	}
	for i := range rows {
		rows[i].finish()
	}
	if r := rows[2]; r.RatioCloud == nil || *r.RatioCloud != 2.5 || r.OverFloor == nil || math.Abs(*r.OverFloor-0.1) > 1e-9 {
		t.Errorf("tiny row: ratio_cloud %v, over_floor %v; want 2.5 and 0.1", r.RatioCloud, r.OverFloor)
	}
	if rows[0].OverFloor != nil {
		t.Error("over_floor is for the tiny rows only")
	}
	out := formatTable(rows)
	for _, want := range []string{
		groupTitles[groupTiny] + ":\n",
		groupTitles[groupArch] + ":\n",
		"cloud/tiny",
		"2.50",  // cloud/tiny
		"+0.10", // tiny−floor
		"KVM",
		"failed [1]",
		"[1] pidone: no kernel for arm64",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// The first table keeps its own columns; the image row, with no VM,
	// has no accelerator.
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[0], "accel") || !strings.Contains(lines[0], "pidone/floor") || strings.Contains(lines[0], "cloud") {
		t.Errorf("first head: %q", lines[0])
	}
	if !strings.Contains(lines[2], " - ") {
		t.Errorf("image row should show no accelerator: %q", lines[2])
	}
}

func TestTargetVerdict(t *testing.T) {
	r := Row{Pidone: value(1), Cloud: value(2.5), Floor: value(0.9)}
	if v := targetVerdict(r); !strings.Contains(v, "2.50, met") || !strings.Contains(v, "+0.10 s, met") {
		t.Errorf("verdict %q", v)
	}
	r.Cloud = value(1.5)
	if v := targetVerdict(r); !strings.Contains(v, "1.50, NOT met") {
		t.Errorf("verdict %q", v)
	}
}
