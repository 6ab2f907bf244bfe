package document

import (
	"testing"

	"github.com/shopspring/decimal"
)

// Unit prices print as money: at least the currency's decimals, and every
// decimal the configured rate has.
func TestRateFormat(t *testing.T) {
	for _, c := range []struct {
		price  string
		places int32
		want   string
	}{
		{"20", 2, "20.00"}, {"0.5", 2, "0.50"}, {"0.005", 2, "0.005"}, {"0.0050", 2, "0.005"},
		{"1500", 0, "1,500"}, {"2.5", 0, "2.5"}, {"1.2", 3, "1.200"},
	} {
		if got := unitPrice("en", decimal.RequireFromString(c.price), c.places); got != c.want {
			t.Errorf("rate(%s, %d places) = %q, want %q", c.price, c.places, got, c.want)
		}
	}
}

// goFonts are the Go fonts alone, for the tests' documents.
var goFonts = NewFonts(nil)
