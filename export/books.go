package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/billrun/billrun/internal/books"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// BooksXLSX writes the books workbook: sheets Documents (one row per
// issued document, totals per currency and kind), VAT lines (one row per
// document and VAT rate, with its return section and UStVA line), and the
// summaries drawn from the VAT lines: VAT return, EU sales list, OSS and,
// for a German issuer, UStVA. Every total is a SUMIFS formula over the
// rows it sums, with the exact decimal sum cached as its value. stamp pins
// the workbook's timestamps.
func BooksXLSX(w io.Writer, b books.Books, stamp time.Time) error {
	f, st, err := newWorkbook(stamp, "Books "+b.From+" to "+b.To)
	if err != nil {
		return err
	}
	defer f.Close()
	lines := vatLineRows(b)
	sheets := []sheet{
		{"Documents", func(sw *excelize.StreamWriter) (int, error) { return documentsSheet(sw, b, st) }},
		{"VAT lines", func(sw *excelize.StreamWriter) (int, error) { return vatLinesSheet(sw, lines, st) }},
		{"VAT return", func(sw *excelize.StreamWriter) (int, error) { return vatReturnSheet(sw, b, len(lines), st) }},
		{"EU sales list", func(sw *excelize.StreamWriter) (int, error) { return salesListSheet(sw, b, len(lines), st) }},
		{"OSS", func(sw *excelize.StreamWriter) (int, error) { return ossSheet(sw, b, len(lines), st) }},
	}
	if b.IssuerCountry == "DE" {
		sheets = append(sheets, sheet{"UStVA", func(sw *excelize.StreamWriter) (int, error) { return ustvaSheet(sw, b, len(lines), st) }})
	}
	if err := addSheets(f, sheets, nil); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// kindLabel is a document's kind as the books name it.
func kindLabel(e books.Entry) string { return kindName(e.Kind, e.Replaces) }

// dateCell is an ISO date as a date cell ("" stays empty).
func dateCell(st *styles, iso string) excelize.Cell {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return text(iso)
	}
	return excelize.Cell{StyleID: st.date, Value: t}
}

// documentsSheet is a row per document, then per currency the totals of
// each kind and of all (revenue after corrections).
func documentsSheet(sw *excelize.StreamWriter, b books.Books, st *styles) (int, error) {
	if err := header(sw, st, []float64{18, 12, 11, 11, 9, 18, 10, 30, 8, 16, 9, 12, 12, 12, 12, 9},
		"Number", "Kind", "Issued", "Due", "Period", "Corrects", "Customer", "Name", "Country", "VAT ID", "Currency",
		"Net", "VAT", "Gross", "VAT (home)", "Home currency"); err != nil {
		return 0, err
	}
	r := 2
	for _, e := range b.Entries {
		c := e.Currency
		home, homeCur := excelize.Cell{}, text("")
		if e.HomeVAT != nil {
			home, homeCur = money(st, b.Home, *e.HomeVAT), text(b.Home)
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(e.Number), text(kindLabel(e)), dateCell(st, e.IssueDate), dateCell(st, e.DueDate),
			text(e.Period), text(e.Corrects), text(e.CustomerID), text(e.Name), text(e.Country), text(e.VATID), text(c),
			money(st, c, e.Net), money(st, c, e.VAT), money(st, c, e.Gross), home, homeCur}); err != nil {
			return 0, err
		}
		r++
	}
	last := max(r-1, 2)
	if err := table(sw, "Documents", 16, last); err != nil {
		return 0, err
	}
	r = last + 2
	for _, t := range b.Totals() {
		for _, kind := range []string{"invoice", "credit note", "replacement", ""} {
			label, crit := "Total "+kind+"s", fmt.Sprintf(`,$B$2:$B$%d,"%s"`, last, kind)
			if kind == "" {
				label, crit = "Total after corrections", ""
			}
			row := []any{excelize.Cell{StyleID: st.head, Value: label}}
			for range 9 {
				row = append(row, text(""))
			}
			row = append(row, text(t.Currency))
			for _, a := range documentAmounts {
				cell := money(st, t.Currency, sumWhere(b, t.Currency, kind, a.of))
				cell.Formula = fmt.Sprintf(`SUMIFS(%s$2:%s$%d,$K$2:$K$%d,"%s"%s)`, a.col, a.col, last, last, t.Currency, crit)
				row = append(row, cell)
			}
			if err := sw.SetRow(fmt.Sprintf("A%d", r), row); err != nil {
				return 0, err
			}
			r++
		}
	}
	return r, nil
}

