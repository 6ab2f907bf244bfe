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
		for _, lang := range Languages {
			if verbs(by[lang]) != verbs(by["en"]) {
				t.Errorf("%s: %s takes other arguments than en: %q, %q", key, lang, by[lang], by["en"])
			}
		}
	}
}

// verbs is the sequence of a format's verbs (%s, %d), in order.
func verbs(f string) string {
	var out []byte
	for i := 0; i < len(f)-1; i++ {
		if f[i] == '%' {
			out = append(out, f[i+1])
			i++
		}
	}
	return string(out)
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
		{"fr", "1234567.5", 2, "EUR", "1\u00a0234\u00a0567,50\u00a0€"},
		{"fr", "-12.3", 3, "KWD", "-12,300\u00a0KWD"},
		{"nl", "1234.56", 2, "EUR", "€\u00a01.234,56"},
		{"nl", "-1234.56", 2, "USD", "$\u00a0-1.234,56"},
		{"nl", "1234", 0, "JPY", "¥\u00a01.234"},
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

func TestDatesAndUnits(t *testing.T) {
	for _, c := range []struct{ lang, want string }{{"en", "2026-11-30"}, {"de", "30.11.2026"}, {"fr", "30/11/2026"}, {"nl", "30-11-2026"}, {"xx", "2026-11-30"}} {
		if got := Date(c.lang, "2026-11-30"); got != c.want {
			t.Errorf("Date(%s) = %q, want %q", c.lang, got, c.want)
		}
	}
	for _, c := range []struct{ lang, unit, want string }{
		{"en", "GB-months", "GB-months"}, {"de", "GB-months", "GB-Monate"}, {"fr", "GB-months", "Go-mois"}, {"nl", "GiB-hours", "GiB-uren"},
		{"fr", "TB", "To"}, {"de", "cpu-hours", "CPU-Stunden"}, {"fr", "cpu-hours", "heures CPU"}, {"nl", "month", "maand"},
		{"de", "Mbps", "Mbit/s"}, {"en", "widgets", "widgets"}, {"de", "widget-years", "widget-years"}, {"xx", "days", "days"},
	} {
		if got := Unit(c.lang, c.unit); got != c.want {
			t.Errorf("Unit(%s, %s) = %q, want %q", c.lang, c.unit, got, c.want)
		}
	}
	for _, lang := range Languages {
		for _, u := range []string{"month", "days", "credit", "cpu-hours", "GB-months", "KB-minutes"} {
			if Unit(lang, u) == "" {
				t.Errorf("Unit(%s, %s) is empty", lang, u)
			}
		}
		for name := range metricLabels {
			if metricLabels[name][lang] == "" {
				t.Errorf("metric %s has no %s label", name, lang)
			}
		}
	}
	if MetricLabel("de", "out") != "Ausgehender Datenverkehr" || MetricLabel("xx", "in") != "Inbound traffic" || MetricLabel("de", "widgets") != "" {
		t.Errorf("MetricLabel: %q %q %q", MetricLabel("de", "out"), MetricLabel("xx", "in"), MetricLabel("de", "widgets"))
	}
}

// The words the law and each country's practice want, per language:
// the titles, and the reverse-charge mention in the words of the VAT
// directive's language version (art. 226(11a)).
func TestLegalWords(t *testing.T) {
	for lang, want := range map[string][3]string{
		"en": {"INVOICE", "CREDIT NOTE", "Reverse charge"},
		"de": {"RECHNUNG", "RECHNUNGSKORREKTUR (STORNO)", "Steuerschuldnerschaft des Leistungsempfängers"},
		"fr": {"FACTURE", "AVOIR", "Autoliquidation"},
		"nl": {"FACTUUR", "CREDITNOTA", "Btw verlegd"},
	} {
		if Text(lang, "invoice") != want[0] || Text(lang, "credit_note") != want[1] || !strings.HasPrefix(Text(lang, "reverse_charge"), want[2]) {
			t.Errorf("%s: %q, %q, %q", lang, Text(lang, "invoice"), Text(lang, "credit_note"), Text(lang, "reverse_charge"))
		}
		if !strings.Contains(Text(lang, "reverse_charge"), "196") || !strings.Contains(Text(lang, "not_subject", "x"), "44") || !strings.Contains(Text(lang, "not_subject_consumer", "x"), "59") {
			t.Errorf("%s: a tax note does not cite its article", lang)
		}
	}
}
