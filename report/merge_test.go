package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// Shards of a fleet, written as JSON, read back and merged, are the
// single run's report, byte for byte.
func TestShardMergeEqualsSingleRun(t *testing.T) {
	var srcs []Source
	for i := range 12 {
		f := []string{"vps-full", "vps-young", "vps-parts"}[i%3]
		srcs = append(srcs, Source{Name: fmt.Sprintf("vps%02d", i), File: fx + f + "/file.rrd"})
	}
	srcs = append(srcs, Source{Name: "zz-missing", File: fx + "missing.rrd"})
	p := oct2026(t, "Europe/Berlin")
	opt := Options{Daily: true}
	single, err := Usage(context.Background(), srcs, p, billingMetrics(), opt)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(single)
	const n = 3
	var parts []*UsageReport
	total := 0
	for k := 1; k <= n; k++ {
		var mine []Source
		for _, s := range srcs {
			if InShard(s.Name, k, n) {
				mine = append(mine, s)
			}
		}
		total += len(mine)
		u, err := Usage(context.Background(), mine, p, billingMetrics(), opt)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(u)
		back, err := ReadUsage(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, back)
	}
	if total != len(srcs) {
		t.Fatalf("shards hold %d of %d files", total, len(srcs))
	}
	merged, err := MergeUsage(parts)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(merged)
	if !bytes.Equal(got, want) {
		t.Fatalf("merged shards differ from the single run:\n%s\n%s", got[:300], want[:300])
	}
	if _, err := MergeUsage([]*UsageReport{parts[0], parts[0]}); err == nil {
		t.Error("a VPS in two parts was merged")
	}
}
