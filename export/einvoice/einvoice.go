package einvoice

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/currency"
	"github.com/billrun/billrun/internal/locale"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/tax"
	"github.com/shopspring/decimal"
)

// writeXML writes v as an indented UTF-8 XML document.
func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// party is a document's seller or buyer as e-invoices carry it.
type party struct {
	name, registration, legalInfo string
	street                        []string
	city, postcode, country       string
	region                        string
	identifier                    *pricing.Identifier
	vatID, taxNumber              string
	endpoint                      *pricing.Endpoint
	contact                       *pricing.Contact
}

// document is an invoice or credit note as EN 16931 sees it, the one
// model both syntaxes (UBL, CII) are written from: amounts of a credit
// note are positive (the credit), every figure is the invoice's own.
type document struct {
	spec, number, typeCode, issueDate, dueDate string
	periodStart, periodEnd, currency, note     string
	buyerReference, paymentTerms               string
	purchaseOrder, contract                    string
	credit                                     bool
	corrects                                   *pricing.Reference
	places                                     int32
	seller, buyer                              party
	payment                                    *payment
	lines                                      []docLine
	allowances                                 []docAllowance
	taxes                                      []docTax
	lineTotal, allowanceTotal                  decimal.Decimal
	taxTotal, grandTotal                       decimal.Decimal
	// home is the VAT in the seller's home currency (BT-6, BT-111), nil
	// when the invoice is in it
	home *homeVAT
}

type homeVAT struct {
	currency string
	vat      string
}

// payment is the payment instructions (BG-16): the means (UNCL 4461), its
// text (BT-82), and the seller's account to pay to (none on a credit note).
type payment struct{ code, text, iban, bic, holder string }

type docLine struct {
	id, name, quantity, unitCode, price, category, percent string
	amount                                                 decimal.Decimal
}

// docAllowance is a document-level allowance (BG-20): the discount.
type docAllowance struct {
	reason, code, percent string
	category, taxPercent  string
	base, amount          decimal.Decimal // base: zero without a percentage
}

type docTax struct {
	category, percent, reasonCode, reason string
	taxable, tax                          decimal.Decimal
}

// sellerOf is the issuer as the seller, with its legal information
// (BT-33: register and managing directors) in lang.
func sellerOf(is pricing.Issuer, lang string) party {
	p := party{name: is.Name, street: is.Address, city: is.City, postcode: is.Postcode, region: is.Region, country: is.Country,
		vatID: is.VATID, taxNumber: is.TaxNumber, endpoint: is.Endpoint, contact: is.Contact, identifier: is.Identifier}
	if r := is.Register; r != nil {
		p.registration = r.Number
		p.legalInfo = r.Court + " " + r.Number
	}
	if len(is.ManagingDirectors) > 0 {
		if p.legalInfo != "" {
			p.legalInfo += "; "
		}
		p.legalInfo += locale.Text(lang, "directors") + ": " + strings.Join(is.ManagingDirectors, ", ")
	}
	return p
}

// paymentOf is inv's payment instructions: a credit transfer to the
// seller's bank for an invoice; for a credit note, nothing paid to the
// seller — the amount is refunded or set off (97, clearing between
// partners), and no account is named. Nil for an invoice without a bank.
func paymentOf(inv *pricing.Invoice) *payment {
	b := inv.Issuer.Bank
	switch {
	case inv.Kind == pricing.KindCreditNote:
		return &payment{code: "97", text: locale.Text(inv.Language, "credit_means")}
	case b == nil:
		return nil
	case inv.Currency == "EUR":
		return &payment{code: "58", iban: b.IBAN, bic: b.BIC, holder: b.Holder} // SEPA credit transfer
	default:
		return &payment{code: "30", iban: b.IBAN, bic: b.BIC, holder: b.Holder} // credit transfer
	}
}

