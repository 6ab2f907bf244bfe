package locale

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Languages are the languages documents are written in.
var Languages = []string{"en", "de", "fr", "nl"}

// Has says whether billrun writes documents in lang.
func Has(lang string) bool { return slices.Contains(Languages, lang) }

// marks are each language's grouping and decimal marks, taken from CLDR
// (golang.org/x/text) by formatting 1234.5: the digits are billrun's own,
// so that an amount is never a float on its way to the page.
var marks = func() map[string][2]string {
	out := map[string][2]string{}
	for _, lang := range Languages {
		s := message.NewPrinter(language.Make(lang)).Sprint(number.Decimal(1234.5, number.Scale(1)))
		i := strings.Index(s, "234") // "1,234.5"
		out[lang] = [2]string{s[1:i], s[i+3 : len(s)-1]}
	}
	return out
}()

// Text is key's text in lang (English for a language billrun does not
// have), formatted with args.
func Text(lang, key string, args ...any) string {
	t, ok := texts[key][lang]
	if !ok {
		t = texts[key]["en"]
	}
	if len(args) == 0 && !strings.Contains(t, "%%") {
		return t
	}
	return fmt.Sprintf(t, args...)
}

// symbols are the currency signs English writes before the amount and
// German after it; other currencies are written with their code.
var symbols = map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF"}

// Number is d with places decimals in lang's way: 1,234.5 or 1.234,5.
func Number(lang string, d decimal.Decimal, places int32) string {
	s := d.StringFixed(places)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	m, ok := marks[lang]
	if !ok {
		m = marks["en"]
	}
	group, point := m[0], m[1]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// Quantity is d as a quantity: its own decimals, at most 3.
func Quantity(lang string, d decimal.Decimal) string { return trimmed(lang, d, 3) }

// Rate is d as an exchange rate: its own decimals, at most 6.
func Rate(lang string, d decimal.Decimal) string { return trimmed(lang, d, 6) }

// trimmed is d rounded to at most limit decimals, without trailing zeros.
func trimmed(lang string, d decimal.Decimal, limit int32) string {
	places := min(max(-d.Exponent(), 0), limit)
	n := d.Round(places)
	for places > 0 && n.Equal(n.Round(places-1)) {
		places--
	}
	return Number(lang, n, places)
}

// Money is an amount in currency, as lang writes it: €1,234.56 in
// English, € 1.234,56 in Dutch, 1.234,56 € in German and 1 234,56 € in
// French; KWD 1,234.500 where there is no sign.
func Money(lang string, d decimal.Decimal, places int32, currency string) string {
	n := Number(lang, d, places)
	sym, ok := symbols[currency]
	if !ok {
		sym = currency
	}
	neg := strings.HasPrefix(n, "-")
	switch {
	case lang == "de" || lang == "fr":
		return n + "\u00a0" + sym
	case lang == "nl": // € -1.234,56, as CLDR has it
		return sym + "\u00a0" + n
	case ok && sym != currency && neg:
		return "-" + sym + n[1:]
	case ok && sym != currency:
		return sym + n
	default:
		return currency + "\u00a0" + n
	}
}

// Country is the country of ISO 3166 code in lang ("Österreich" for AT
// in German), from CLDR (golang.org/x/text); the code itself when CLDR
// has no name for it.
func Country(lang, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(lang)).Name(r); n != "" {
		return n
	}
	return code
}

// dateLayouts are the languages' numeric dates (CLDR's short dates with
// four-digit years); English keeps ISO 8601, which no reader misreads.
var dateLayouts = map[string]string{"de": "02.01.2006", "fr": "02/01/2006", "nl": "02-01-2006"}

// Date is a YYYY-MM-DD date in lang's way (30.11.2026 in German,
// 30/11/2026 in French, 30-11-2026 in Dutch); a string that is not such a
// date is returned as it is.
func Date(lang, ymd string) string {
	t, err := time.Parse("2006-01-02", ymd)
	layout, ok := dateLayouts[lang]
	if err != nil || !ok {
		return ymd
	}
	return t.Format(layout)
}

// Unit is a billing unit (month, days, GB, GB-months, cpu-hours, Mbps)
// as lang writes it; a unit it has no words for is returned as it is.
func Unit(lang, unit string) string {
	if !Has(lang) {
		lang = "en"
	}
	if w, ok := unitWords[unit][lang]; ok {
		return w
	}
	size, per, compound := strings.Cut(unit, "-")
	if lang == "fr" {
		if f, ok := frenchSizes[size]; ok {
			size = f
		}
	}
	if !compound {
		return size
	}
	if w, ok := timeWords[per][lang]; ok {
		return size + "-" + w
	}
	return unit
}

// MetricLabel is the seed's metric name as lang calls it ("Outbound
// traffic" for out), or "" for a metric not of the seed.
func MetricLabel(lang, name string) string {
	if l, ok := metricLabels[name][lang]; ok {
		return l
	}
	return metricLabels[name]["en"]
}
