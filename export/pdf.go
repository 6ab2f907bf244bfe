package export

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// InvoiceCharts is what the invoice's second page draws: the customer's
// daily traffic and its hosts' daily uptime.
type InvoiceCharts struct {
	Daily     []report.DailyBytes  // summed over the customer's VPS
	Uptime    []report.DailyUptime // the customer's hosts, averaged
	Threshold float64
}

// PDF writes one pricing. The Go fonts (golang.org/x/image/font/gofont)
// are embedded from memory, so Latin, Greek and Cyrillic names print as
// written. They have no CJK glyphs: an invoice with a character they lack
// is set in fallback (a TrueType font the operator configures, e.g.
// Debian's DroidSansFallbackFull.ttf) when one is given. Creation dates are
// the issue date and the catalog is sorted, so the bytes depend only on the
// invoice and the fonts.
func PDF(w io.Writer, inv *pricing.Invoice, ch *InvoiceCharts, fallback []byte) (err error) {
	// fpdf panics on some input (a character beyond U+FFFF, a font it
	// cannot parse): that is this invoice's error, not the run's end.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the PDF renderer failed: %v", r)
		}
	}()
	font := fontFor(inv, fallback)
	c := *inv
	printable(&c, font) // what the font lacks shows as '?'; Unprintable reports it
	inv = &c
	pdf := fpdf.New("P", "mm", "A4", "")
	if fallback != nil && !goFontCovers(inv) {
		pdf.AddUTF8FontFromBytes("go", "", fallback)
		pdf.AddUTF8FontFromBytes("go", "B", fallback)
	} else {
		pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
		pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	}
	// A draft's dates are what issuing would set the day after the
	// period; the document's own date is the period's end either way.
	dated := inv.IssueDate
	if inv.Status == pricing.StatusDraft {
		dated = inv.PeriodEnd
	}
	issued, err := time.Parse("2006-01-02", dated)
	if err != nil {
		return err
	}
	if inv.Status == pricing.StatusDraft {
		// DRAFT across every page, under the content, as text (so that
		// pdftotext and a reader's search find it too)
		pdf.SetHeaderFunc(func() {
			pdf.SetFont("go", "B", 110)
			pdf.SetTextColor(228, 228, 228)
			pdf.TransformBegin()
			pdf.TransformRotate(40, 105, 160)
			pdf.Text(32, 190, "DRAFT")
			pdf.TransformEnd()
			pdf.SetTextColor(0, 0, 0)
		})
	}
	pdf.SetCreationDate(issued)
	pdf.SetModificationDate(issued)
	pdf.SetCatalogSort(true)
	title, numberLabel := "INVOICE", "Invoice number"
	if inv.Kind == pricing.KindCreditNote {
		title, numberLabel = "CREDIT NOTE", "Credit note number"
	}
	if inv.Status == pricing.StatusDraft {
		numberLabel = "Draft"
	}
	pdf.SetTitle(strings.ToUpper(title[:1])+strings.ToLower(title[1:])+" "+inv.Number, true)
	pdf.SetCreator("billrun", true)
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AddPage()

	// Issuer, top left; invoice facts, top right.
	pdf.SetFont("go", "B", 13)
	pdf.CellFormat(100, 7, inv.Issuer.Name, "", 2, "L", false, 0, "")
	pdf.SetFont("go", "", 9)
	for _, l := range inv.Issuer.Address {
		pdf.CellFormat(100, 4.5, l, "", 2, "L", false, 0, "")
	}
	if inv.Issuer.VATID != "" {
		pdf.CellFormat(100, 4.5, "VAT ID "+inv.Issuer.VATID, "", 2, "L", false, 0, "")
	}
	if inv.Issuer.Email != "" {
		pdf.CellFormat(100, 4.5, inv.Issuer.Email, "", 2, "L", false, 0, "")
	}
	pdf.SetXY(125, 16)
	pdf.SetFont("go", "B", 18)
	pdf.CellFormat(67, 9, title, "", 2, "R", false, 0, "")
	pdf.SetFont("go", "", 9)
	facts := [][2]string{{numberLabel, inv.Number}, {"Issue date", inv.IssueDate}, {"Due date", inv.DueDate}}
	if inv.Status == pricing.StatusDraft {
		facts = facts[:1]
	}
	if inv.Corrects != nil {
		facts = append(facts, [2]string{"Corrects", inv.Corrects.Number + " of " + inv.Corrects.IssueDate})
	}
	facts = append(facts, [2]string{"Service period", inv.PeriodStart + " – " + inv.PeriodEnd}, [2]string{"Customer", inv.CustomerID})
	for _, kv := range facts {
		pdf.SetX(125)
		pdf.CellFormat(30, 5, kv[0], "", 0, "L", false, 0, "")
		pdf.CellFormat(37, 5, kv[1], "", 1, "R", false, 0, "")
	}
	// Customer block.
	pdf.SetXY(18, 62)
	pdf.SetFont("go", "", 8)
	pdf.CellFormat(100, 4, "Bill to", "", 2, "L", false, 0, "")
	pdf.SetFont("go", "B", 11)
	pdf.CellFormat(100, 6, inv.Customer.Name, "", 2, "L", false, 0, "")
	pdf.SetFont("go", "", 9)
	for _, l := range inv.Customer.Address {
		pdf.CellFormat(100, 4.5, l, "", 2, "L", false, 0, "")
	}
	if inv.Customer.VATID != "" {
		pdf.CellFormat(100, 4.5, "VAT ID "+inv.Customer.VATID, "", 2, "L", false, 0, "")
	}
	pdf.Ln(8)

	// Lines.
	cols := []float64{88, 24, 18, 22, 22}
	pdf.SetFillColor(221, 228, 238)
	pdf.SetFont("go", "B", 9)
	for i, h := range []string{"Description", "Quantity", "Unit", "Rate", "Amount " + inv.Currency} {
		align := "R"
		if i == 0 || i == 2 {
			align = "L"
		}
		pdf.CellFormat(cols[i], 7, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("go", "", 8.5)
	places := pricing.MinorUnits(inv.Currency)
	for _, l := range inv.Lines {
		desc := l.Description
		if l.Review {
			desc += " [review]"
		}
		lines := pdf.SplitLines([]byte(desc), cols[0]-1)
		h := 5 * float64(max(1, len(lines)))
		x, y := pdf.GetXY()
		pdf.MultiCell(cols[0], 5, desc, "", "L", false)
		pdf.SetXY(x+cols[0], y)
		pdf.CellFormat(cols[1], h, l.Quantity.String(), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[2], h, " "+l.Unit, "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], h, rate(l, places), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[4], h, amount(l.Amount, places), "", 1, "R", false, 0, "")
		pdf.SetDrawColor(230, 230, 230)
		pdf.Line(18, pdf.GetY(), 192, pdf.GetY())
	}
	pdf.Ln(3)
	sum := func(label string, v decimal.Decimal, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("go", style, 9.5)
		pdf.SetX(110)
		pdf.CellFormat(60, 6, label, "", 0, "L", false, 0, "")
		pdf.CellFormat(22, 6, amount(v, places), "", 1, "R", false, 0, "")
	}
	sum("Fees", inv.Fees, false)
	sum("Usage", inv.Usage, false)
	sum("SLA credit", inv.Credit, false)
	sum("Subtotal (taxable amount)", inv.Subtotal, true)
	for _, t := range inv.Taxes {
		sum(fmt.Sprintf("VAT %s %%", t.Rate.Mul(decimal.NewFromInt(100)).String()), t.Tax, false)
	}
	pdf.SetDrawColor(0, 0, 0)
	pdf.Line(110, pdf.GetY(), 192, pdf.GetY())
	sum("Total "+inv.Currency, inv.Total, true)
	pdf.Ln(4)
	pdf.SetFont("go", "", 8.5)
	for _, n := range inv.Notes {
		pdf.MultiCell(0, 4.5, n, "", "L", false)
	}
	switch {
	case inv.Status == pricing.StatusDraft:
		pdf.MultiCell(0, 4.5, "Draft: not an invoice. It has no number yet and is not to be paid; the issued document will be.", "", "L", false)
	case inv.Kind == pricing.KindCreditNote:
		pdf.MultiCell(0, 4.5, fmt.Sprintf("%s %s are credited to you: this credit note reverses invoice %s of %s.",
			amount(inv.Total.Neg(), places), inv.Currency, inv.Corrects.Number, inv.Corrects.IssueDate), "", "L", false)
	default:
		pdf.MultiCell(0, 4.5, fmt.Sprintf("Please pay %s %s by %s, quoting invoice number %s.", amount(inv.Total, places), inv.Currency, inv.DueDate, inv.Number), "", "L", false)
	}

	if ch != nil && (len(ch.Daily) > 0 || len(ch.Uptime) > 0) {
		pdf.AddPage()
		pdf.SetFont("go", "B", 12)
		pdf.CellFormat(0, 8, "Usage and availability, "+inv.PeriodStart+" – "+inv.PeriodEnd, "", 1, "L", false, 0, "")
		if len(ch.Daily) > 0 {
			bandwidthChart(pdf, 18, 40, 174, 80, ch.Daily)
		}
		if len(ch.Uptime) > 0 {
			uptimeChart(pdf, 18, 150, 174, 80, ch.Uptime, ch.Threshold)
		}
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

func amount(d decimal.Decimal, places int32) string { return d.StringFixed(places) }

// rate prints a line's unit price as money: at least the currency's
// decimals (20.00, 0.50), more when the rate has them (0.005). (An SLA
// credit's unit price is the fee it is a percentage of.)
func rate(l pricing.Line, places int32) string {
	s := l.UnitPrice.String()
	decimals := int32(0)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		decimals = int32(len(s) - i - 1)
	}
	return l.UnitPrice.StringFixed(max(places, decimals))
}

var (
	goFontOnce sync.Once
	goFont     *sfnt.Font
)

// goFontCovers reports whether Go Regular has a glyph for every character
// of the invoice's text.
func goFontCovers(inv *pricing.Invoice) bool {
	goFontOnce.Do(func() { goFont, _ = sfnt.Parse(goregular.TTF) })
	if goFont == nil {
		return true
	}
	c := *inv
	return len(printable(&c, goFont)) == 0
}

// Unprintable lists what of the invoice's text the PDF cannot print (with
// the Go fonts, or fallback when the invoice needs it), as "field: U+XXXX
// 'c'"; the PDF shows each such character as '?'. A character beyond the
// Basic Multilingual Plane (an emoji) is never printable: fpdf's UTF-8
// fonts stop at U+FFFF.
func Unprintable(inv *pricing.Invoice, fallback []byte) []string {
	c := *inv
	return printable(&c, fontFor(inv, fallback))
}

// fontFor is the font PDF sets inv in, parsed (nil: unknown, so only the
// plane limit applies).
func fontFor(inv *pricing.Invoice, fallback []byte) *sfnt.Font {
	if fallback != nil && !goFontCovers(inv) {
		f, _ := sfnt.Parse(fallback)
		return f
	}
	goFontOnce.Do(func() { goFont, _ = sfnt.Parse(goregular.TTF) })
	return goFont
}

// printable replaces in inv, a shallow copy whose slices it copies before
// changing them, every character font lacks with '?', and says which.
func printable(inv *pricing.Invoice, font *sfnt.Font) []string {
	var buf sfnt.Buffer
	var lacking []string
	fix := func(field string, s *string) {
		if !strings.ContainsFunc(*s, func(r rune) bool { return r >= 0x80 }) {
			return
		}
		out := []rune(*s) // invalid UTF-8 becomes U+FFFD
		changed := !utf8.ValidString(*s)
		for i, r := range out {
			if r < 0x80 {
				continue
			}
			ok := r <= 0xFFFF
			if ok && font != nil {
				g, err := font.GlyphIndex(&buf, r)
				ok = err == nil && g != 0
			}
			if !ok {
				lacking = append(lacking, fmt.Sprintf("%s: %U %q", field, r, r))
				out[i], changed = '?', true
			}
		}
		if changed {
			*s = string(out)
		}
	}
	fix("customer name", &inv.Customer.Name)
	fix("issuer name", &inv.Issuer.Name)
	fix("number", &inv.Number)
	inv.Customer.Address = slices.Clone(inv.Customer.Address)
	for i := range inv.Customer.Address {
		fix("customer address", &inv.Customer.Address[i])
	}
	inv.Issuer.Address = slices.Clone(inv.Issuer.Address)
	for i := range inv.Issuer.Address {
		fix("issuer address", &inv.Issuer.Address[i])
	}
	fix("customer VAT ID", &inv.Customer.VATID)
	fix("customer email", &inv.Customer.Email)
	fix("issuer email", &inv.Issuer.Email)
	inv.Notes = slices.Clone(inv.Notes)
	for i := range inv.Notes {
		fix("note", &inv.Notes[i])
	}
	inv.Lines = slices.Clone(inv.Lines)
	for i := range inv.Lines {
		fix("line description", &inv.Lines[i].Description)
		fix("line unit", &inv.Lines[i].Unit)
	}
	return lacking
}

// axes draws a chart frame with a title and y labels from 0 to top.
func axes(pdf *fpdf.Fpdf, x, y, w, h float64, title string, lo, hi float64, unit string) {
	pdf.SetFont("go", "B", 10)
	pdf.SetXY(x, y-8)
	pdf.CellFormat(w, 6, title, "", 0, "L", false, 0, "")
	pdf.SetDrawColor(200, 200, 200)
	pdf.SetLineWidth(0.2)
	pdf.SetFont("go", "", 7)
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		yy := y + h - h*float64(i)/4
		pdf.Line(x, yy, x+w, yy)
		pdf.SetXY(x-16, yy-2)
		pdf.CellFormat(15, 4, trimNum(v)+unit, "", 0, "R", false, 0, "")
	}
}

func trimNum(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// bandwidthChart draws daily GB in and out as paired bars.
func bandwidthChart(pdf *fpdf.Fpdf, x, y, w, h float64, days []report.DailyBytes) {
	top := 0.0
	for _, d := range days {
		top = math.Max(top, math.Max(float64(d.In), float64(d.Out))/1e9)
	}
	top = niceCeil(top)
	axes(pdf, x, y, w, h, "Daily traffic (GB): in green, out blue", 0, top, "")
	slot := w / float64(len(days))
	for i, d := range days {
		for k, v := range []float64{float64(d.In) / 1e9, float64(d.Out) / 1e9} {
			bh := h * v / top
			if k == 0 {
				pdf.SetFillColor(46, 160, 67)
			} else {
				pdf.SetFillColor(44, 102, 191)
			}
			pdf.Rect(x+float64(i)*slot+slot*0.1+float64(k)*slot*0.4, y+h-bh, slot*0.4, bh, "F")
		}
	}
	dayLabels(pdf, x, y+h, slot, len(days), func(i int) string { return days[i].Day[8:] })
}

func dayLabels(pdf *fpdf.Fpdf, x, y, slot float64, n int, label func(int) string) {
	pdf.SetFont("go", "", 6)
	for i := 0; i < n; i++ {
		if n > 16 && i%2 == 1 {
			continue
		}
		pdf.SetXY(x+float64(i)*slot, y+1)
		pdf.CellFormat(slot, 3, label(i), "", 0, "C", false, 0, "")
	}
}

// uptimeChart draws the daily uptime and its 7-day moving average, with
// degraded days shaded, on a scale from just below the lowest value to 100.
func uptimeChart(pdf *fpdf.Fpdf, x, y, w, h float64, days []report.DailyUptime, threshold float64) {
	lo := threshold
	for _, d := range days {
		if v := float64(d.UptimePct); !math.IsNaN(v) {
			lo = math.Min(lo, v)
		}
	}
	lo = math.Floor(lo*10-1) / 10
	axes(pdf, x, y, w, h, "Daily availability (%): daily, 7-day average dashed, degraded days shaded", lo, 100, "")
	slot := w / float64(len(days))
	yOf := func(v float64) float64 { return y + h - h*(v-lo)/(100-lo) }
	pdf.SetFillColor(250, 214, 214)
	for i, d := range days {
		if d.Degraded {
			pdf.Rect(x+float64(i)*slot, y, slot, h, "F")
		}
	}
	series := func(get func(report.DailyUptime) float64, r, g, b int, dash bool) {
		pdf.SetDrawColor(r, g, b)
		pdf.SetLineWidth(0.5)
		if dash {
			pdf.SetDashPattern([]float64{1.5, 1}, 0)
		}
		var prev *fpdf.PointType
		for i, d := range days {
			v := get(d)
			if math.IsNaN(v) {
				prev = nil
				continue
			}
			p := fpdf.PointType{X: x + (float64(i)+0.5)*slot, Y: yOf(v)}
			if prev != nil {
				pdf.Line(prev.X, prev.Y, p.X, p.Y)
			}
			prev = &p
		}
		pdf.SetDashPattern(nil, 0)
	}
	series(func(d report.DailyUptime) float64 { return float64(d.UptimePct) }, 44, 102, 191, false)
	series(func(d report.DailyUptime) float64 { return float64(d.MA7) }, 90, 90, 90, true)
	pdf.SetDrawColor(200, 40, 40)
	pdf.SetLineWidth(0.3)
	pdf.Line(x, yOf(threshold), x+w, yOf(threshold))
	dayLabels(pdf, x, y+h, slot, len(days), func(i int) string { return days[i].Day[8:] })
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
