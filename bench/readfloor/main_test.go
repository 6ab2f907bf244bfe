package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/billrun/billrun/rrdfetch"
)

// The planned ranges are exactly the header and the rows billrun reads:
// decoded, they equal rrdfetch's rows of the same window, row for row, for
// a window inside the ring and one that wraps past its end.
func TestPlanReadsTheRowsBillrunReads(t *testing.T) {
	const name = "../../rrdfetch/testdata/fixtures/seed-schema/file.rrd" // step 60, last_update 1761962400
	f, err := rrdfetch.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := f.Header()
	for _, w := range []struct{ start, end int64 }{
		{1761956400, 1761960000},           // whole minutes, RRA 0
		{1761956430, 1761959990},           // unaligned: partial rows at both ends
		{1761962400 - 9*86400, 1761962400}, // nine days of RRA 0: the ring wraps
	} {
		var plan bytes.Buffer
		if err := run([]string{"plan", fmt.Sprint(w.start), fmt.Sprint(w.end), name}, nil, &plan); err != nil {
			t.Fatal(err)
		}
		var off, n []int64
		for _, line := range bytes.Split(bytes.TrimSpace(plan.Bytes()), []byte("\n")) {
			var file string
			var o, k int64
			fmt.Sscan(string(line), &file, &o, &k)
			off, n = append(off, o), append(n, k)
		}
		if off[0] != 0 || n[0] != h.HeaderSize {
			t.Fatalf("%v: header range %d+%d, want 0+%d", w, off[0], n[0], h.HeaderSize)
		}
		raw, _ := os.ReadFile(name)
		var got []float64
		for i := 1; i < len(off); i++ {
			for p := off[i]; p < off[i]+n[i]; p += 8 {
				got = append(got, math.Float64frombits(binary.LittleEndian.Uint64(raw[p:])))
			}
		}
		want, err := f.ReadRRA(0, w.start, w.end)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want.Values) {
			t.Fatalf("%v: plan reads %d values, rrdfetch %d", w, len(got), len(want.Values))
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want.Values[i]) {
				t.Fatalf("%v: value %d: plan %v, rrdfetch %v", w, i, got[i], want.Values[i])
			}
		}
		if w.end-w.start > 86400*8 && len(off) != 3 {
			t.Errorf("%v: a window across the ring's end should be two ranges, got %d", w, len(off)-1)
		}
	}
}
