package locale

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestEveryTextInEveryLanguage(t *testing.T) {
	for key, by := range texts {
		for _, lang := range Languages {
			if by[lang] == "" {
				t.Errorf("%s has no %s text", key, lang)
			}
		}
		if strings.Count(by["en"], "%") != strings.Count(by["de"], "%") {
			t.Errorf("%s: the languages take different arguments: %q, %q", key, by["en"], by["de"])
		}
	}
}

func TestMoney(t *testing.T) {
	d := decimal.RequireFromString
	for _, c := range []struct {
		lang, amount string
		places       int32
		cur, want    string
	}{
		{"en", "1234.56", 2, "EUR", "€1,234.56"},
		{"de", "1234.56", 2, "EUR", "1.234,56\u00a0€"},
		{"en", "-1234567.5", 2, "USD", "-$1,234,567.50"},
		{"de", "-0.5", 2, "EUR", "-0,50\u00a0€"},
		{"en", "1234", 0, "JPY", "¥1,234"},
		{"de", "1234.5", 3, "KWD", "1.234,500\u00a0KWD"},
		{"en", "12.3", 3, "KWD", "KWD\u00a012.300"},
		{"en", "100", 2, "CHF", "CHF\u00a0100.00"},
	} {
		if got := Money(c.lang, d(c.amount), c.places, c.cur); got != c.want {
			t.Errorf("Money(%s, %s, %d, %s) = %q, want %q", c.lang, c.amount, c.places, c.cur, got, c.want)
		}
	}
	if got := Quantity("de", d("1234.500")); got != "1.234,5" {
		t.Errorf("Quantity = %q", got)
	}
	if got := Date("de", "2026-11-30"); got != "30.11.2026" {
		t.Errorf("Date = %q", got)
	}
	if got := Date("en", "2026-11-30"); got != "2026-11-30" {
		t.Errorf("Date = %q", got)
	}
}
