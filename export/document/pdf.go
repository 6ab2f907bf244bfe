package document

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/billrun/billrun/internal/currency"
	"github.com/billrun/billrun/internal/locale"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/tax"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
)

// Charts is what the invoice's second page draws: the customer's
// daily traffic and its hosts' daily uptime.
type Charts struct {
	Daily  []report.DailyBytes  // summed over the customer's VPS, each on the days it was active
	Uptime []report.DailyUptime // the customer's hosts, averaged
	// Target is the uptime the customer's plan promises (its SLA target;
	// without one, the operational threshold): the line drawn, and the
	// days below it shaded.
	Target float64 `json:"target"`
}

// BelowTarget says which days of the chart fall short of the target.
func (ch *Charts) BelowTarget() []bool {
	out := make([]bool, len(ch.Uptime))
	for i, d := range ch.Uptime {
		out[i] = float64(d.UptimePct) < ch.Target // NaN: no data, not shaded
	}
	return out
}

// PDF writes the invoice t as a PDF. The Go fonts (golang.org/x/image/font/gofont)
// are embedded from memory, so Latin, Greek and Cyrillic names print as
// written. They have no CJK glyphs: an invoice with a character they lack
// is set in fallback (a TrueType font the operator configures, e.g.
// Debian's DroidSansFallbackFull.ttf) when one is given. Creation dates are
// the issue date and the catalog is sorted, so the bytes depend only on the
// invoice and the fonts.
func PDF(w io.Writer, t *Text, ch *Charts) error {
	return render(w, t, ch, nil)
}

// render writes the PDF of t; with facturx, the CII XML of the invoice,
// as a Factur-X PDF/A-3 with the XML attached.
func render(w io.Writer, t *Text, ch *Charts, facturx []byte) (err error) {
	// fpdf panics on some input (a character beyond U+FFFF, a font it
	// cannot parse): that is this invoice's error, not the run's end.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the PDF renderer failed: %v", r)
		}
	}()
	inv := &t.Invoice
	s := &sheet{pdf: newPage(t.fonts, t.fallback()), inv: inv, lang: inv.Language, places: pricing.MinorUnits(inv.Currency)}
	if err := s.setUp(facturx); err != nil {
		return err
	}
	s.header()
	s.buyer()
	s.lines()
	s.totals()
	s.notes()
	s.charts(ch)
	return s.output(w, facturx)
}

// sheet is one document being set: its page, its invoice, and the
// language and decimals its texts and amounts are printed in.
type sheet struct {
	pdf    *page
	inv    *pricing.Invoice
	lang   string
	places int32
	info   docInfo // the title and date of the Info dictionary (and a Factur-X PDF's XMP)
}

// T is the text key in the document's language.
func (s *sheet) T(key string, args ...any) string { return locale.Text(s.lang, key, args...) }

// money is an amount in the document's currency and language.
func (s *sheet) money(d decimal.Decimal) string {
	return locale.Money(s.lang, d, s.places, s.inv.Currency)
}

// titles are the document's title and the label of its number.
func (s *sheet) titles() (title, numberLabel string) {
	title, numberLabel = s.T("invoice"), s.T("invoice_number")
	if s.inv.Kind == pricing.KindCreditNote {
		title, numberLabel = s.T("credit_note"), s.T("credit_number")
	}
	if s.inv.Status == pricing.StatusDraft {
		numberLabel = s.T("draft")
	}
	return title, numberLabel
}

// setUp dates the document, marks a draft as such on every page, makes a
// Factur-X document PDF/A-3, and opens the first page.
func (s *sheet) setUp(facturx []byte) error {
	pdf, inv := s.pdf, s.inv
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
	title, _ := s.titles()
	s.info = docInfo{Title: title + " " + inv.Number, Date: issued}
	if facturx != nil {
		pdfA3(pdf.Fpdf, s.info, facturx)
	}
	pdf.SetCatalogSort(true)
	pdf.SetTitle(s.info.Title, true)
	pdf.SetCreator(producer, true)
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 30)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(s.footer)
	pdf.AddPage()
	return nil
}

