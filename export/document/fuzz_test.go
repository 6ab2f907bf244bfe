package document

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/billrun/billrun/export/einvoice"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/shopspring/decimal"
)

// FuzzInvoiceText puts any text in an invoice's names, address, notes and
// lines and renders its PDF, its e-invoices and its Factur-X: the PDF is
// made whatever the text (what the fonts lack shows as '?'), the XML is
// well-formed, and the renderers never panic.
func FuzzInvoiceText(f *testing.F) {
	f.Add("Müller & Söhne GmbH", "株式会社", "=HYPERLINK(\"x\")", "Smile 😀")
	f.Add("", "\u0000\u0007", "\uffff\U0010ffff", "a\nb\tc")
	f.Add("Ωmega", "Кириллица", "@SUM(A1)", strings.Repeat("x", 500))
	f.Add("Łódź Ωmega", "Ōsaka 東京", "Ακρόπολις Δμ", "株式会社テスト 1-1")
	// with the CJK fallback too, where it is installed: its cut to the
	// invoice's characters is made from whatever they are
	var withFallback *Fonts
	if fallback, err := os.ReadFile(droid); err == nil {
		withFallback = NewFonts(fallback)
	}
	f.Fuzz(func(t *testing.T, name, addr, desc, note string) {
		inv := fuzzInvoice(name, addr, desc, note)
		var pdf bytes.Buffer
		if err := PDF(&pdf, goFonts.Prepare(&inv), nil); err != nil {
			t.Fatalf("PDF: %v", err)
		}
		if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
		if withFallback != nil {
			if err := PDF(io.Discard, withFallback.Prepare(&inv), nil); err != nil {
				t.Fatalf("PDF with the fallback font: %v", err)
			}
		}
		// the e-invoices are well-formed XML whatever the text
		for name, write := range map[string]func(io.Writer, *pricing.Invoice) error{"UBL": einvoice.UBL, "CII": einvoice.CII} {
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
		if err := FacturX(io.Discard, goFonts.Prepare(&inv), nil); err != nil {
			t.Fatalf("Factur-X: %v", err)
		}
	})
}

// fuzzInvoice is a draft with the fuzzer's texts in its names, address,
// line and note.
func fuzzInvoice(name, addr, desc, note string) pricing.Invoice {
	return pricing.Invoice{Number: "DRAFT-2026-10-A", Kind: pricing.KindInvoice, Status: pricing.StatusDraft, CustomerID: "A",
		Customer: pricing.Party{Name: name, Address: []string{addr, name}}, Issuer: pricing.Issuer{Party: pricing.Party{Name: "I", Address: []string{desc}, City: addr, Country: "DE"}},
		Language: "de", EInvoice: "peppol", Places: 2, Taxes: []pricing.TaxLine{{Category: "S", Rate: decimal.RequireFromString("0.19")}},
		Currency: "EUR", PeriodStart: "2026-10-01", PeriodEnd: "2026-10-31", IssueDate: "2026-11-01", DueDate: "2026-11-15",
		Lines: []pricing.Line{{VPS: name, Kind: "fee", Description: desc, Quantity: decimal.NewFromInt(1), Unit: note,
			UnitPrice: decimal.NewFromInt(2), Amount: decimal.NewFromInt(2)}},
		Total: decimal.NewFromInt(2), Subtotal: decimal.NewFromInt(2), Notes: []string{note}}
}
