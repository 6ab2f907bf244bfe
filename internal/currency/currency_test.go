package currency

import "testing"

func TestCurrencies(t *testing.T) {
	for code, want := range map[string]int32{"EUR": 2, "USD": 2, "JPY": 0, "KWD": 3, "CLF": 4, "CHF": 2} {
		if !Known(code) || MinorUnits(code) != want {
			t.Errorf("%s: known %v, %d decimals, want %d", code, Known(code), MinorUnits(code), want)
		}
	}
	for _, bad := range []string{"USS", "ZZZ", "XXX", "XAU", "eur", "EURO", ""} {
		if Known(bad) {
			t.Errorf("%q is known", bad)
		}
	}
	for code := range decimals {
		if !Known(code) {
			t.Errorf("%s has decimals but is not a known code", code)
		}
	}
	if len(known) < 150 {
		t.Errorf("only %d codes", len(known))
	}
}
