package pricing

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// CheckTotals says what keeps inv from being a document EN 16931
// accepts, before it gets a number: it must have a line (BR-16), each
// line's quantity × unit price must be its amount, and its totals must
// satisfy the calculation rules BR-CO-10 to BR-CO-17 (billrun's
// documents have at most a document-level allowance, the discount, no
// document-level charge, no prepaid amount and no rounding amount).
func CheckTotals(inv *Invoice) error {
	if len(inv.Lines) == 0 {
		return fmt.Errorf("%s: no line (BR-16: an invoice has at least one)", inv.Number)
	}
	lines := decimal.Zero
	for i, l := range inv.Lines {
		if !l.Quantity.Mul(l.UnitPrice).Equal(l.Amount) {
			return fmt.Errorf("%s: line %d: %s × %s is not its amount %s", inv.Number, i+1, l.Quantity, l.UnitPrice, l.Amount)
		}
		lines = lines.Add(l.Amount)
	}
	allowances := decimal.Zero
	for _, a := range inv.Allowances {
		allowances = allowances.Add(a.Amount)
	}
	if !allowances.Equal(inv.Discount) { // BR-CO-11
		return fmt.Errorf("%s: the allowances add up to %s, the discount is %s (BR-CO-11)", inv.Number, allowances, inv.Discount)
	}
	if !lines.Sub(allowances).Equal(inv.Subtotal) { // BR-CO-10, BR-CO-13
		return fmt.Errorf("%s: the lines add up to %s less %s, the net total is %s (BR-CO-10, BR-CO-13)", inv.Number, lines, allowances, inv.Subtotal)
	}
	if len(inv.Taxes) == 0 {
		return fmt.Errorf("%s: no VAT breakdown (BR-CO-18)", inv.Number)
	}
	taxable, tax := decimal.Zero, decimal.Zero
	half := decimal.New(5, -inv.Places-1) // half a minor unit
	for _, t := range inv.Taxes {
		if t.Tax.Sub(t.Taxable.Mul(t.Rate)).Abs().GreaterThan(half) {
			return fmt.Errorf("%s: VAT %s is not %s × %s rounded (BR-CO-17)", inv.Number, t.Tax, t.Taxable, t.Rate)
		}
		taxable, tax = taxable.Add(t.Taxable), tax.Add(t.Tax)
	}
	if !taxable.Equal(inv.Subtotal) {
		return fmt.Errorf("%s: the VAT breakdown taxes %s of a net total of %s", inv.Number, taxable, inv.Subtotal)
	}
	if !inv.Subtotal.Add(tax).Equal(inv.Total) { // BR-CO-14, BR-CO-15, BR-CO-16
		return fmt.Errorf("%s: net %s + VAT %s is not the total %s (BR-CO-14 to BR-CO-16)", inv.Number, inv.Subtotal, tax, inv.Total)
	}
	return nil
}

// Charges says whether inv charges or credits anything: a line with an
// amount other than zero. A customer whose invoice charges nothing gets
// no draft.
func Charges(inv *Invoice) bool {
	for _, l := range inv.Lines {
		if !l.Amount.IsZero() {
			return true
		}
	}
	return false
}
