package pricing

import (
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/exchange"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/report"
)

// A German customer billed in USD pays German VAT, stated in EUR too at
// the ECB's rate of the period's last day (Saturday 2026-10-31: Friday's).
// Without exchange_rates, or with a file that ends before that day, the
// invoice is drafted without it and held, the problem naming the currency
// and the day.
func TestHomeVATNeedsARate(t *testing.T) {
	cfg, err := config.Parse([]byte(`issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
tax: {rate: "0.19"}
plans: [{id: p, monthly_fee: "43.90"}]
customers: [{id: U, name: "Müller GmbH", city: Berlin, country: DE, currency: USD, plan: p, vps: [{name: u1}]}]
`), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Issuer.Currency != "EUR" {
		t.Fatalf("issuer.currency %q, want EUR by default for an EU issuer", cfg.Issuer.Currency)
	}
	p := period.Month(2026, time.October, time.UTC)
	fig := Figures{Usage: map[string]*report.VPSUsage{"u1": {Name: "u1"}}}
	build := func(csv string) (Invoice, string) {
		book := BookOf(cfg)
		if csv != "" {
			if book.Rates, err = exchange.Parse([]byte(csv), "eurofxref-hist.csv"); err != nil {
				t.Fatal(err)
			}
		}
		invs, probs := Build(book, p, fig)
		if len(invs) != 1 {
			t.Fatalf("%d invoices: %+v", len(invs), probs)
		}
		var why []string
		for _, pr := range probs {
			why = append(why, pr.Problem)
		}
		return invs[0], strings.Join(why, "; ")
	}
	inv, why := build("")
	if inv.HomeVAT != nil || why != "VAT in EUR: no ECB rate for USD on 2026-10-31: exchange_rates is not configured" {
		t.Errorf("without rates: %+v, %q", inv.HomeVAT, why)
	}
	inv, why = build("Date,USD\n2026-10-20,1.06\n")
	if inv.HomeVAT != nil || why != "VAT in EUR: no ECB rate for USD on 2026-10-31: exchange_rates ends on 2026-10-20 (update it)" {
		t.Errorf("stale rates: %+v, %q", inv.HomeVAT, why)
	}
	inv, why = build("Date,USD\n2026-11-02,1.0611\n2026-10-30,1.0523\n")
	// VAT 19 % of $43.90 = $8.34; in EUR 8.34 / 1.0523 = 7.925496… = €7.93
	if h := inv.HomeVAT; why != "" || inv.Taxes[0].Tax.String() != "8.34" || h == nil || h.VAT.String() != "7.93" || h.Rate.String() != "1.0523" || h.RateDay != "2026-10-30" {
		t.Errorf("with rates: VAT %s, home %+v, %q", inv.Taxes[0].Tax, h, why)
	}
	cn := CreditNote(inv, "CN")
	if cn.HomeVAT == nil || cn.HomeVAT.VAT.String() != "-7.93" {
		t.Errorf("the credit note's home VAT %+v", cn.HomeVAT)
	}
}
