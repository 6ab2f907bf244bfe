package books

import (
	"cmp"
	"slices"

	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/tax"
	"github.com/shopspring/decimal"
)

// Sections of a VAT return a VAT line falls in.
const (
	// Domestic: taxed at a rate in the issuer's country.
	Domestic = "domestic"
	// OSS: taxed at the rate of the EU member state where the consumer
	// is, declared in the One-Stop-Shop return (art. 369b Directive
	// 2006/112/EC).
	OSS = "oss"
	// ReverseCharge: a service to a business in another EU state, which
	// accounts for the VAT (art. 196): the EU sales list's supplies.
	ReverseCharge = "reverse_charge"
	// NotTaxable: supplied outside the EU VAT area (category O).
	NotTaxable = "not_taxable"
)

// Books are the documents issued from From to To (period labels,
// inclusive), by the issuer of IssuerCountry whose home currency is Home.
type Books struct {
	From          string  `json:"from"`
	To            string  `json:"to"`
	IssuerCountry string  `json:"issuer_country"`
	Home          string  `json:"home_currency,omitempty"`
	Entries       []Entry `json:"documents"`
}

// Entry is one issued document in the books. A credit note's amounts are
// negative, as it reverses its invoice.
type Entry struct {
	Number     string `json:"number"`
	Kind       string `json:"kind"` // invoice, credit_note
	IssueDate  string `json:"issue_date"`
	DueDate    string `json:"due_date"`
	Period     string `json:"period"`
	Corrects   string `json:"corrects,omitempty"`    // what a credit note reverses, or a replacement replaces
	Replaces   bool   `json:"replacement,omitempty"` // an invoice that replaces Corrects
	CustomerID string `json:"customer_id"`
	Name       string `json:"customer_name"`
	Country    string `json:"country"`
	VATID      string `json:"vat_id,omitempty"`
	Currency   string `json:"currency"`
	// Places is the number of decimals of the currency's amounts.
	Places int32           `json:"places"`
	Net    decimal.Decimal `json:"net"`
	VAT    decimal.Decimal `json:"vat"`
	Gross  decimal.Decimal `json:"gross"`
	// HomeVAT is the VAT in the issuer's home currency (issuer.currency):
	// the VAT itself for a document in it or without VAT, as the document
	// states it (BT-111) for one in another; nil where none is known.
	HomeVAT *decimal.Decimal `json:"home_vat,omitempty"`
	Lines   []VATLine        `json:"vat_lines"`
}

// VATLine is one VAT category and rate of a document (EN 16931 BG-23),
// with the return sections it falls in.
type VATLine struct {
	Category string          `json:"category"` // S, AE, O
	Rate     decimal.Decimal `json:"rate"`     // 0.19 for 19 %
	Taxable  decimal.Decimal `json:"taxable"`
	VAT      decimal.Decimal `json:"vat"`
	Section  string          `json:"section"`
	// Kennzahl is the line of the German VAT return (UStVA) the taxable
	// amount goes in, for a German issuer ("" otherwise).
	Kennzahl string `json:"kennzahl,omitempty"`
}

// Document is an issued document: its data, and the period the register
// files it under.
type Document struct {
	Period  string
	Invoice pricing.Invoice
}

// New makes the books of docs, the documents issued from `from` to `to`:
// entries by issue date, then number.
func New(from, to, issuerCountry, home string, docs []Document) Books {
	b := Books{From: from, To: to, IssuerCountry: issuerCountry, Home: home, Entries: []Entry{}}
	for i := range docs {
		b.Entries = append(b.Entries, entry(&docs[i].Invoice, docs[i].Period, issuerCountry, home))
	}
	slices.SortStableFunc(b.Entries, func(x, y Entry) int {
		return cmp.Or(cmp.Compare(x.IssueDate, y.IssueDate), cmp.Compare(x.Number, y.Number))
	})
	return b
}

func entry(inv *pricing.Invoice, period, issuerCountry, home string) Entry {
	e := Entry{Number: inv.Number, Kind: inv.Kind, IssueDate: inv.IssueDate, DueDate: inv.DueDate,
		Period: period, CustomerID: inv.CustomerID, Name: inv.Customer.Name, Country: inv.Customer.Country,
		VATID: inv.Customer.VATID, Currency: inv.Currency, Places: inv.Places, Net: inv.Subtotal, Gross: inv.Total}
	if inv.Corrects != nil {
		e.Corrects, e.Replaces = inv.Corrects.Number, inv.Kind == pricing.KindInvoice
	}
	for _, t := range inv.Taxes {
		e.VAT = e.VAT.Add(t.Tax)
		sec := Section(issuerCountry, e.Country, t.Category)
		e.Lines = append(e.Lines, VATLine{Category: t.Category, Rate: t.Rate, Taxable: t.Taxable, VAT: t.Tax,
			Section: sec, Kennzahl: Kennzahl(issuerCountry, sec, t.Rate)})
	}
	switch {
	case inv.HomeVAT != nil:
		v := inv.HomeVAT.VAT
		e.HomeVAT = &v
	case home != "" && (home == inv.Currency || e.VAT.IsZero()):
		v := e.VAT // in the home currency, or none in any
		e.HomeVAT = &v
	}
	return e
}

// Section is the VAT return section of a supply of category to a
// customer in country by an issuer in issuer.
func Section(issuer, country, category string) string {
	switch {
	case category == tax.ReverseCharge:
		return ReverseCharge
	case category == tax.NotSubject:
		return NotTaxable
	case country != issuer && tax.EU(issuer) && tax.EU(country):
		return OSS
	}
	return Domestic
}
