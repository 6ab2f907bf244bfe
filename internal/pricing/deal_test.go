package pricing

import (
	"testing"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
)

const dealYAML = `timezone: UTC
issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
tax: {rate: "0.19"}
plans:
  - {id: std, monthly_fee: "20.00", metrics: {in: {unit: GB, included: "100", rate: "0.05"}, out: {unit: GB, included: "100", rate: "0.05"}}, discount: {percent: "5", reason: "Plan discount"}}
customers:
  - {id: A, name: A, city: Berlin, country: DE, currency: EUR, plan: std, vps: [{name: a1}, {name: a2}],
     price: {monthly_fee: "15.00", metrics: {in: {unit: GB, included: "10", rate: "0.10"}}},
     discount: {percent: "12.5", reason: "Framework contract", code: "102"},
     charges: [{description: "Setup", amount: "49.99", from: 2026-10, until: 2026-11}, {description: "Extra IPv4", amount: "2.00", from: 2026-09},
               {description: "Later", amount: "9.00", from: 2026-11}, {description: "Earlier", amount: "9.00", from: 2026-08, until: 2026-10}]}
  - {id: B, name: B, city: Berlin, country: DE, currency: EUR, plan: std, vps: [{name: b1}], discount: {amount: "500", reason: "Goodwill"}}
  - {id: C, name: C, city: Berlin, country: DE, currency: EUR, plan: std, vps: [{name: c1}]}
`

// A customer's own price replaces its plan's fee and the metrics it
// names; its charges are lines in the periods they are due; its discount
// (else its plan's) is one allowance off the lines' sum, shared out by
// VPS, and the totals hold EN 16931's rules, on the credit note too.
func TestDeal(t *testing.T) {
	cfg, err := config.Parse([]byte(dealYAML), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fig := Figures{Usage: map[string]*report.VPSUsage{}}
	for _, v := range []string{"a1", "a2", "b1", "c1"} {
		fig.Usage[v] = &report.VPSUsage{Name: v, Metrics: report.Metrics{
			{Name: "in", Unit: "bytes", Total: 30e9, Coverage: 1}, {Name: "out", Unit: "bytes", Total: 150e9, Coverage: 1}}}
	}
	invs, problems := Build(BookOf(cfg), period.Month(2026, time.October, time.UTC), fig)
	if len(invs) != 3 {
		t.Fatalf("%d invoices: %v", len(invs), problems)
	}
	d := decimal.RequireFromString
	a, b, c := invs[0], invs[1], invs[2]
	// A: 2 × (15.00 + 20 GB in × 0.10 + 50 GB out × 0.05) + 49.99 + 2.00
	var charges []string
	for _, l := range a.Lines {
		if l.Kind == "charge" {
			charges = append(charges, l.Description+" "+l.Amount.String())
		}
	}
	if len(charges) != 2 || charges[0] != "Setup 49.99" || charges[1] != "Extra IPv4 2" {
		t.Errorf("A's charges in 2026-10: %q", charges)
	}
	base := d("2").Mul(d("15.00").Add(d("2.00")).Add(d("2.50"))).Add(d("51.99"))
	if !a.Fees.Equal(d("30")) || !a.Usage.Equal(d("9")) || !a.Charges.Equal(d("51.99")) || len(a.Allowances) != 1 ||
		!a.Allowances[0].Base.Equal(base) || !a.Discount.Equal(d("11.37")) || a.Allowances[0].Code != "102" ||
		!a.Subtotal.Equal(base.Sub(d("11.37"))) {
		t.Errorf("A: fees %s usage %s charges %s allowances %+v discount %s subtotal %s (base %s)", a.Fees, a.Usage, a.Charges, a.Allowances, a.Discount, a.Subtotal, base)
	}
	// B: a fixed discount is never more than the lines' sum; C: the plan's
	if !b.Discount.Equal(b.Allowances[0].Base) || !b.Subtotal.IsZero() || !b.Total.IsZero() {
		t.Errorf("B: discount %s of %s, subtotal %s", b.Discount, b.Allowances[0].Base, b.Subtotal)
	}
	if len(c.Allowances) != 1 || c.Allowances[0].Reason != "Plan discount" || !c.Discount.Equal(d("1.13")) { // 5 % of 22.50, half up
		t.Errorf("C: %+v", c.Allowances)
	}
	for _, inv := range []Invoice{a, b, c, CreditNote(a, "CN")} {
		if err := CheckTotals(&inv); err != nil {
			t.Error(err)
		}
		sum := decimal.Zero
		for _, v := range inv.PerVPS {
			sum = sum.Add(v.Gross)
		}
		if !sum.Equal(inv.Total) {
			t.Errorf("%s: the VPS's shares add up to %s, the total is %s", inv.Number, sum, inv.Total)
		}
	}
	if cn := CreditNote(a, "CN"); !cn.Discount.Equal(a.Discount.Neg()) || !cn.Allowances[0].Amount.Equal(a.Discount.Neg()) || !cn.Charges.Equal(a.Charges.Neg()) {
		t.Errorf("credit note: discount %s, allowances %+v, charges %s", cn.Discount, cn.Allowances, cn.Charges)
	}
	if BillingDigest(a) == BillingDigest(c) {
		t.Error("different bills, one digest")
	}
}
