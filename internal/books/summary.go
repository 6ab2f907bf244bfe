package books

import (
	"cmp"
	"maps"
	"slices"

	"github.com/shopspring/decimal"
)

// Total is what the books' documents of one currency add up to.
type Total struct {
	Currency string          `json:"currency"`
	Net      decimal.Decimal `json:"net"`
	VAT      decimal.Decimal `json:"vat"`
	Gross    decimal.Decimal `json:"gross"`
}

// Totals are the documents' sums per currency, in currency order.
func (b Books) Totals() []Total {
	m := map[string]*Total{}
	for _, e := range b.Entries {
		t := m[e.Currency]
		if t == nil {
			t = &Total{Currency: e.Currency}
			m[e.Currency] = t
		}
		t.Net, t.VAT, t.Gross = t.Net.Add(e.Net), t.VAT.Add(e.VAT), t.Gross.Add(e.Gross)
	}
	out := []Total{}
	for _, c := range slices.Sorted(maps.Keys(m)) {
		out = append(out, *m[c])
	}
	return out
}

// RateTotal is the VAT lines of one return section, category, rate and
// currency added up: a line of the VAT return.
type RateTotal struct {
	Section  string          `json:"section"`
	Category string          `json:"category"`
	Rate     decimal.Decimal `json:"rate"`
	Currency string          `json:"currency"`
	Taxable  decimal.Decimal `json:"taxable"`
	VAT      decimal.Decimal `json:"vat"`
}

// ByRate is the VAT lines per section, category, rate and currency.
func (b Books) ByRate() []RateTotal {
	return sum(b, func(e Entry, l VATLine) (RateTotal, bool) {
		return RateTotal{Section: l.Section, Category: l.Category, Rate: l.Rate, Currency: e.Currency}, true
	}, func(t *RateTotal, l VATLine) { t.Taxable, t.VAT = t.Taxable.Add(l.Taxable), t.VAT.Add(l.VAT) },
		func(x, y RateTotal) int {
			return cmp.Or(cmp.Compare(sectionOrder[x.Section], sectionOrder[y.Section]), cmp.Compare(x.Category, y.Category),
				x.Rate.Cmp(y.Rate), cmp.Compare(x.Currency, y.Currency))
		})
}

var sectionOrder = map[string]int{Domestic: 0, OSS: 1, ReverseCharge: 2, NotTaxable: 3}

// SalesLine is one line of the EU sales list (recapitulative statement,
// art. 262 Directive 2006/112/EC): the net of the reverse-charge services
// to one buyer's VAT ID in the books' time.
type SalesLine struct {
	VATID    string          `json:"vat_id"`
	Country  string          `json:"country"`
	Currency string          `json:"currency"`
	Net      decimal.Decimal `json:"net"`
}

// SalesList is the EU sales list, by VAT ID.
func (b Books) SalesList() []SalesLine {
	return sum(b, func(e Entry, l VATLine) (SalesLine, bool) {
		return SalesLine{VATID: e.VATID, Country: e.Country, Currency: e.Currency}, l.Section == ReverseCharge
	}, func(t *SalesLine, l VATLine) { t.Net = t.Net.Add(l.Taxable) },
		func(x, y SalesLine) int {
			return cmp.Or(cmp.Compare(x.VATID, y.VATID), cmp.Compare(x.Currency, y.Currency))
		})
}

// OSSLine is one line of the One-Stop-Shop return: the supplies to
// consumers of one member state at one rate.
type OSSLine struct {
	Country  string          `json:"country"`
	Rate     decimal.Decimal `json:"rate"`
	Currency string          `json:"currency"`
	Net      decimal.Decimal `json:"net"`
	VAT      decimal.Decimal `json:"vat"`
}

// OSS is the One-Stop-Shop return, by member state and rate.
func (b Books) OSS() []OSSLine {
	return sum(b, func(e Entry, l VATLine) (OSSLine, bool) {
		return OSSLine{Country: e.Country, Rate: l.Rate, Currency: e.Currency}, l.Section == OSS
	}, func(t *OSSLine, l VATLine) { t.Net, t.VAT = t.Net.Add(l.Taxable), t.VAT.Add(l.VAT) },
		func(x, y OSSLine) int {
			return cmp.Or(cmp.Compare(x.Country, y.Country), x.Rate.Cmp(y.Rate), cmp.Compare(x.Currency, y.Currency))
		})
}

// sum adds up the VAT lines that key selects into one total per key (a
// total with its amounts still zero), kept in the order of by, which
// compares keys only.
func sum[T any](b Books, key func(Entry, VATLine) (T, bool), add func(*T, VATLine), by func(x, y T) int) []T {
	out := []T{}
	for _, e := range b.Entries {
		for _, l := range e.Lines {
			k, ok := key(e, l)
			if !ok {
				continue
			}
			i, found := slices.BinarySearchFunc(out, k, by)
			if !found {
				out = slices.Insert(out, i, k)
			}
			add(&out[i], l)
		}
	}
	return out
}
