package pricing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/billrun/billrun/internal/locale"
	"github.com/shopspring/decimal"
)

// DraftID names a customer's draft for a period. It is not an invoice
// number: numbers are given only when a draft is issued.
func DraftID(period, customer string) string { return "DRAFT-" + period + "-" + customer }

// numberToken is a placeholder of a number format: {year}, {seq} or
// {seq:05} (zero-padded to five digits).
var numberToken = regexp.MustCompile(`\{(year|seq)(?::0([1-9]))?\}`)

// FormatNumber is the number format with its placeholders filled.
func FormatNumber(format string, year, seq int) (string, error) {
	var bad error
	out := numberToken.ReplaceAllStringFunc(format, func(tok string) string {
		m := numberToken.FindStringSubmatch(tok)
		v := seq
		if m[1] == "year" {
			v = year
		}
		if m[2] == "" {
			return strconv.Itoa(v)
		}
		w, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("%0*d", w, v)
	})
	if strings.ContainsAny(out, "{}") {
		bad = fmt.Errorf("number format %q: unknown placeholder", format)
	}
	return out, bad
}

// CreditNote is the draft credit note that reverses orig, an issued
// invoice: the same lines with their quantities negated (so that quantity
// × unit price is still each line's amount), every total negated, and a
// reference to orig's number and date.
// id is the draft's id.
func CreditNote(orig Invoice, id string) Invoice {
	cn := orig
	cn.Number = id
	cn.Kind, cn.Status = KindCreditNote, StatusDraft
	cn.Corrects = &Reference{Number: orig.Number, IssueDate: orig.IssueDate}
	neg := func(d decimal.Decimal) decimal.Decimal { return d.Neg() }
	cn.Lines = make([]Line, len(orig.Lines))
	for i, l := range orig.Lines {
		l.Quantity, l.Amount = neg(l.Quantity), neg(l.Amount)
		cn.Lines[i] = l
	}
	cn.Taxes = make([]TaxLine, len(orig.Taxes))
	for i, t := range orig.Taxes {
		t.Taxable, t.Tax = neg(t.Taxable), neg(t.Tax)
		cn.Taxes[i] = t
	}
	cn.PerVPS = make([]VPSTotal, len(orig.PerVPS))
	for i, v := range orig.PerVPS {
		v.Net, v.Tax, v.Gross = neg(v.Net), neg(v.Tax), neg(v.Gross)
		cn.PerVPS[i] = v
	}
	cn.Fees, cn.Usage, cn.Credit, cn.Subtotal, cn.Total = neg(orig.Fees), neg(orig.Usage), neg(orig.Credit), neg(orig.Subtotal), neg(orig.Total)
	cn.Charges, cn.Discount = neg(orig.Charges), neg(orig.Discount)
	cn.Allowances = nil
	for _, a := range orig.Allowances {
		a.Base, a.Amount = neg(a.Base), neg(a.Amount)
		cn.Allowances = append(cn.Allowances, a)
	}
	if h := orig.HomeVAT; h != nil {
		cn.HomeVAT = &HomeVAT{Currency: h.Currency, VAT: neg(h.VAT), Rate: h.Rate, RateDay: h.RateDay}
	}
	return cn
}

// ContentDigest is the SHA-256 of what an invoice says about the money and
// the parties: everything but its number, kind, status, dates and
// references, which issuing sets. Two drafts of a customer's period with
// the same digest are the same document; see BillingDigest for bills the
// same.
func ContentDigest(inv Invoice) string {
	inv.Number, inv.Kind, inv.Status, inv.Corrects, inv.CancelledBy, inv.IssueDate, inv.DueDate = "", "", "", nil, nil, "", ""
	inv.PricedBy = nil
	b, _ := json.Marshal(inv) // plain data: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// BillingDigest is ContentDigest without the invoice's words: its
// language, e-invoice format, line descriptions and unit labels, usage
// labels, tax notes and notes. A re-run of an issued period corrects the
// issued invoice only when this differs, so that a release of billrun that
// words lines better, or a customer who changes language, never drafts a
// correction whose only change is words.
func BillingDigest(inv Invoice) string {
	inv.Language, inv.EInvoice, inv.Notes = "", "", nil
	inv.Lines = slices.Clone(inv.Lines)
	for i := range inv.Lines {
		inv.Lines[i].Description, inv.Lines[i].Unit, inv.Lines[i].BillingUnit = "", "", ""
	}
	inv.UsageItems = slices.Clone(inv.UsageItems)
	for i := range inv.UsageItems {
		inv.UsageItems[i].Label, inv.UsageItems[i].UnitLabel = "", ""
	}
	inv.Taxes = slices.Clone(inv.Taxes)
	for i := range inv.Taxes {
		inv.Taxes[i].Note = ""
	}
	return ContentDigest(inv)
}

// PaymentTerms is the invoice's payment terms (BT-20) in its language;
// a credit note's say that nothing is to be paid.
func (inv *Invoice) PaymentTerms() string {
	if inv.Kind == KindCreditNote {
		return locale.Text(inv.Language, "credit_payment")
	}
	return locale.Text(inv.Language, "payment_terms", inv.DueDays)
}
