package export

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/billrun/billrun/internal/pricing"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// The Summary's columns: what its totals select by and sum.
const (
	sumCustomer, sumStatus, sumCurrency = "A", "F", "G"
	sumLastColumn                       = 16
)

// sumAmountCols are the Summary's amount columns, in order.
var sumAmountCols = []string{"H", "I", "J", "K", "L", "M", "N", "O"}

// shown are the documents the Summary and Lines show: every document
// issued for the period, then those of the run's not among them (its
// drafts; without a register, also the issued invoices it left as they
// are).
func shown(wb *Workbook) []pricing.Invoice {
	out := slices.Clone(wb.Issued)
	issued := make(map[string]bool, len(wb.Issued))
	for _, inv := range wb.Issued {
		issued[inv.Number] = true
	}
	for _, inv := range wb.Invoices {
		if !issued[inv.Number] {
			out = append(out, inv)
		}
	}
	return out
}

// summaryOrder is the documents as the Summary lists them: by currency,
// issued before drafted, then as given.
func summaryOrder(invs []pricing.Invoice) []pricing.Invoice {
	out := slices.Clone(invs)
	slices.SortStableFunc(out, func(a, b pricing.Invoice) int {
		return cmp.Or(strings.Compare(a.Currency, b.Currency), cmp.Compare(statusOrder(a), statusOrder(b)))
	})
	return out
}

func statusOrder(inv pricing.Invoice) int {
	if inv.Status == pricing.StatusIssued {
		return 0
	}
	return 1
}

// kindOf is a document's kind as the workbooks name it.
func kindOf(inv *pricing.Invoice) string { return kindName(inv.Kind, inv.Corrects != nil) }

// kindName is "invoice", "credit note", or "replacement" for an invoice
// that corrects another.
func kindName(kind string, corrects bool) string {
	switch {
	case kind == pricing.KindCreditNote:
		return "credit note"
	case corrects:
		return "replacement"
	}
	return "invoice"
}

// amounts are a document's Summary amounts, in sumAmountCols order: the
// discount negative, so that the columns add up to the subtotal.
func amounts(inv *pricing.Invoice) []decimal.Decimal {
	return []decimal.Decimal{inv.Fees, inv.Usage, inv.Credit, inv.Charges, inv.Discount.Neg(), inv.Subtotal, taxTotal(inv), inv.Total}
}

// summaryTotals are the Summary's three totals of a currency, each a
// status its SUMIFS selects ("" for all).
var summaryTotals = []struct{ label, status string }{
	{"Total issued", pricing.StatusIssued},
	{"Total drafted, not issued", pricing.StatusDraft},
	{"Total after corrections", ""},
}

// summarySheet writes a row per document, issued and drafted, then per
// currency the totals issued, drafted and after corrections, then the
// totals by customer after corrections; it returns the row after them
// and the first row of the totals by customer.
func summarySheet(sw *excelize.StreamWriter, wb *Workbook, docs []pricing.Invoice, st *styles) (int, int, error) {
	if err := header(sw, st, []float64{10, 34, numberWidth(docs), 12, numberWidth(docs), 9, 9, 12, 12, 12, 12, 12, 12, 12, 12, 60},
		"Customer", "Name", "Document", "Kind", "Corrects", "Status", "Currency",
		"Fee", "Usage", "SLA credit", "Charges", "Discount", "Subtotal", "Tax", "Total", "Review"); err != nil {
		return 0, 0, err
	}
	why := reviews(wb.Problems)
	r := 2
	for i := range docs {
		inv := &docs[i]
		review := ""
		if held := wb.Held[inv.CustomerID]; len(held) > 0 && inv.Status == pricing.StatusDraft {
			review = "held: " + strings.Join(held, "; ")
		} else if inv.Review && inv.Status == pricing.StatusDraft {
			review = why[inv.CustomerID]
		}
		corrects := ""
		if inv.Corrects != nil {
			corrects = inv.Corrects.Number
		}
		c := inv.Currency
		row := []any{text(inv.CustomerID), text(inv.Customer.Name), text(inv.Number), text(kindOf(inv)), text(corrects), text(inv.Status), text(c)}
		for _, v := range amounts(inv) {
			row = append(row, money(st, c, v))
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r), append(row, text(review))); err != nil {
			return 0, 0, err
		}
		r++
	}
	last := max(r-1, 2)
	if err := table(sw, "Invoices", sumLastColumn, last); err != nil {
		return 0, 0, err
	}
	r, err := currencyTotals(sw, docs, last, last+2, st)
	if err != nil {
		return 0, 0, err
	}
	first := r + 2
	r, err = customerTotals(sw, docs, last, first, st)
	return r, first, err
}

