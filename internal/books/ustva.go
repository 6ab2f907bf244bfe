package books

import (
	"cmp"

	"github.com/shopspring/decimal"
)

// UStVA lines (Kennzahlen) of the German VAT return a German issuer's
// supplies go in; docs/invoices.md#the-books gives each one's law.
const (
	Kz81 = "81" // taxable at 19 % (§ 12 Abs. 1 UStG)
	Kz86 = "86" // taxable at 7 % (§ 12 Abs. 2 UStG)
	Kz35 = "35" // taxable at another rate (its VAT: Kz 36)
	Kz21 = "21" // services to EU businesses that owe the VAT (§ 3a Abs. 2, § 18b Satz 1 Nr. 2 UStG)
	Kz45 = "45" // other supplies not taxable in Germany (place of supply abroad)
)

// kennzahlLabels are the lines as the form names them.
var kennzahlLabels = map[string]string{
	Kz81: "Steuerpflichtige Umsätze zum Steuersatz von 19 %",
	Kz86: "Steuerpflichtige Umsätze zum Steuersatz von 7 %",
	Kz35: "Umsätze, die anderen Steuersätzen unterliegen",
	Kz21: "Nicht steuerbare sonstige Leistungen gem. § 18b Satz 1 Nr. 2 UStG",
	Kz45: "Übrige nicht steuerbare Umsätze (Leistungsort nicht im Inland)",
}

// Kennzahl is the UStVA line of a supply in section at rate by an issuer
// in issuer: "" unless the issuer is German.
func Kennzahl(issuer, section string, rate decimal.Decimal) string {
	if issuer != "DE" {
		return ""
	}
	switch section {
	case Domestic:
		switch rate.String() {
		case "0.19":
			return Kz81
		case "0.07":
			return Kz86
		}
		return Kz35
	case ReverseCharge:
		return Kz21
	}
	return Kz45 // OSS and outside the EU: the place of supply is abroad
}

// UStVALine is one line of the UStVA: the taxable amounts (Bemessungs-
// grundlage) of its supplies in one currency and, on the lines of taxed
// supplies, their VAT.
type UStVALine struct {
	Kennzahl string          `json:"kennzahl"`
	Label    string          `json:"label"`
	Currency string          `json:"currency"`
	Amount   decimal.Decimal `json:"amount"`
	VAT      decimal.Decimal `json:"vat"`
}

// UStVA is the books' lines of the German VAT return, by Kennzahl; none
// for an issuer outside Germany.
func (b Books) UStVA() []UStVALine {
	return sum(b, func(e Entry, l VATLine) (UStVALine, bool) {
		return UStVALine{Kennzahl: l.Kennzahl, Label: kennzahlLabels[l.Kennzahl], Currency: e.Currency}, l.Kennzahl != ""
	}, func(t *UStVALine, l VATLine) { t.Amount, t.VAT = t.Amount.Add(l.Taxable), t.VAT.Add(l.VAT) },
		func(x, y UStVALine) int {
			return cmp.Or(cmp.Compare(kennzahlOrder[x.Kennzahl], kennzahlOrder[y.Kennzahl]), cmp.Compare(x.Currency, y.Currency))
		})
}

// kennzahlOrder is the form's order of its lines.
var kennzahlOrder = map[string]int{Kz81: 0, Kz86: 1, Kz35: 2, Kz21: 3, Kz45: 4}