// header sets the issuer, top left, and the document's facts, top right.
func (s *sheet) header() {
	pdf, inv, lang, T := s.pdf, s.inv, s.lang, s.T
	title, numberLabel := s.titles()
	pdf.SetFont("go", "B", 13)
	pdf.CellFormat(100, 7, inv.Issuer.Name, "", 2, "L", false, 0, "")
	pdf.SetFont("go", "", 9)
	for _, l := range addressLines(inv.Issuer.Party, inv.Customer.Country, lang) {
		pdf.CellFormat(100, 4.5, l, "", 2, "L", false, 0, "")
	}
	pdf.CellFormat(100, 4.5, T("vat_id")+" "+inv.Issuer.VATID, "", 2, "L", false, 0, "")
	if inv.Issuer.TaxNumber != "" {
		pdf.CellFormat(100, 4.5, T("tax_number")+" "+inv.Issuer.TaxNumber, "", 2, "L", false, 0, "")
	}
	if inv.Issuer.Email != "" {
		pdf.CellFormat(100, 4.5, inv.Issuer.Email, "", 2, "L", false, 0, "")
	}
	pdf.SetXY(115, 16)
	// a title too long for its cell ("RECHNUNGSKORREKTUR (STORNO)") is set smaller
	size := 18.0
	pdf.SetFont("go", "B", size)
	for size > 10 && pdf.GetStringWidth(title) > 75 {
		size--
		pdf.SetFont("go", "B", size)
	}
	pdf.CellFormat(77, 9, title, "", 2, "R", false, 0, "")
	pdf.SetFont("go", "", 9)
	facts := [][2]string{{numberLabel, inv.Number}, {T("issue_date"), locale.Date(lang, inv.IssueDate)}, {T("due_date"), locale.Date(lang, inv.DueDate)}}
	if inv.Status == pricing.StatusDraft {
		facts = facts[:1]
	} else if inv.Kind == pricing.KindCreditNote {
		facts = facts[:2] // nothing is due
	}
	ref := func(r *pricing.Reference) string {
		return r.Number + " " + T("of") + " " + locale.Date(lang, r.IssueDate)
	}
	if inv.Corrects != nil {
		label := T("replaces")
		if inv.Kind == pricing.KindCreditNote {
			label = T("cancels")
		}
		facts = append(facts, [2]string{label, ref(inv.Corrects)})
	}
	if inv.CancelledBy != nil {
		facts = append(facts, [2]string{T("cancelled_by"), ref(inv.CancelledBy)})
	}
	facts = append(facts, [2]string{T("service_period"), locale.Date(lang, inv.PeriodStart) + " – " + locale.Date(lang, inv.PeriodEnd)}, [2]string{T("customer"), inv.CustomerID})
	if inv.BuyerReference != "" {
		facts = append(facts, [2]string{T("buyer_reference"), inv.BuyerReference})
	}
	if inv.PurchaseOrder != "" {
		facts = append(facts, [2]string{T("purchase_order"), inv.PurchaseOrder})
	}
	if inv.Contract != "" {
		facts = append(facts, [2]string{T("contract"), inv.Contract})
	}
	for _, kv := range facts {
		pdf.SetX(115)
		pdf.CellFormat(32, 5, kv[0], "", 0, "L", false, 0, "")
		pdf.CellFormat(45, 5, kv[1], "", 1, "R", false, 0, "")
	}
}

// buyer sets the customer's block.
func (s *sheet) buyer() {
	pdf, inv, T := s.pdf, s.inv, s.T
	pdf.SetXY(18, 66)
	pdf.SetFont("go", "", 8)
	to := T("bill_to")
	if inv.Kind == pricing.KindCreditNote {
		to = T("issued_to") // nothing is billed
	}
	pdf.CellFormat(100, 4, to, "", 2, "L", false, 0, "")
	pdf.SetFont("go", "B", 11)
	pdf.CellFormat(100, 6, inv.Customer.Name, "", 2, "L", false, 0, "")
	pdf.SetFont("go", "", 9)
	if c := inv.BuyerContact; c != nil && c.Name != "" {
		pdf.CellFormat(100, 4.5, T("attention", c.Name), "", 2, "L", false, 0, "")
	}
	for _, l := range addressLines(inv.Customer, inv.Issuer.Country, s.lang) {
		pdf.CellFormat(100, 4.5, l, "", 2, "L", false, 0, "")
	}
	if inv.Customer.VATID != "" {
		pdf.CellFormat(100, 4.5, T("vat_id")+" "+inv.Customer.VATID, "", 2, "L", false, 0, "")
	}
	pdf.SetY(max(pdf.GetY(), 96) + 6)
}

