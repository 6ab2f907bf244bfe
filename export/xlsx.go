package export

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Workbook is what the XLSX is made of.
type Workbook struct {
	Period period.Period
	// Invoices are the documents as the run shows them: its drafts, and
	// the issued invoices it left as they are.
	Invoices []pricing.Invoice
	// Issued are every document issued for the period, from the register
	// (originals, credit notes, replacements): the Summary and Lines show
	// them beside the drafts.
	Issued []pricing.Invoice
	// RRDDir is what the Usage sheet's file names are relative to.
	RRDDir   string
	Problems []pricing.Problem
	Usage    *report.UsageReport
	SLA      *report.SLAReport
	Metrics  []report.Metric
	// Customer of each VPS (by VPS name), for the Usage and SLA sheets.
	CustomerOf map[string]string
	HostOf     map[string]string
	// Held are, per customer, the reasons its drafts wait for a person
	// (billrun issue holds them): the Summary's Review column.
	Held map[string][]string
}

// XLSX writes the billing workbook: sheets Summary (a row per document,
// issued and drafted, totals per currency issued, drafted and after
// corrections as SUMIFS formulas with cached values, the totals by
// customer and a chart of them), Usage, SLA, Lines and Problems; without
// Usage (an issued period's workbook), Summary and Lines only. Every number is a numeric cell
// with a number format; headers are frozen and filterable; text that a
// spreadsheet would evaluate is written as a plain string. The bytes
// depend only on the inputs: zip entries are sorted and timestamps pinned
// to the period's end.
func XLSX(w io.Writer, wb *Workbook) error {
	docs := summaryOrder(shown(wb))
	var byCustomer int // the Summary's first row of totals by customer
	f, st, err := newWorkbook(wb.Period.End, "Billing "+wb.Period.Label)
	if err != nil {
		return err
	}
	defer f.Close()
	sheets := []sheet{
		{"Summary", func(sw *excelize.StreamWriter) (int, error) {
			next, first, err := summarySheet(sw, wb, docs, st)
			byCustomer = first
			return next, err
		}},
		{"Lines", func(sw *excelize.StreamWriter) (int, error) { return linesSheet(sw, docs, st) }},
	}
	if wb.Usage != nil { // a run's workbook; an issued period's has no figures of its own
		sheets = []sheet{sheets[0],
			{"Usage", func(sw *excelize.StreamWriter) (int, error) { return usageSheet(sw, wb, st) }},
			{"SLA", func(sw *excelize.StreamWriter) (int, error) { return slaSheet(sw, wb, st) }},
			sheets[1],
			{"Problems", func(sw *excelize.StreamWriter) (int, error) { return problemsSheet(sw, wb, st) }},
		}
	}
	// The charts must join the Summary before its stream is flushed:
	// added after, excelize writes the chart and its relationship but not
	// the sheet's <drawing> element, and no application shows it.
	charts := func(i, next int) error {
		if i != 0 {
			return nil
		}
		return totalsCharts(f, customerRows(docs), byCustomer, next+1)
	}
	if err := addSheets(f, sheets, charts); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// sheet is a sheet's name and what fills it: it returns the first row
// below what it wrote.
type sheet struct {
	name string
	fill func(*excelize.StreamWriter) (int, error)
}

// newWorkbook is an empty workbook whose bytes depend only on what is put
// in it: zip entries sorted and every timestamp pinned to stamp.
func newWorkbook(stamp time.Time, title string) (*excelize.File, *styles, error) {
	f := excelize.NewFile()
	stamp = stamp.UTC()
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return newSortedZip(w, stamp) })
	iso := stamp.Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "billrun", LastModifiedBy: "billrun", Created: iso, Modified: iso,
		Title: title}); err != nil {
		f.Close()
		return nil, nil, err
	}
	st, err := newStyles(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// addSheets adds sheets in order, each printed landscape on A4, all its
// columns on one page width; before each is flushed, after(i, next) may
// add what must join it (a chart).
func addSheets(f *excelize.File, sheets []sheet, after func(i, next int) error) error {
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		landscape, a4, one, any := "landscape", 9, 1, 0
		if err := f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); err != nil {
			return err
		}
		fit := true
		if err := f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(s.name)
		if err != nil {
			return err
		}
		next, err := s.fill(sw)
		if err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
		if after != nil {
			if err := after(i, next); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

type styles struct {
	head, pct, num, qty, rate, date int
	// money holds a currency number format per count of minor-unit
	// decimals (JPY 0, EUR 2, KWD 3), so a cell shows what was billed.
	money map[int32]int
}

func newStyles(f *excelize.File) (*styles, error) {
	var s styles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	s.head = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}})
	pct := "0.0000%"
	num := "#,##0"
	qty := "#,##0.000"
	s.money = map[int32]int{}
	for _, places := range []int32{0, 1, 2, 3, 4} {
		f := "#,##0"
		if places > 0 {
			f += "." + strings.Repeat("0", int(places))
		}
		s.money[places] = mk(&excelize.Style{CustomNumFmt: &f})
	}
	s.pct = mk(&excelize.Style{CustomNumFmt: &pct})
	s.num = mk(&excelize.Style{CustomNumFmt: &num})
	s.qty = mk(&excelize.Style{CustomNumFmt: &qty})
	rate, date := "0.00%", "yyyy-mm-dd"
	s.rate = mk(&excelize.Style{CustomNumFmt: &rate})
	s.date = mk(&excelize.Style{CustomNumFmt: &date})
	return &s, err
}