// currencyTotals writes, from row r, each currency's totals issued,
// drafted and after corrections: SUMIFS formulas over rows 2..last, with
// the exact decimal sums cached so a reader that does not recalculate
// still shows them.
func currencyTotals(sw *excelize.StreamWriter, docs []pricing.Invoice, last, r int, st *styles) (int, error) {
	var curs []string
	for _, inv := range docs {
		if !slices.Contains(curs, inv.Currency) {
			curs = append(curs, inv.Currency)
		}
	}
	for _, c := range curs {
		for _, t := range summaryTotals {
			sums := make([]decimal.Decimal, len(sumAmountCols))
			for i := range docs {
				if docs[i].Currency == c && (t.status == "" || docs[i].Status == t.status) {
					for j, v := range amounts(&docs[i]) {
						sums[j] = sums[j].Add(v)
					}
				}
			}
			crit := ""
			if t.status != "" {
				crit = fmt.Sprintf(`,$%s$2:$%s$%d,"%s"`, sumStatus, sumStatus, last, t.status)
			}
			row := []any{excelize.Cell{StyleID: st.head, Value: t.label}, text(""), text(""), text(""), text(""), text(t.status), text(c)}
			for j, col := range sumAmountCols {
				cell := money(st, c, sums[j])
				cell.Formula = fmt.Sprintf(`SUMIFS(%s$2:%s$%d,$%s$2:$%s$%d,"%s"%s)`, col, col, last, sumCurrency, sumCurrency, last, c, crit)
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

// customerRow is one customer's total after corrections in one currency.
type customerRow struct {
	id, name, currency string
	total              decimal.Decimal
}

// customerRows are the documents' totals by customer and currency, in
// the documents' (currency) order.
func customerRows(docs []pricing.Invoice) []customerRow {
	var out []customerRow
	at := map[[2]string]int{} // customer and currency -> index in out
	for _, inv := range docs {
		key := [2]string{inv.CustomerID, inv.Currency}
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, customerRow{id: inv.CustomerID, name: inv.Customer.Name, currency: inv.Currency})
		}
		out[i].total = out[i].total.Add(inv.Total)
	}
	return out
}

// customerTotals writes, from row r, a header and each customer's total
// after corrections (SUMIFS over rows 2..last, cached).
func customerTotals(sw *excelize.StreamWriter, docs []pricing.Invoice, last, r int, st *styles) (int, error) {
	if err := sw.SetRow(fmt.Sprintf("A%d", r-1), []any{excelize.Cell{StyleID: st.head, Value: "Customer"}, excelize.Cell{StyleID: st.head, Value: "Name"},
		excelize.Cell{StyleID: st.head, Value: "Total after corrections"}, text(""), text(""), text(""), excelize.Cell{StyleID: st.head, Value: "Currency"}}); err != nil {
		return 0, err
	}
	for _, c := range customerRows(docs) {
		cell := money(st, c.currency, c.total)
		cell.Formula = fmt.Sprintf(`SUMIFS($O$2:$O$%d,$%s$2:$%s$%d,"%s",$%s$2:$%s$%d,"%s")`, last, sumCustomer, sumCustomer, last, formulaText(c.id),
			sumCurrency, sumCurrency, last, c.currency)
		if err := sw.SetRow(fmt.Sprintf("A%d", r), []any{text(c.id), text(c.name), cell, text(""), text(""), text(""), text(c.currency)}); err != nil {
			return 0, err
		}
		r++
	}
	return r, nil
}

// formulaText is s inside a formula's string literal, its quotes doubled.
func formulaText(s string) string { return strings.ReplaceAll(s, `"`, `""`) }

// totalsCharts draws, from row on, a column chart per currency of the
// customers' totals after corrections (rows from first on, in currency
// order), so no axis mixes currencies and a credit note is no bar of its
// own.
func totalsCharts(f *excelize.File, rows []customerRow, first, row int) error {
	for i := 0; i < len(rows); {
		cur, j := rows[i].currency, i
		for j+1 < len(rows) && rows[j+1].currency == cur {
			j++
		}
		if err := f.AddChart("Summary", fmt.Sprintf("B%d", row), &excelize.Chart{
			Type:   excelize.Col,
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Totals after corrections by customer, " + cur}}},
			Series: []excelize.ChartSeries{{Name: fmt.Sprintf("Summary!$C$%d", first-1), Categories: fmt.Sprintf("Summary!$A$%d:$A$%d", first+i, first+j), Values: fmt.Sprintf("Summary!$C$%d:$C$%d", first+i, first+j)}},
			Legend: excelize.ChartLegend{Position: "none"},
			YAxis:  excelize.ChartAxis{Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: cur}}}},
		}); err != nil {
			return err
		}
		row += 16 // a chart is 15 rows high
		i = j + 1
	}
	return nil
}
