package tax

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestDecide(t *testing.T) {
	r := Rates{Domestic: decimal.RequireFromString("0.19"), Consumer: map[string]decimal.Decimal{"FR": decimal.RequireFromString("0.20")}}
	for _, c := range []struct {
		issuer, country, vat string
		cat, rate, reason    string
	}{
		{"DE", "DE", "DE999999999", Standard, "0.19", ""},
		{"DE", "DE", "", Standard, "0.19", ""},
		{"DE", "IE", "IE1234567X", ReverseCharge, "0", "VATEX-EU-AE"},
		{"DE", "FR", "", Standard, "0.2", ""}, // an EU consumer: its country's VAT
		{"DE", "CH", "CHE123456789", NotSubject, "0", "VATEX-EU-O"},
		{"DE", "US", "", NotSubject, "0", "VATEX-EU-O"},
		{"CH", "DE", "DE999999999", NotSubject, "0", "VATEX-EU-O"}, // an issuer outside the EU
	} {
		got, err := Decide(c.issuer, c.country, c.vat, r)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if got.Category != c.cat || got.Rate.String() != c.rate || got.Reason != c.reason {
			t.Errorf("%s -> %s (%q): got %+v, want %s %s %s", c.issuer, c.country, c.vat, got, c.cat, c.rate, c.reason)
		}
	}
	if _, err := Decide("DE", "IT", "", r); err == nil {
		t.Error("an Italian consumer without a configured IT rate was taxed")
	}
}

func TestCheckVATID(t *testing.T) {
	for id, ok := range map[string]bool{"DE123456789": true, "EL123456789": false, "IE1234567X": true, "de123": false, "DE 123": false, "FR1": false} {
		country := id[:2]
		if id == "EL123456789" {
			country = "GR"
			ok = true
		}
		if err := CheckVATID(id, country); (err == nil) != ok {
			t.Errorf("CheckVATID(%q, %s) = %v", id, country, err)
		}
	}
	if CheckVATID("FR12345678901", "DE") == nil {
		t.Error("a French VAT ID for a German party was accepted")
	}
	if !Country("DE") || Country("XX") || !EU("IE") || EU("GB") {
		t.Error("country tables")
	}
}
