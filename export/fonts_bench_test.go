package export

import (
	"bytes"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// BenchmarkPDFFonts is what fpdf spends on the fonts of one document, side
// by side with the alternatives measured (docs/performance.md): the two Go
// fonts PDF embeds, one font only (bold set another way), and page
// compression off.
func BenchmarkPDFFonts(b *testing.B) {
	for _, v := range []string{"two-fonts", "one-font", "two-fonts-nocompress"} {
		b.Run(v, func(b *testing.B) {
			for b.Loop() {
				pdf := fpdf.New("P", "mm", "A4", "")
				if v == "two-fonts-nocompress" {
					pdf.SetCompression(false)
				}
				pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
				if v != "one-font" {
					pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
				}
				pdf.AddPage()
				pdf.SetFont("go", "", 9)
				pdf.CellFormat(100, 7, "Invoice INV-2026-00001 Müller & Söhne 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ", "", 2, "L", false, 0, "")
				if v != "one-font" {
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
