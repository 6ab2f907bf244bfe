package report

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/billrun/billrun/rrdfetch"
)

// planSorted is how plan chose its RRAs before it stopped sorting for the
// usual case: every AVERAGE RRA by step, stably, and then the first that
// covers the period, else the finest that has each part of it.
func planSorted(h *rrdfetch.Header, start, end int64) []Part {
	var avg []int
	for i, r := range h.RRA {
		if r.CF == "AVERAGE" {
			avg = append(avg, i)
		}
	}
	sort.SliceStable(avg, func(a, b int) bool { return h.RRAStep(avg[a]) < h.RRAStep(avg[b]) })
	for _, i := range avg {
		if first, _ := h.RRACoverage(i); first-h.RRAStep(i) <= start {
			return []Part{{RRA: i, PDPPerRow: int64(h.RRA[i].PDPPerRow), Step: h.RRAStep(i), From: start, To: end}}
		}
	}
	var parts []Part
	cur := end
	for _, i := range avg {
		first, _ := h.RRACoverage(i)
		from := max(start, first-h.RRAStep(i))
		if from >= cur {
			continue
		}
		parts = append([]Part{{RRA: i, PDPPerRow: int64(h.RRA[i].PDPPerRow), Step: h.RRAStep(i), From: from, To: cur}}, parts...)
		cur = from
		if cur <= start {
			break
		}
	}
	return parts
}

// plan picks what sorting the RRAs picked, for random sets of RRAs with
// equal steps, other consolidation functions, and periods that one, some
// or none of them cover; none is nil ("rra": null) also when plan reuses
// the memory of earlier parts.
func TestPlanAsSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const last = 1_800_000_000
	var buf []Part // the parts of the file before, whose memory plan reuses
	for range 20000 {
		h := &rrdfetch.Header{Step: 60, LastUpdate: last}
		for range 1 + rng.IntN(6) {
			cf := "AVERAGE"
			if rng.IntN(4) == 0 {
				cf = "MAX"
			}
			h.RRA = append(h.RRA, rrdfetch.RRA{CF: cf, PDPPerRow: []uint64{1, 5, 10, 60}[rng.IntN(4)], Rows: uint64(1 + rng.IntN(3000))})
		}
		end := int64(last - rng.IntN(86400))
		start := end - int64(1+rng.IntN(40*86400))
		got, err := plan(h, start, end, buf)
		if got != nil {
			buf = got
		}
		want := planSorted(h, start, end)
		if want == nil && len(avgOf(h)) == 0 {
			if err == nil {
				t.Fatalf("no AVERAGE RRA in %+v: no error", h.RRA)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("RRAs %+v, [%d, %d): plan %+v (%v), sorted %+v", h.RRA, start, end, got, err, want)
		}
	}
}

func avgOf(h *rrdfetch.Header) (avg []int) {
	for i, r := range h.RRA {
		if r.CF == "AVERAGE" {
			avg = append(avg, i)
		}
	}
	return avg
}