// text is a string cell: excelize writes strings as inline strings, never
// formulas, so "=1+1" stays text.
func text(s string) excelize.Cell { return excelize.Cell{Value: s} }

// header writes a sheet's header row, each column at least as wide as
// its header (bold, plus the filter button).
func header(sw *excelize.StreamWriter, st *styles, widths []float64, names ...string) error {
	for i, w := range widths {
		w = max(w, float64(utf8.RuneCountInString(names[i]))*1.15+4)
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := make([]any, len(names))
	for i, n := range names {
		row[i] = excelize.Cell{StyleID: st.head, Value: n}
	}
	return sw.SetRow("A1", row)
}

// table turns rows 1..last into a filterable table.
func table(sw *excelize.StreamWriter, name string, cols, last int) error {
	if last < 2 {
		last = 2 // a table needs a data row
	}
	end, _ := excelize.CoordinatesToCellName(cols, last)
	return sw.AddTable(&excelize.Table{Range: "A1:" + end, Name: name, StyleName: "TableStyleLight9", ShowRowStripes: boolPtr(true)})
}

func boolPtr(b bool) *bool { return &b }

// money is an amount cell in currency's number format; the value is the
// exact decimal converted once (every amount is already rounded to the
// minor unit, so the float is the nearest double to it).
func money(st *styles, currency string, v decimal.Decimal) excelize.Cell {
	return excelize.Cell{StyleID: st.moneyStyle(currency), Value: v.InexactFloat64()}
}

func (st *styles) moneyStyle(currency string) int {
	if id, ok := st.money[pricing.MinorUnits(currency)]; ok {
		return id
	}
	return st.money[2]
}

// taxTotal is the sum of an invoice's VAT per rate, exactly.
func taxTotal(inv *pricing.Invoice) decimal.Decimal {
	sum := decimal.Zero
	for _, t := range inv.Taxes {
		sum = sum.Add(t.Tax)
	}
	return sum
}

// numberWidth is a column wide enough for every invoice's number (a
// draft's DRAFT-2026-10-C00001 is longer than an issued INV-2026-00001).
func numberWidth(invs []pricing.Invoice) float64 {
	w := 18.0
	for _, inv := range invs {
		w = max(w, float64(utf8.RuneCountInString(inv.Number))*1.1+2)
	}
	return w
}

// reviews are the reasons to look at each customer's invoice before it
// is sent: the problems that did not block it.
func reviews(problems []pricing.Problem) map[string]string {
	out := map[string]string{}
	for _, p := range problems {
		if p.Blocking || p.CustomerID == "" {
			continue
		}
		why := p.Reason()
		if out[p.CustomerID] != "" {
			why = out[p.CustomerID] + "; " + why
		}
		out[p.CustomerID] = why
	}
	return out
}

func usageSheet(sw *excelize.StreamWriter, wb *Workbook, st *styles) (int, error) {
	names := []string{"Customer", "VPS", "File", "Step s"}
	widths := []float64{10, 14, 40, 8}
	for _, m := range wb.Metrics {
		names = append(names, fmt.Sprintf("%s (%s)", m.Name, m.Unit), m.Name+" coverage")
		widths = append(widths, 18, 12)
	}
	names = append(names, "p95 in (bit/s)", "p95 out (bit/s)", "p95 max (bit/s)")
	widths = append(widths, 16, 16, 16)
	if err := header(sw, st, widths, names...); err != nil {
		return 0, err
	}
	r := 2
	for _, v := range wb.Usage.VPS {
		row := []any{text(wb.CustomerOf[v.Name]), text(v.Name), text(relativeTo(wb.RRDDir, v.File)), excelize.Cell{StyleID: st.num, Value: v.Step}}
		for _, m := range v.Metrics {
			row = append(row, numCell(st.num, float64(m.Total)), numCell(st.pct, float64(m.Coverage)))
		}
		if v.P95 != nil {
			row = append(row, numCell(st.num, float64(v.P95.In)), numCell(st.num, float64(v.P95.Out)), numCell(st.num, float64(v.P95.Max)))
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r), row); err != nil {
			return 0, err
		}
		r++
	}
	return r, table(sw, "Usage", len(names), r-1)
}

