package export

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/pricing"
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

// The streaming writers give the same bytes as writing the whole report:
// with and without VPS, with errors, daily series, p95 and names that
// JSON would escape by default.
func TestUsageWritersStreamTheSameBytes(t *testing.T) {
	metrics := []report.Metric{{Name: "in", Unit: "bytes"}, {Name: "vm", Unit: "KB-minutes"}}
	vps := []report.VPSUsage{
		{Name: "a&b<c>", File: "/r/a.rrd", Step: 600, LastUpdate: 5,
			Metrics: report.Metrics{{Name: "in", Unit: "bytes", Total: 1.5, Coverage: 1}, {Name: "vm", Unit: "KB-minutes", Total: 2, Coverage: 0.5, Spikes: 1}},
			P95:     &report.P95{In: 8, Out: 16, Max: 16}, RRA: []report.Part{{RRA: 1, PDPPerRow: 10, Step: 600, From: 1, To: 2}},
			Daily: []report.DailyBytes{{Day: "2026-10-01", In: 1, Out: 2}}},
		{Name: "=b", File: "/r/b.rrd", Step: 60, Metrics: report.Metrics{{Name: "in", Unit: "bytes", Total: report.Num(math.NaN())}}},
	}
	for _, rep := range []*report.UsageReport{
		{Period: report.PeriodJSON{Start: "s", End: "e", StartEpoch: 1, EndEpoch: 2}, VPS: vps, Errors: []report.FileError{{File: "x.rrd", Error: "x.rrd: truncated"}}},
		{Period: report.PeriodJSON{Start: "s", End: "e"}, VPS: []report.VPSUsage{}, Errors: []report.FileError{}},
		{Period: report.PeriodJSON{Start: "s", End: "e"}, VPS: vps[:1], Errors: []report.FileError{}},
	} {
		var whole, streamed bytes.Buffer
		if err := JSON(&whole, rep); err != nil {
			t.Fatal(err)
		}
		if err := UsageReportJSON(&streamed, rep); err != nil {
			t.Fatal(err)
		}
		if whole.String() != streamed.String() {
			t.Errorf("streamed JSON differs:\n%s\nwant:\n%s", streamed.String(), whole.String())
		}
		whole.Reset()
		streamed.Reset()
		UsageCSV(&whole, rep, metrics)
		cw := NewUsageCSVWriter(&streamed, metrics)
		for i := range rep.VPS { // as billrun usage does: Record in a worker, then WriteRecord
			rec, err := cw.Record(&rep.VPS[i])
			if err != nil {
				t.Fatal(err)
			}
			cw.WriteRecord(rec)
		}
		if err := cw.Flush(); err != nil || whole.String() != streamed.String() {
			t.Errorf("streamed CSV differs (%v):\n%s\nwant:\n%s", err, streamed.String(), whole.String())
		}
	}
}

// invoices.json streamed is the bytes of the whole object encoded at once:
// with invoices and problems, and with none.
func TestInvoicesJSONStreamsTheSameBytes(t *testing.T) {
	invs := sampleInvoices()
	problems := []pricing.Problem{{CustomerID: "C1", File: "a<b>.rrd", Problem: "x & y", Blocking: true}}
	for _, c := range []struct {
		invs     []pricing.Invoice
		problems []pricing.Problem
	}{{invs, problems}, {[]pricing.Invoice{}, []pricing.Problem{}}, {invs[:1], []pricing.Problem{}}} {
		var whole, streamed bytes.Buffer
		if err := JSON(&whole, struct {
			Invoices []pricing.Invoice `json:"invoices"`
			Problems []pricing.Problem `json:"problems"`
		}{c.invs, c.problems}); err != nil {
			t.Fatal(err)
		}
		if err := InvoicesJSON(&streamed, c.invs, c.problems); err != nil {
			t.Fatal(err)
		}
		if whole.String() != streamed.String() {
			t.Errorf("%d invoices: streamed JSON differs:\n%.2000s\nwant:\n%.2000s", len(c.invs), streamed.String(), whole.String())
		}
	}
}

// The workbook is a zip whose parts are in name order, each stamped with
// the period's end and intact (the reader checks each CRC-32 and size).
func TestXLSXZip(t *testing.T) {
	p := period.Month(2026, time.October, time.UTC)
	wb := &Workbook{Period: p, Invoices: sampleInvoices(), Usage: &report.UsageReport{}, SLA: &report.SLAReport{},
		CustomerOf: map[string]string{}, HostOf: map[string]string{}}
	var b bytes.Buffer
	if err := XLSX(&b, wb); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(p.End) {
			t.Errorf("%s: modified %v, want %v", f.Name, f.Modified, p.End)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		r.Close()
	}
	if !slices.IsSorted(names) || len(names) < 10 {
		t.Errorf("parts %v, want them sorted", names)
	}
}

// sampleInvoices are an invoice with every kind of field filled, names
// JSON would escape among them, and its credit note.
func sampleInvoices() []pricing.Invoice {
	one, two := decimal.NewFromInt(1), decimal.RequireFromString("20.00")
	inv := pricing.Invoice{Number: "INV-2026-00001", Kind: pricing.KindInvoice, Status: pricing.StatusIssued, CustomerID: "C<1>",
		Customer: pricing.Party{Name: "Müller & Söhne", Address: []string{"Hauptstraße 5"}, Country: "DE", Endpoint: &pricing.Endpoint{Scheme: "9930", ID: "DE811569869"}},
		Issuer:   pricing.Issuer{Party: pricing.Party{Name: "I", Country: "DE"}, Bank: &pricing.Bank{IBAN: "DE89370400440532013000"}},
		Language: "de", EInvoice: "peppol", Currency: "EUR", Places: 2, PeriodStart: "2026-10-01", PeriodEnd: "2026-10-31",
		IssueDate: "2026-11-01", DueDate: "2026-11-15",
		Lines:      []pricing.Line{{VPS: "v1", Kind: "fee", Description: "VPS <Standard>", Quantity: one, Unit: "month", UnitCode: "MON", UnitPrice: two, Amount: two}},
		UsageItems: []pricing.UsageItem{{VPS: "v1", Metric: "in", Used: one, Included: two, Unit: "GB"}},
		Fees:       two, Subtotal: two, Total: decimal.RequireFromString("23.80"),
		Taxes:  []pricing.TaxLine{{Category: "S", Rate: decimal.RequireFromString("0.19"), Taxable: two, Tax: decimal.RequireFromString("3.80")}},
		PerVPS: []pricing.VPSTotal{{VPS: "v1", Net: two, Tax: decimal.RequireFromString("3.80"), Gross: decimal.RequireFromString("23.80")}},
		Notes:  []string{"a & b"}}
	credit := inv
	credit.Number, credit.Kind = "INV-2026-00002", pricing.KindCreditNote
	credit.Corrects = &pricing.Reference{Number: inv.Number, IssueDate: inv.IssueDate}
	credit.Total = inv.Total.Neg()
	return []pricing.Invoice{inv, credit}
}
