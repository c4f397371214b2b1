package main

import (
	"errors"
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