// relativeTo is file's name relative to dir, or as it is when it is not
// under dir (allow_outside_rrd_dir): the workbook does not show the
// billing host's own directories.
func relativeTo(dir, file string) string {
	if dir == "" {
		return file
	}
	rel, err := filepath.Rel(dir, file)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return file
	}
	return filepath.ToSlash(rel)
}

// numCell is a number, or an empty cell for "no data".
func numCell(style int, v float64) excelize.Cell {
	if v != v {
		return excelize.Cell{}
	}
	return excelize.Cell{StyleID: style, Value: v}
}

func slaSheet(sw *excelize.StreamWriter, wb *Workbook, st *styles) (int, error) {
	if err := header(sw, st, []float64{10, 14, 12, 12, 14, 12, 10, 12, 9}, "Customer", "VPS", "Host", "Uptime", "Downtime min", "Coverage", "Degraded", "SLA credit", "Currency"); err != nil {
		return 0, err
	}
	hosts := map[string]*report.HostSLA{}
	for i := range wb.SLA.Hosts {
		hosts[wb.SLA.Hosts[i].Name] = &wb.SLA.Hosts[i]
	}
	type slaCredit struct {
		amount   decimal.Decimal
		currency string
	}
	credit := map[string]slaCredit{}
	for i := range wb.Invoices {
		inv := &wb.Invoices[i]
		if inv.Kind != pricing.KindInvoice {
			continue // a credit note's reversal is not a credit earned
		}
		for _, l := range inv.Lines {
			if l.Kind == "sla_credit" {
				credit[l.VPS] = slaCredit{l.Amount, inv.Currency}
			}
		}
	}
	r := 2
	emit := func(cust, vps, host string) error {
		h := hosts[host]
		row := []any{text(cust), text(vps), text(host)}
		if h != nil {
			row = append(row, numCell(st.pct, float64(h.UptimePct)/100), numCell(st.qty, float64(h.DowntimeMinutes)),
				numCell(st.pct, float64(h.Coverage)), excelize.Cell{Value: len(h.Degraded)})
		} else {
			row = append(row, text(""), text(""), text(""), text(""))
		}
		if c, ok := credit[vps]; ok {
			row = append(row, money(st, c.currency, c.amount), text(c.currency))
		} else {
			row = append(row, text(""), text(""))
		}
		err := sw.SetRow(fmt.Sprintf("A%d", r), row)
		r++
		return err
	}
	for _, h := range wb.SLA.Hosts {
		if err := emit("", "", h.Name); err != nil {
			return 0, err
		}
	}
	vpsNames := make([]string, 0, len(wb.HostOf))
	for v := range wb.HostOf {
		vpsNames = append(vpsNames, v)
	}
	sort.Strings(vpsNames)
	for _, v := range vpsNames {
		if err := emit(wb.CustomerOf[v], v, wb.HostOf[v]); err != nil {
			return 0, err
		}
	}
	return r, table(sw, "SLA", 9, r-1)
}

// linesSheet is a row per line of each document the Summary shows: its
// unit as billrun names it (month, GB, cpu-hours), the same in every
// language so a pivot table groups by it, beside its label in the
// customer's language.
func linesSheet(sw *excelize.StreamWriter, docs []pricing.Invoice, st *styles) (int, error) {
	if err := header(sw, st, []float64{10, numberWidth(docs), 9, 14, 11, 60, 16, 11, 14, 12, 12, 9, 14}, "Customer", "Document", "Status", "VPS", "Kind",
		"Description", "Quantity", "Unit", "Unit label", "Unit price", "Amount", "Currency", "Review"); err != nil {
		return 0, err
	}
	r := 2
	for i := range docs {
		inv := &docs[i]
		for _, l := range inv.Lines {
			review := ""
			if l.Review {
				review = "needs review" // why: the Summary and Problems
			}
			if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(inv.CustomerID), text(inv.Number), text(inv.Status), text(l.VPS), text(l.Kind),
				text(l.Description), excelize.Cell{StyleID: st.qty, Value: l.Quantity.InexactFloat64()}, text(pricing.BillingUnitOf(l)), text(l.Unit),
				money(st, inv.Currency, l.UnitPrice), money(st, inv.Currency, l.Amount), text(inv.Currency), text(review)}); err != nil {
				return 0, err
			}
			r++
		}
	}
	return r, table(sw, "Lines", 13, r-1)
}

