package export

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/billrun/billrun/invoice"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
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

// Unit prices print as money: at least the currency's decimals, and every
// decimal the configured rate has.
func TestRateFormat(t *testing.T) {
	for _, c := range []struct {
		price  string
		places int32
		want   string
	}{
		{"20", 2, "20.00"}, {"0.5", 2, "0.50"}, {"0.005", 2, "0.005"}, {"0.0050", 2, "0.005"},
		{"1500", 0, "1500"}, {"2.5", 0, "2.5"}, {"1.2", 3, "1.200"},
	} {
		if got := rate(invoice.Line{UnitPrice: decimal.RequireFromString(c.price)}, c.places); got != c.want {
			t.Errorf("rate(%s, %d places) = %q, want %q", c.price, c.places, got, c.want)
		}
	}
}
