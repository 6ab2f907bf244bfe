package books

import (
	"testing"

	"github.com/billrun/billrun/internal/pricing"
	"github.com/shopspring/decimal"
)

var d = decimal.RequireFromString

// doc is an issued document of one VAT line.
func doc(number, kind, customer, country, vatID, currency, cat, rate, net, vat string) Document {
	inv := pricing.Invoice{Number: number, Kind: kind, IssueDate: "2026-11-03", CustomerID: customer, Currency: currency,
		Customer: pricing.Party{Country: country, VATID: vatID}, Subtotal: d(net), Total: d(net).Add(d(vat)),
		Taxes: []pricing.TaxLine{{Category: cat, Rate: d(rate), Taxable: d(net), Tax: d(vat)}}}
	if kind == pricing.KindCreditNote {
		inv.Corrects = &pricing.Reference{Number: "INV-1"}
	}
	return Document{Period: "2026-10", Invoice: inv}
}

// Each supply lands in its return section and UStVA line.
func TestSections(t *testing.T) {
	for _, c := range []struct {
		issuer, country, cat, rate string
		section, kz                string
	}{
		{"DE", "DE", "S", "0.19", Domestic, "81"},
		{"DE", "DE", "S", "0.07", Domestic, "86"},
		{"DE", "DE", "S", "0.16", Domestic, "35"},
		{"DE", "IE", "AE", "0", ReverseCharge, "21"},
		{"DE", "AT", "S", "0.20", OSS, "45"},
		{"DE", "US", "O", "0", NotTaxable, "45"},
		{"FR", "FR", "S", "0.20", Domestic, ""}, // no UStVA outside Germany
		{"FR", "AT", "S", "0.20", OSS, ""},
		{"CH", "DE", "O", "0", NotTaxable, ""},
	} {
		sec := Section(c.issuer, c.country, c.cat)
		if kz := Kennzahl(c.issuer, sec, d(c.rate)); sec != c.section || kz != c.kz {
			t.Errorf("%s -> %s %s %s: section %q Kennzahl %q, want %q %q", c.issuer, c.country, c.cat, c.rate, sec, kz, c.section, c.kz)
		}
	}
}

// The summaries add up the VAT lines, a credit note taking off what its
// invoice added, and keep currencies apart.
func TestSummaries(t *testing.T) {
	b := New("2026-11", "2026-11", "DE", "EUR", []Document{
		doc("INV-1", "invoice", "DE1", "DE", "DE811569869", "EUR", "S", "0.19", "100.00", "19.00"),
		doc("INV-2", "invoice", "IE1", "IE", "IE1234567T", "EUR", "AE", "0", "50.00", "0"),
		doc("INV-3", "invoice", "IE2", "IE", "IE1234567T", "EUR", "AE", "0", "25.00", "0"),
		doc("INV-4", "invoice", "AT1", "AT", "", "EUR", "S", "0.20", "10.00", "2.00"),
		doc("INV-5", "credit_note", "AT1", "AT", "", "EUR", "S", "0.20", "-10.00", "-2.00"),
		doc("INV-6", "invoice", "AT2", "AT", "", "EUR", "S", "0.20", "30.00", "6.00"),
		doc("INV-7", "invoice", "US1", "US", "", "USD", "O", "0", "40.00", "0"),
	})
	if tot := b.Totals(); len(tot) != 2 || tot[0].Currency != "EUR" || tot[0].Gross.String() != "230" || tot[1].Gross.String() != "40" {
		t.Errorf("totals %+v", tot)
	}
	if sl := b.SalesList(); len(sl) != 1 || sl[0].VATID != "IE1234567T" || sl[0].Net.String() != "75" {
		t.Errorf("EU sales list %+v: want one line, IE1234567T 75 (two customers, one VAT ID)", sl)
	}
	if o := b.OSS(); len(o) != 1 || o[0].Country != "AT" || o[0].Net.String() != "30" || o[0].VAT.String() != "6" {
		t.Errorf("OSS %+v", o)
	}
	u := b.UStVA()
	got := map[string]string{}
	for _, l := range u {
		got[l.Kennzahl+" "+l.Currency] = l.Amount.String() + "/" + l.VAT.String()
	}
	want := map[string]string{"81 EUR": "100/19", "21 EUR": "75/0", "45 EUR": "30/6", "45 USD": "40/0"}
	if len(got) != len(want) {
		t.Errorf("UStVA %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("UStVA %s: %q, want %q", k, got[k], v)
		}
	}
	if u[0].Kennzahl != "81" || u[len(u)-1].Kennzahl != "45" {
		t.Errorf("UStVA not in the form's order: %+v", u)
	}
	r := b.ByRate()
	if len(r) != 4 || r[0].Section != Domestic || r[3].Section != NotTaxable || r[3].Currency != "USD" {
		t.Errorf("VAT return %+v", r)
	}
	if e := b.Entries[6]; e.HomeVAT == nil || !e.HomeVAT.IsZero() {
		t.Errorf("a USD invoice without VAT has home VAT %v, want 0", e.HomeVAT)
	}
}