// lines sets the table of lines: quantity × unit price = amount on
// every one.
func (s *sheet) lines() {
	pdf, inv, lang, T, places := s.pdf, s.inv, s.lang, s.T, s.places
	cols := []float64{86, 20, 18, 25, 25}
	pdf.SetFillColor(221, 228, 238)
	pdf.SetFont("go", "B", 8.5)
	for i, h := range []string{T("description"), T("quantity"), T("unit"), T("unit_price"), T("amount") + " " + inv.Currency} {
		align := "R"
		if i == 0 || i == 2 {
			align = "L"
		}
		pdf.CellFormat(cols[i], 7, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("go", "", 8.5)
	for _, l := range inv.Lines {
		h := 4.6 * float64(max(1, pdf.lines(l.Description, cols[0]-1)))
		if pdf.GetY()+h > 297-32 {
			pdf.AddPage()
		}
		x, y := pdf.GetXY()
		pdf.MultiCell(cols[0], 4.6, l.Description, "", "L", false)
		pdf.SetXY(x+cols[0], y)
		pdf.CellFormat(cols[1], h, locale.Quantity(lang, l.Quantity), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[2], h, " "+l.Unit, "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], h, unitPrice(lang, l.UnitPrice, places), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[4], h, locale.Number(lang, l.Amount, places), "", 1, "R", false, 0, "")
		pdf.SetDrawColor(230, 230, 230)
		pdf.Line(18, pdf.GetY(), 192, pdf.GetY())
	}
}

// totals sets the sums: fees, usage, credit, net, each VAT, the total.
func (s *sheet) totals() {
	pdf, inv, lang, T, money := s.pdf, s.inv, s.lang, s.T, s.money
	pdf.Ln(3)
	sum := func(label string, v decimal.Decimal, strong bool) {
		style := ""
		if strong {
			style = "B"
		}
		pdf.SetFont("go", style, 9.5)
		for size := 9.0; size >= 6 && pdf.GetStringWidth(label) > 65; size -= 0.5 {
			pdf.SetFontSize(size) // a long discount reason
		}
		pdf.SetX(96)
		pdf.CellFormat(66, 6, label, "", 0, "L", false, 0, "")
		pdf.CellFormat(30, 6, money(v), "", 1, "R", false, 0, "")
	}
	sum(T("fees"), inv.Fees, false)
	if !inv.Usage.IsZero() {
		sum(T("usage"), inv.Usage, false)
	}
	if !inv.Charges.IsZero() {
		sum(T("charges"), inv.Charges, false)
	}
	if !inv.Credit.IsZero() {
		sum(T("sla_credit"), inv.Credit, false)
	}
	if len(inv.Allowances) > 0 {
		sum(T("lines_total"), inv.Subtotal.Add(inv.Discount), false) // BT-106, what the discount is off
	}
	for _, a := range inv.Allowances {
		label := T("discount", a.Reason)
		if a.Percent != nil {
			label += " (" + locale.Quantity(lang, *a.Percent) + " %)"
		}
		sum(label, a.Amount.Neg(), false)
	}
	sum(T("net_total"), inv.Subtotal, true)
	for _, t := range inv.Taxes {
		if t.Category == tax.Standard {
			sum(T("vat", locale.Quantity(lang, t.Rate.Mul(decimal.NewFromInt(100))), money(t.Taxable)), t.Tax, false)
		} else {
			sum(T("no_vat", t.Note, money(t.Taxable)), t.Tax, false)
		}
	}
	pdf.SetDrawColor(0, 0, 0)
	pdf.Line(96, pdf.GetY(), 192, pdf.GetY())
	if inv.Kind == pricing.KindCreditNote {
		sum(T("credit_total"), inv.Total, true)
	} else {
		sum(T("total"), inv.Total, true)
	}
}

// notes sets the usage summary, the notes, and what a draft is or how
// to pay.
func (s *sheet) notes() {
	pdf, inv, lang, T, money := s.pdf, s.inv, s.lang, s.T, s.money
	pdf.Ln(3)
	if len(inv.UsageItems) > 0 {
		pdf.SetFont("go", "B", 8.5)
		pdf.CellFormat(0, 5, T("usage_summary"), "", 1, "L", false, 0, "")
		for i := 0; i < len(inv.UsageItems); {
			n := 1
			for i+n < len(inv.UsageItems) && inv.UsageItems[i+n].VPS == inv.UsageItems[i].VPS {
				n++
			}
			s.usageTable(inv.UsageItems[i : i+n])
			i += n
		}
		pdf.Ln(2)
	}
	pdf.SetFont("go", "", 8.5)
	if h := inv.HomeVAT; h != nil {
		// art. 230: the VAT in the home currency, at the rate it was converted at
		vat := locale.Money(lang, h.VAT, currency.InvoicePlaces(h.Currency), h.Currency)
		pdf.MultiCell(0, 4.5, T("home_vat", h.Currency, vat, locale.Date(lang, h.RateDay), h.Currency, locale.Rate(lang, h.Rate), inv.Currency), "", "L", false)
	}
	for _, n := range inv.Notes {
		pdf.MultiCell(0, 4.5, n, "", "L", false)
	}
	switch {
	case inv.Status == pricing.StatusDraft:
		pdf.MultiCell(0, 4.5, T("draft_note"), "", "L", false)
	default:
		pdf.MultiCell(0, 4.5, inv.PaymentTerms(), "", "L", false)
		if b := inv.Issuer.Bank; b != nil && inv.Kind == pricing.KindInvoice {
			bic := ""
			if b.BIC != "" {
				bic = ", BIC " + b.BIC
			}
			pdf.MultiCell(0, 4.5, T("payment", money(inv.Total), locale.Date(lang, inv.DueDate), b.Holder, b.IBAN, bic, inv.Number), "", "L", false)
		}
	}
}

// usageTable sets one VPS's usage: what each metric used and what the
// plan includes, a row each, kept on one page.
func (s *sheet) usageTable(items []pricing.UsageItem) {
	pdf, lang, T := s.pdf, s.lang, s.T
	const row = 4.2
	if pdf.GetY()+row*float64(len(items)+2) > 297-32 {
		pdf.AddPage()
	}
	cols := []float64{70, 28, 28, 30}
	pdf.SetFont("go", "B", 8)
	pdf.CellFormat(0, row+0.8, items[0].VPS, "", 1, "L", false, 0, "")
	pdf.SetFont("go", "", 7.5)
	pdf.SetTextColor(90, 90, 90)
	for i, h := range []string{T("resource"), T("used"), T("included"), T("unit")} {
		align := "R"
		if i == 0 || i == 3 {
			align = "L"
		}
		pdf.CellFormat(cols[i], row, h, "B", 0, align, false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("go", "", 8)
	for _, u := range items {
		label, unit := u.Label, u.UnitLabel
		if label == "" { // drafted before invoices had labels
			label, unit = u.Metric, u.Unit
		}
		pdf.CellFormat(cols[0], row, label, "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], row, locale.Quantity(lang, u.Used), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[2], row, locale.Quantity(lang, u.Included), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[3], row, " "+unit, "", 1, "L", false, 0, "")
	}
	pdf.Ln(1.5)
}

// charts sets the chart page: daily traffic and uptime, when there are
// any.
func (s *sheet) charts(ch *Charts) {
	pdf, inv, lang, T := s.pdf, s.inv, s.lang, s.T
	if ch != nil && (len(ch.Daily) > 0 || len(ch.Uptime) > 0) {
		pdf.AddPage()
		pdf.SetFont("go", "B", 12)
		pdf.CellFormat(0, 8, locale.Date(lang, inv.PeriodStart)+" – "+locale.Date(lang, inv.PeriodEnd), "", 1, "L", false, 0, "")
		title := func(y float64, text string) {
			pdf.SetFont("go", "B", 9)
			pdf.SetXY(18, y-8)
			pdf.CellFormat(174, 6, text, "", 0, "L", false, 0, "")
		}
		if len(ch.Daily) > 0 {
			title(40, T("traffic"))
			bandwidthChart(pdf.Fpdf, 18, 40, 174, 80, ch.Daily)
		}
		if len(ch.Uptime) > 0 {
			title(150, T("availability", locale.Quantity(lang, decimal.NewFromFloat(ch.Target))))
			uptimeChart(pdf.Fpdf, 18, 150, 174, 80, ch)
		}
	}
}

// output writes the document, made Factur-X by associate when facturx
// is given.
func (s *sheet) output(w io.Writer, facturx []byte) error {
	pdf := s.pdf
	if err := pdf.Error(); err != nil {
		return err
	}
	if facturx == nil {
		return pdf.Output(w)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return err
	}
	out, err := associate(b.Bytes(), s.info)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// unitPrice prints a unit price with at least the currency's decimals
// (20.00, 0.50) and more when it has them (0.005).
func unitPrice(lang string, d decimal.Decimal, places int32) string {
	s := d.String() // without trailing zeros
	decimals := int32(0)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		decimals = int32(len(s) - i - 1)
	}
	return locale.Number(lang, d, max(places, decimals))
}

// addressLines are a party's street lines, postcode, city and region, and its
// country, named in lang, when it is not home's.
func addressLines(p pricing.Party, home, lang string) []string {
	out := slices.Clone(p.Address)
	switch p.Region {
	case "":
		out = append(out, strings.TrimSpace(p.Postcode+" "+p.City))
	default:
		// where addresses name a state, it goes between city and postcode
		if slices.Contains([]string{"US", "CA", "AU"}, p.Country) {
			out = append(out, strings.TrimSpace(p.City+", "+p.Region+" "+p.Postcode))
		} else {
			out = append(out, strings.TrimSpace(p.Postcode+" "+p.City), p.Region)
		}
	}
	if p.Country != home {
		out = append(out, locale.Country(lang, p.Country))
	}
	return out
}

// footer prints, on every page, what §14 UStG and § 35a GmbHG want on a
// company's business letters: the register entry, the managing directors,
// the bank; and the page number.
func (s *sheet) footer() {
	pdf, T := s.pdf, s.T
	is := s.inv.Issuer
	parts := []string{is.Name}
	if r := is.Register; r != nil {
		// the seat is the issuer's city: § 35a GmbHG wants it beside the
		// register court
		parts = append(parts, T("labelled", T("seat"), is.City), T("labelled", T("register"), r.Court+" "+r.Number))
	}
	if len(is.ManagingDirectors) > 0 {
		parts = append(parts, T("labelled", T("directors"), strings.Join(is.ManagingDirectors, ", ")))
	}
	if b := is.Bank; b != nil {
		parts = append(parts, "IBAN "+b.IBAN)
		if b.BIC != "" {
			parts[len(parts)-1] += ", BIC " + b.BIC
		}
	}
	pdf.SetY(-24)
	pdf.SetDrawColor(200, 200, 200)
	pdf.Line(18, pdf.GetY(), 192, pdf.GetY())
	pdf.SetFont("go", "", 7)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(150, 3.6, strings.Join(parts, " · "), "", "L", false)
	pdf.SetXY(168, -23)
	pdf.CellFormat(24, 3.6, T("page", pdf.PageNo(), "{nb}"), "", 0, "R", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
}

// axes draws a chart frame with y labels from lo to hi.
func axes(pdf *fpdf.Fpdf, x, y, w, h float64, lo, hi float64, unit string) {
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
	axes(pdf, x, y, w, h, 0, top, "")
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
// the target as a line and the days below it shaded, on a scale from just
// below the lowest value to 100.
func uptimeChart(pdf *fpdf.Fpdf, x, y, w, h float64, ch *Charts) {
	days, threshold := ch.Uptime, ch.Target
	lo := threshold
	for _, d := range days {
		if v := float64(d.UptimePct); !math.IsNaN(v) {
			lo = math.Min(lo, v)
		}
	}
	lo = math.Floor(lo*10-1) / 10
	axes(pdf, x, y, w, h, lo, 100, "")
	slot := w / float64(len(days))
	yOf := func(v float64) float64 { return y + h - h*(v-lo)/(100-lo) }
	pdf.SetFillColor(250, 214, 214)
	for i, below := range ch.BelowTarget() {
		if below {
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
