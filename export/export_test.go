package export

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/billrun/billrun/report"
)

func TestUsageCSVFormulaSafe(t *testing.T) {
	rep := &report.UsageReport{VPS: []report.VPSUsage{{Name: "=HYPERLINK(\"x\")", File: "@evil.rrd", Step: 60,
		Metrics: report.Metrics{{Name: "in", Unit: "bytes", Total: 1.5, Coverage: 1}}}}}
	var b bytes.Buffer
	if err := UsageCSV(&b, rep, []report.Metric{{Name: "in", Unit: "bytes"}}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][3] != "in_total_bytes" || recs[1][0] != "'=HYPERLINK(\"x\")" || recs[1][1] != "'@evil.rrd" || recs[1][3] != "1.5" {
		t.Errorf("csv %q", recs)
	}
	if SafeCell("-1") != "'-1" || SafeCell("vps1") != "vps1" || SafeCell("") != "" {
		t.Error("SafeCell")
	}
}

func TestWriteFileReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	for _, c := range []string{"first", "second, longer"} {
		if err := WriteFile(p, []byte(c)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != c {
			t.Fatalf("content %q, want %q", b, c)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}