func problemsSheet(sw *excelize.StreamWriter, wb *Workbook, st *styles) (int, error) {
	if err := header(sw, st, []float64{10, 14, 40, 80}, "Customer", "VPS", "File", "Problem"); err != nil {
		return 0, err
	}
	r := 2
	for _, p := range wb.Problems {
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(p.CustomerID), text(p.VPS), text(relativeTo(wb.RRDDir, p.File)), text(p.Problem)}); err != nil {
			return 0, err
		}
		r++
	}
	return r, table(sw, "Problems", 4, r-1)
}

// sortedZip collects the workbook's parts and writes them in name order
// with a fixed timestamp: excelize's own order follows map iteration. Each
// part is compressed as it is written, as archive/zip would (level 5), and
// held so, since a large fleet's sheets held uncompressed would be a
// billing run's peak of memory. [Content_Types].xml, small, is held as it
// is: its entries are sorted at the end.
type sortedZip struct {
	w            io.Writer
	stamp        time.Time
	entries      map[string]*zipEntry
	open         *zipEntry // the part being written: excelize writes one at a time
	contentTypes *bytes.Buffer
}

// zipEntry is a part compressed, with what its zip header records.
type zipEntry struct {
	raw  bytes.Buffer
	fw   *flate.Writer
	crc  hash.Hash32
	size uint64
}

func (e *zipEntry) Write(p []byte) (int, error) {
	e.crc.Write(p)
	e.size += uint64(len(p))
	return e.fw.Write(p)
}

func newSortedZip(w io.Writer, stamp time.Time) *sortedZip {
	return &sortedZip{w: w, stamp: stamp, entries: map[string]*zipEntry{}}
}

// add starts the part name, ending the one before.
func (z *sortedZip) add(name string) (*zipEntry, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	e := &zipEntry{crc: crc32.NewIEEE()}
	fw, err := flate.NewWriter(&e.raw, 5)
	if err != nil {
		return nil, err
	}
	e.fw = fw
	z.entries[name], z.open = e, e
	return e, nil
}

// finish ends the part being written, so that its flate writer's state
// is not held for the rest.
func (z *sortedZip) finish() error {
	if z.open == nil {
		return nil
	}
	err := z.open.fw.Close()
	z.open.fw, z.open = nil, nil
	return err
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	if name == "[Content_Types].xml" {
		z.contentTypes = &bytes.Buffer{}
		return z.contentTypes, z.finish()
	}
	return z.add(name)
}

func (z *sortedZip) AddFS(fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		e, err := z.add(p)
		if err != nil {
			return err
		}
		_, err = e.Write(b)
		return err
	})
}

// defaultRE matches the per-extension entries of [Content_Types].xml,
// which excelize emits in map order.
var defaultRE = regexp.MustCompile(`<Default Extension="[^"]*" ContentType="[^"]*"></Default>`)

// canonicalContentTypes sorts the Default entries in place.
func canonicalContentTypes(b []byte) []byte {
	locs := defaultRE.FindAllIndex(b, -1)
	if len(locs) < 2 {
		return b
	}
	parts := make([]string, len(locs))
	for i, l := range locs {
		parts[i] = string(b[l[0]:l[1]])
	}
	sort.Strings(parts)
	var out bytes.Buffer
	prev := 0
	for i, l := range locs {
		out.Write(b[prev:l[0]])
		out.WriteString(parts[i])
		prev = l[1]
	}
	out.Write(b[prev:])
	return out.Bytes()
}

func (z *sortedZip) Close() error {
	if z.contentTypes != nil {
		e, err := z.add("[Content_Types].xml")
		if err != nil {
			return err
		}
		if _, err := e.Write(canonicalContentTypes(z.contentTypes.Bytes())); err != nil {
			return err
		}
	}
	if err := z.finish(); err != nil {
		return err
	}
	names := make([]string, 0, len(z.entries))
	for n := range z.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	zw := zip.NewWriter(z.w)
	for _, n := range names {
		e := z.entries[n]
		h := &zip.FileHeader{Name: n, Method: zip.Deflate,
			CRC32: e.crc.Sum32(), CompressedSize64: uint64(e.raw.Len()), UncompressedSize64: e.size}
		// CreateRaw, unlike CreateHeader, does not derive the MS-DOS time
		// fields from Modified: SetModTime sets both.
		h.SetModTime(z.stamp)
		w, err := zw.CreateRaw(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(e.raw.Bytes()); err != nil {
			return err
		}
	}
	return zw.Close()
}
