package pricing

import (
	"maps"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/locale"
	"github.com/shopspring/decimal"
)

// planFor is plan with a customer's own price: its monthly fee and the
// metrics it names replace the plan's.
func planFor(plan *config.Plan, price *config.Price) *config.Plan {
	if plan == nil || price == nil {
		return plan
	}
	p := *plan
	if price.MonthlyFee != nil {
		p.MonthlyFee = *price.MonthlyFee
	}
	if len(price.Metrics) > 0 {
		p.Metrics = maps.Clone(plan.Metrics)
		if p.Metrics == nil {
			p.Metrics = map[string]config.MetricPrice{}
		}
		maps.Copy(p.Metrics, price.Metrics)
	}
	return &p
}

// charges adds a line for each of the customer's extra charges due in
// the period: one of its amount, in the config's order.
func (pr *pricer) charges() {
	for _, ch := range pr.cu.Charges {
		if !ch.In(pr.p.Label) {
			continue
		}
		l := Line{Kind: "charge", Description: ch.Description, Quantity: decimal.NewFromInt(1), Unit: locale.Unit(pr.lang, "lump"), BillingUnit: "lump",
			UnitCode: "C62", UnitPrice: ch.Amount, Amount: ch.Amount}
		pr.inv.Lines = append(pr.inv.Lines, l)
		pr.inv.Charges = pr.inv.Charges.Add(l.Amount)
	}
}

// discount takes the customer's discount (else its plan's) off the
// lines' sum, as one document-level allowance: a percentage of the sum
// rounded once, or a fixed amount, never more than the sum. An invoice
// whose lines add up to nothing or less gets none.
func (pr *pricer) discount() {
	d := pr.cu.Discount
	if d == nil {
		d = pr.plan.Discount
	}
	base := linesSum(pr.inv.Lines)
	if d == nil || !base.IsPositive() {
		return
	}
	a := Allowance{Reason: d.Reason, Code: d.Code, Base: base}
	if d.Percent != nil {
		pct := *d.Percent
		a.Percent = &pct
		a.Amount = pr.round.Round(base.Mul(pct).Div(decimal.NewFromInt(100)), pr.places)
	} else {
		a.Amount = decimal.Min(*d.Amount, base)
	}
	pr.inv.Allowances = []Allowance{a}
	pr.inv.Discount = a.Amount
}

// linesSum is the sum of the lines' amounts (EN 16931 BT-106).
func linesSum(lines []Line) decimal.Decimal {
	sum := decimal.Zero
	for _, l := range lines {
		sum = sum.Add(l.Amount)
	}
	return sum
}
