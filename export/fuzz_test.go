package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// FuzzWorkbookText puts any text in an invoice's names, address, notes and
// lines and writes the workbook: it never panics, and keeps every text
// cell as it was given (what XML cannot hold aside).
func FuzzWorkbookText(f *testing.F) {
	f.Add("Müller & Söhne GmbH", "株式会社", "=HYPERLINK(\"x\")", "Smile 😀")
	f.Add("", "\u0000\u0007", "\uffff\U0010ffff", "a\nb\tc")
	f.Add("Ωmega", "Кириллица", "@SUM(A1)", strings.Repeat("x", 500))
	f.Add("Łódź Ωmega", "Ōsaka 東京", "Ακρόπολις Δμ", "株式会社テスト 1-1")
	f.Fuzz(func(t *testing.T, name, addr, desc, note string) {
		inv := pricing.Invoice{Number: "INV-2026-00001", Kind: pricing.KindInvoice, Status: pricing.StatusIssued, CustomerID: "A",
			Customer: pricing.Party{Name: name, Address: []string{addr, name}}, Issuer: pricing.Issuer{Party: pricing.Party{Name: "I", Address: []string{desc}, City: addr, Country: "DE"}},
			Language: "de", EInvoice: "peppol", Places: 2, Taxes: []pricing.TaxLine{{Category: "S", Rate: decimal.RequireFromString("0.19")}},
			Currency: "EUR", PeriodStart: "2026-10-01", PeriodEnd: "2026-10-31", IssueDate: "2026-11-01", DueDate: "2026-11-15",
			Lines: []pricing.Line{{VPS: name, Kind: "fee", Description: desc, Quantity: decimal.NewFromInt(1), Unit: note,
				UnitPrice: decimal.NewFromInt(2), Amount: decimal.NewFromInt(2)}},
			Total: decimal.NewFromInt(2), Subtotal: decimal.NewFromInt(2), Notes: []string{note}}
		p := period.Month(2026, time.October, time.UTC)
		wb := &Workbook{Period: p, Invoices: []pricing.Invoice{inv}, Usage: &report.UsageReport{}, SLA: &report.SLAReport{},
			CustomerOf: map[string]string{}, HostOf: map[string]string{}}
		var x bytes.Buffer
		if err := XLSX(&x, wb); err != nil {
			return // an error, not a panic, for text the format cannot hold
		}
		f, err := excelize.OpenReader(&x)
		if err != nil {
			t.Fatalf("the workbook does not open: %v", err)
		}
		defer f.Close()
		got, err := f.GetCellValue("Summary", "B2")
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0xfffe || r == 0xffff || r == 0xfffd }) {
			return // XML cannot hold these; excelize replaces them
		}
		if got != name {
			t.Errorf("the name cell is %q, want %q", got, name)
		}
	})
}