// newDocument is inv as EN 16931 sees it.
func newDocument(inv *pricing.Invoice) *document {
	e := &document{number: inv.Number, typeCode: "380", issueDate: inv.IssueDate, dueDate: inv.DueDate,
		periodStart: inv.PeriodStart, periodEnd: inv.PeriodEnd, currency: inv.Currency, places: inv.Places,
		buyerReference: inv.BuyerReference, corrects: inv.Corrects, note: strings.Join(inv.Notes, " "),
		purchaseOrder: inv.PurchaseOrder, contract: inv.Contract}
	if c, r := inv.Corrects, inv.CancelledBy; c != nil && r != nil {
		// BG-3 holds the invoice replaced; the credit note is named here
		n := locale.Text(inv.Language, "replacement_note", c.Number, locale.Date(inv.Language, c.IssueDate), r.Number, locale.Date(inv.Language, r.IssueDate))
		e.note = strings.TrimSpace(e.note + " " + n)
	}
	switch inv.EInvoice {
	case config.EInvoiceXRechnungUBL, config.EInvoiceXRechnungCII:
		e.spec = specXRechnung
	case config.EInvoicePeppol:
		e.spec = specPeppol
		if e.buyerReference == "" {
			e.buyerReference = inv.CustomerID // PEPPOL-EN16931-R003 wants one
		}
	default:
		e.spec = specEN16931
	}
	sign := decimal.NewFromInt(1)
	if inv.Kind == pricing.KindCreditNote {
		e.credit, e.typeCode, sign = true, "381", decimal.NewFromInt(-1)
	}
	// Pricing gives an invoice one tax line: all its lines are of the
	// customer's category.
	lineTax := pricing.TaxLine{Category: tax.Standard}
	if len(inv.Taxes) > 0 {
		lineTax = inv.Taxes[0]
	}
	// Under "not subject to VAT" no VAT ID may appear (BR-O-02): the
	// seller is identified by its tax number and register entry.
	notSubject := lineTax.Category == tax.NotSubject
	is := inv.Issuer
	e.seller = sellerOf(is, inv.Language)
	if notSubject {
		e.seller.vatID = ""
	}
	cu := inv.Customer
	e.buyer = party{name: cu.Name, street: cu.Address, city: cu.City, postcode: cu.Postcode, region: cu.Region, country: cu.Country,
		vatID: cu.VATID, endpoint: cu.Endpoint, contact: inv.BuyerContact}
	if notSubject {
		e.buyer.vatID = ""
	}
	e.payment = paymentOf(inv)
	e.paymentTerms = inv.PaymentTerms()
	for i, l := range inv.Lines {
		// a line of "not subject to VAT" has no rate (BR-O-05)
		percent := lineTax.Rate.Mul(decimal.NewFromInt(100)).String()
		if lineTax.Category == tax.NotSubject {
			percent = ""
		}
		e.lines = append(e.lines, docLine{id: strconv.Itoa(i + 1), name: l.Description, quantity: l.Quantity.Mul(sign).String(),
			unitCode: l.UnitCode, price: l.UnitPrice.String(), category: lineTax.Category, percent: percent,
			amount: l.Amount.Mul(sign)})
		e.lineTotal = e.lineTotal.Add(l.Amount.Mul(sign))
	}
	e.allowancesOf(inv, lineTax, sign)
	for _, t := range inv.Taxes {
		// the breakdown keeps its rate, 0 for O too (XRechnung's BR-DE-14)
		dt := docTax{category: t.Category, percent: t.Rate.Mul(decimal.NewFromInt(100)).String(), taxable: t.Taxable.Mul(sign), tax: t.Tax.Mul(sign)}
		if t.Category != tax.Standard {
			dt.reasonCode, dt.reason = t.Reason, t.Note
		}
		e.taxes = append(e.taxes, dt)
		e.taxTotal = e.taxTotal.Add(t.Tax.Mul(sign))
	}
	e.grandTotal = e.lineTotal.Sub(e.allowanceTotal).Add(e.taxTotal)
	if h := inv.HomeVAT; h != nil {
		e.home = &homeVAT{currency: h.Currency, vat: h.VAT.Mul(sign).StringFixed(currency.InvoicePlaces(h.Currency))}
	}
	return e
}

// allowancesOf adds inv's discount as document-level allowances, in the
// invoice's one tax category (BT-95, BT-96; no rate under O, BR-O-06).
func (e *document) allowancesOf(inv *pricing.Invoice, lineTax pricing.TaxLine, sign decimal.Decimal) {
	percent := lineTax.Rate.Mul(decimal.NewFromInt(100)).String()
	if lineTax.Category == tax.NotSubject {
		percent = ""
	}
	for _, a := range inv.Allowances {
		da := docAllowance{reason: a.Reason, code: a.Code, category: lineTax.Category, taxPercent: percent, amount: a.Amount.Mul(sign)}
		// the percentage and its base only where they give the amount to
		// the cent (PEPPOL-EN16931-R040, R042): a yen amount, rounded to
		// whole yen, may not; the amount alone is then what is stated
		if p := a.Percent; p != nil && a.Base.Mul(*p).Div(decimal.NewFromInt(100)).Sub(a.Amount).Abs().LessThanOrEqual(decimal.New(1, -2)) {
			da.percent, da.base = p.String(), a.Base.Mul(sign)
		}
		e.allowances = append(e.allowances, da)
		e.allowanceTotal = e.allowanceTotal.Add(da.amount)
	}
}