// sumWhere is the exact sum of amount over the documents in currency of
// kind ("" for all): the cached value of the Documents sheet's totals.
func sumWhere(b books.Books, currency, kind string, amount func(books.Entry) decimal.Decimal) decimal.Decimal {
	s := decimal.Zero
	for _, e := range b.Entries {
		if e.Currency == currency && (kind == "" || kindLabel(e) == kind) {
			s = s.Add(amount(e))
		}
	}
	return s
}

// documentAmounts are the Documents sheet's amount columns, in order.
var documentAmounts = []struct {
	col string
	of  func(books.Entry) decimal.Decimal
}{
	{"L", func(e books.Entry) decimal.Decimal { return e.Net }},
	{"M", func(e books.Entry) decimal.Decimal { return e.VAT }},
	{"N", func(e books.Entry) decimal.Decimal { return e.Gross }},
}

// vatLineRow is a VAT line with the document it belongs to.
type vatLineRow struct {
	e books.Entry
	l books.VATLine
}

func vatLineRows(b books.Books) []vatLineRow {
	var out []vatLineRow
	for _, e := range b.Entries {
		for _, l := range e.Lines {
			out = append(out, vatLineRow{e, l})
		}
	}
	return out
}

// The VAT lines sheet's columns the summaries select and sum by.
const (
	colCountry, colVATID, colCurrency = "D", "E", "F"
	colSection, colCategory, colRate  = "G", "H", "I"
	colTaxable, colVAT, colKennzahl   = "J", "K", "L"
	vatLinesRef                       = "'VAT lines'!"
)

func vatLinesSheet(sw *excelize.StreamWriter, rows []vatLineRow, st *styles) (int, error) {
	if err := header(sw, st, []float64{18, 11, 10, 9, 16, 9, 15, 9, 9, 12, 12, 10},
		"Number", "Issued", "Customer", "Country", "VAT ID", "Currency", "Section", "Category", "Rate", "Taxable", "VAT", "Kennzahl"); err != nil {
		return 0, err
	}
	r := 2
	for _, x := range rows {
		c := x.e.Currency
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(x.e.Number), dateCell(st, x.e.IssueDate), text(x.e.CustomerID), text(x.e.Country),
			text(x.e.VATID), text(c), text(x.l.Section), text(x.l.Category), rateCell(st, x.l.Rate),
			money(st, c, x.l.Taxable), money(st, c, x.l.VAT), text(x.l.Kennzahl)}); err != nil {
			return 0, err
		}
		r++
	}
	return r, table(sw, "VATLines", 12, r-1)
}

func rateCell(st *styles, rate decimal.Decimal) excelize.Cell {
	return excelize.Cell{StyleID: st.rate, Value: rate.InexactFloat64()}
}

// sumifs is a SUMIFS formula over the VAT lines sheet's rows 2..n+1:
// column sum where each (column, criterion) pair holds.
func sumifs(sum string, n int, where ...string) string {
	last := max(n+1, 2)
	f := fmt.Sprintf("SUMIFS(%s$%s$2:$%s$%d", vatLinesRef, sum, sum, last)
	for i := 0; i+1 < len(where); i += 2 {
		f += fmt.Sprintf(",%s$%s$2:$%s$%d,%s", vatLinesRef, where[i], where[i], last, where[i+1])
	}
	return f + ")"
}

// quoted is s as a formula's string literal.
func quoted(s string) string { return `"` + s + `"` }

// formula is an amount cell computed by f, with v cached.
func formula(st *styles, currency string, v decimal.Decimal, f string) excelize.Cell {
	c := money(st, currency, v)
	c.Formula = f
	return c
}

func vatReturnSheet(sw *excelize.StreamWriter, b books.Books, n int, st *styles) (int, error) {
	if err := header(sw, st, []float64{16, 9, 9, 9, 14, 14}, "Section", "Category", "Rate", "Currency", "Taxable", "VAT"); err != nil {
		return 0, err
	}
	r := 2
	for _, t := range b.ByRate() {
		where := []string{colSection, quoted(t.Section), colCategory, quoted(t.Category), colRate, t.Rate.String(), colCurrency, quoted(t.Currency)}
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(t.Section), text(t.Category), rateCell(st, t.Rate), text(t.Currency),
			formula(st, t.Currency, t.Taxable, sumifs(colTaxable, n, where...)), formula(st, t.Currency, t.VAT, sumifs(colVAT, n, where...))}); err != nil {
			return 0, err
		}
		r++
	}
	return r, table(sw, "VATReturn", 6, r-1)
}

