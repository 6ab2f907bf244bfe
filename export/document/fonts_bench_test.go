package document

import (
	"bytes"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// BenchmarkPDFFonts is what fpdf spends on the fonts of one document, side
// by side with the alternatives measured (docs/performance.md): the two Go
// fonts as single-byte Windows-1252 fonts, embedded whole, the page not
// deflated (what PDF does for such text); the same with the page deflated
// (what it did before); as UTF-8 fonts, subset per document (what it did
// first); one UTF-8 font only (bold set another way); and UTF-8 with page
// compression off.
func BenchmarkPDFFonts(b *testing.B) {
	for _, v := range []string{"winansi", "winansi-deflated", "utf8-two-fonts", "utf8-one-font", "utf8-two-fonts-nocompress"} {
		b.Run(v, func(b *testing.B) {
			for b.Loop() {
				single := strings.HasPrefix(v, "winansi")
				pdf := newPage(goFonts, nil).Fpdf
				if v == "winansi-deflated" {
					pdf.SetCompression(true)
				}
				if !single {
					pdf = fpdf.New("P", "mm", "A4", "")
				}
				if v == "utf8-two-fonts-nocompress" {
					pdf.SetCompression(false)
				}
				if !single {
					pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
				}
				if v == "utf8-two-fonts" || v == "utf8-two-fonts-nocompress" {
					pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
				}
				text := "Invoice INV-2026-00001 Müller & Söhne 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				if single {
					text = latin1.bytes(text)
				}
				pdf.AddPage()
				pdf.SetFont("go", "", 9)
				pdf.CellFormat(100, 7, text, "", 2, "L", false, 0, "")
				if v != "utf8-one-font" {
					pdf.SetFont("go", "B", 9)
				}
				pdf.CellFormat(100, 7, "Total EUR 1,234.56 VAT 19 %", "", 2, "L", false, 0, "")
				var buf bytes.Buffer
				if err := pdf.Output(&buf); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(buf.Len()), "bytes")
			}
		})
	}
}
