package export

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// FuzzInvoiceText puts any text in an invoice's names, address, notes and
// lines and renders its PDF and the workbook: the PDF is made whatever
// the text (what the fonts lack shows as '?'), the renderers never panic,
// and the workbook keeps every text cell as it was given.
func FuzzInvoiceText(f *testing.F) {
	f.Add("Müller & Söhne GmbH", "株式会社", "=HYPERLINK(\"x\")", "Smile 😀")
	f.Add("", "\u0000\u0007", "\uffff\U0010ffff", "a\nb\tc")
	f.Add("Ωmega", "Кириллица", "@SUM(A1)", strings.Repeat("x", 500))
	f.Add("Łódź Ωmega", "Ōsaka 東京", "Ακρόπολις Δμ", "株式会社テスト 1-1")
	// with the CJK fallback too, where it is installed: its cut to the
	// invoice's characters is made from whatever they are
	fallback, _ := os.ReadFile(droid)
	f.Fuzz(func(t *testing.T, name, addr, desc, note string) {
		inv := pricing.Invoice{Number: "DRAFT-2026-10-A", Kind: pricing.KindInvoice, Status: pricing.StatusDraft, CustomerID: "A",
			Customer: pricing.Party{Name: name, Address: []string{addr, name}}, Issuer: pricing.Issuer{Party: pricing.Party{Name: "I", Address: []string{desc}, City: addr, Country: "DE"}},
			Language: "de", EInvoice: "peppol", Places: 2, Taxes: []pricing.TaxLine{{Category: "S", Rate: decimal.RequireFromString("0.19")}},
			Currency: "EUR", PeriodStart: "2026-10-01", PeriodEnd: "2026-10-31", IssueDate: "2026-11-01", DueDate: "2026-11-15",
			Lines: []pricing.Line{{VPS: name, Kind: "fee", Description: desc, Quantity: decimal.NewFromInt(1), Unit: note,
				UnitPrice: decimal.NewFromInt(2), Amount: decimal.NewFromInt(2)}},
			Total: decimal.NewFromInt(2), Subtotal: decimal.NewFromInt(2), Notes: []string{note}}
		var pdf bytes.Buffer
		if err := PDF(&pdf, &inv, nil, nil); err != nil {
			t.Fatalf("PDF: %v", err)
		}
		if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
		if fallback != nil {
			if err := PDF(io.Discard, &inv, nil, fallback); err != nil {
				t.Fatalf("PDF with the fallback font: %v", err)
			}
		}
		// the e-invoices are well-formed XML whatever the text
		for name, write := range map[string]func(io.Writer, *pricing.Invoice) error{"UBL": UBL, "CII": CII} {
			var x bytes.Buffer
			if err := write(&x, &inv); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			dec := xml.NewDecoder(&x)
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed: %v", name, err)
				}
			}
		}
		inv.Status = pricing.StatusIssued
		if err := FacturX(io.Discard, &inv, nil, nil); err != nil {
			t.Fatalf("Factur-X: %v", err)
		}
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