func salesListSheet(sw *excelize.StreamWriter, b books.Books, n int, st *styles) (int, error) {
	if err := header(sw, st, []float64{18, 9, 9, 14}, "VAT ID", "Country", "Currency", "Net"); err != nil {
		return 0, err
	}
	r := 2
	for _, s := range b.SalesList() {
		where := []string{colSection, quoted(books.ReverseCharge), colVATID, quoted(s.VATID), colCurrency, quoted(s.Currency)}
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(s.VATID), text(s.Country), text(s.Currency),
			formula(st, s.Currency, s.Net, sumifs(colTaxable, n, where...))}); err != nil {
			return 0, err
		}
		r++
	}
	return r, table(sw, "SalesList", 4, r-1)
}

func ossSheet(sw *excelize.StreamWriter, b books.Books, n int, st *styles) (int, error) {
	if err := header(sw, st, []float64{12, 9, 9, 14, 14}, "Member state", "Rate", "Currency", "Net", "VAT"); err != nil {
		return 0, err
	}
	r := 2
	for _, o := range b.OSS() {
		where := []string{colSection, quoted(books.OSS), colCountry, quoted(o.Country), colRate, o.Rate.String(), colCurrency, quoted(o.Currency)}
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(o.Country), rateCell(st, o.Rate), text(o.Currency),
			formula(st, o.Currency, o.Net, sumifs(colTaxable, n, where...)), formula(st, o.Currency, o.VAT, sumifs(colVAT, n, where...))}); err != nil {
			return 0, err
		}
		r++
	}
	return r, table(sw, "OSS", 5, r-1)
}

func ustvaSheet(sw *excelize.StreamWriter, b books.Books, n int, st *styles) (int, error) {
	if err := header(sw, st, []float64{10, 64, 9, 16, 14}, "Kennzahl", "Zeile", "Currency", "Amount", "VAT"); err != nil {
		return 0, err
	}
	r := 2
	for _, u := range b.UStVA() {
		where := []string{colKennzahl, quoted(u.Kennzahl), colCurrency, quoted(u.Currency)}
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(u.Kennzahl), text(u.Label), text(u.Currency),
			formula(st, u.Currency, u.Amount, sumifs(colTaxable, n, where...)), formula(st, u.Currency, u.VAT, sumifs(colVAT, n, where...))}); err != nil {
			return 0, err
		}
		r++
	}
	return r, table(sw, "UStVA", 5, r-1)
}

// BooksCSV writes the books as one row per document and VAT rate: the
// document's columns, then the VAT line's.
func BooksCSV(w io.Writer, b books.Books) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"number", "kind", "issue_date", "due_date", "period", "corrects", "customer_id", "customer_name", "country", "vat_id",
		"currency", "net", "vat", "gross", "home_vat", "home_currency", "section", "category", "rate", "taxable", "line_vat", "kennzahl"})
	for _, x := range vatLineRows(b) {
		e, l := x.e, x.l
		home, homeCur := "", ""
		if e.HomeVAT != nil {
			home, homeCur = e.HomeVAT.StringFixed(pricing.MinorUnits(b.Home)), b.Home
		}
		cw.Write([]string{e.Number, e.Kind, e.IssueDate, e.DueDate, e.Period, e.Corrects, SafeCell(e.CustomerID), SafeCell(e.Name),
			e.Country, e.VATID, e.Currency, e.Net.StringFixed(e.Places), e.VAT.StringFixed(e.Places), e.Gross.StringFixed(e.Places), home, homeCur,
			l.Section, l.Category, l.Rate.String(), l.Taxable.StringFixed(e.Places), l.VAT.StringFixed(e.Places), l.Kennzahl})
	}
	cw.Flush()
	return cw.Error()
}

// BooksJSON writes the books with their summaries.
func BooksJSON(w io.Writer, b books.Books) error {
	return JSON(w, struct {
		books.Books
		Totals    []books.Total     `json:"totals"`
		VATReturn []books.RateTotal `json:"vat_return"`
		SalesList []books.SalesLine `json:"eu_sales_list"`
		OSS       []books.OSSLine   `json:"oss"`
		UStVA     []books.UStVALine `json:"ustva,omitempty"`
	}{b, b.Totals(), b.ByRate(), b.SalesList(), b.OSS(), b.UStVA()})
}
