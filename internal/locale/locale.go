package locale

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Languages are the languages documents are written in.
var Languages = []string{"en", "de"}

// texts are the documents' words by key, then language. A key missing
// in a language is a bug that the test of this package catches.
var texts = map[string]map[string]string{
	"invoice": {"en": "INVOICE", "de": "RECHNUNG"},
	// A correction of one's own invoice is a Rechnungskorrektur (Storno)
	// in German: a Gutschrift is a self-billed invoice (§ 14 Abs. 2 UStG).
	"credit_note":          {"en": "CREDIT NOTE", "de": "RECHNUNGSKORREKTUR (STORNO)"},
	"invoice_number":       {"en": "Invoice number", "de": "Rechnungsnummer"},
	"credit_number":        {"en": "Credit note number", "de": "Korrekturnummer"},
	"draft":                {"en": "Draft", "de": "Entwurf"},
	"issue_date":           {"en": "Issue date", "de": "Rechnungsdatum"},
	"due_date":             {"en": "Due date", "de": "Fällig am"},
	"cancels":              {"en": "Cancels", "de": "Storniert"},
	"replaces":             {"en": "Replaces", "de": "Ersetzt"},
	"cancelled_by":         {"en": "Cancelled by", "de": "Storniert durch"},
	"replacement_note":     {"en": "This invoice replaces invoice %s of %s, which credit note %s of %s cancels.", "de": "Diese Rechnung ersetzt die Rechnung %s vom %s, die mit der Rechnungskorrektur %s vom %s storniert wurde."},
	"of":                   {"en": "of", "de": "vom"},
	"service_period":       {"en": "Service period", "de": "Leistungszeitraum"},
	"customer":             {"en": "Customer", "de": "Kundennummer"},
	"buyer_reference":      {"en": "Your reference", "de": "Ihre Referenz"},
	"purchase_order":       {"en": "Your order", "de": "Ihre Bestellung"},
	"contract":             {"en": "Contract", "de": "Vertrag"},
	"attention":            {"en": "Attn. %s", "de": "z. Hd. %s"},
	"bill_to":              {"en": "Bill to", "de": "Rechnung an"},
	"issued_to":            {"en": "Issued to", "de": "Empfänger"},
	"vat_id":               {"en": "VAT ID", "de": "USt-IdNr."},
	"tax_number":           {"en": "Tax number", "de": "Steuernummer"},
	"description":          {"en": "Description", "de": "Beschreibung"},
	"quantity":             {"en": "Quantity", "de": "Menge"},
	"unit":                 {"en": "Unit", "de": "Einheit"},
	"unit_price":           {"en": "Unit price", "de": "Einzelpreis"},
	"amount":               {"en": "Amount", "de": "Betrag"},
	"fees":                 {"en": "Fees", "de": "Grundgebühren"},
	"usage":                {"en": "Usage", "de": "Nutzung"},
	"sla_credit":           {"en": "SLA credit", "de": "SLA-Gutschrift"},
	"net_total":            {"en": "Net total", "de": "Nettobetrag"},
	"vat":                  {"en": "VAT %s %% on %s", "de": "USt. %s %% auf %s"},
	"no_vat":               {"en": "VAT 0 %% (%s) on %s", "de": "USt. 0 %% (%s) auf %s"},
	"total":                {"en": "Total", "de": "Gesamtbetrag"},
	"credit_total":         {"en": "Total credited", "de": "Korrekturbetrag"},
	"usage_summary":        {"en": "Usage in the period", "de": "Nutzung im Zeitraum"},
	"used":                 {"en": "used", "de": "genutzt"},
	"included":             {"en": "included", "de": "inklusive"},
	"payment":              {"en": "Please pay %s by %s to %s, IBAN %s%s, quoting %s.", "de": "Bitte überweisen Sie %s bis zum %s an %s, IBAN %s%s, mit dem Verwendungszweck %s."},
	"payment_terms":        {"en": "Payment terms: %d days net.", "de": "Zahlungsbedingungen: %d Tage netto."},
	"credit_payment":       {"en": "The amount will be refunded to you or set off against your next invoice; nothing is to be paid.", "de": "Der Betrag wird Ihnen erstattet oder mit Ihrer nächsten Rechnung verrechnet; es ist nichts zu zahlen."},
	"credit_means":         {"en": "Refund or set-off by the seller", "de": "Erstattung oder Verrechnung durch den Verkäufer"},
	"draft_note":           {"en": "Draft: not an invoice. It has no number yet and is not to be paid; the issued document will be.", "de": "Entwurf: keine Rechnung. Er hat noch keine Nummer und ist nicht zu zahlen; das ausgestellte Dokument wird es sein."},
	"home_vat":             {"en": "VAT in %s: %s (the ECB's reference rate of %s: 1 %s = %s %s).", "de": "Umsatzsteuer in %s: %s (Referenzkurs der EZB vom %s: 1 %s = %s %s)."},
	"register":             {"en": "Register", "de": "Handelsregister"},
	"seat":                 {"en": "Registered office", "de": "Sitz der Gesellschaft"},
	"directors":            {"en": "Managing directors", "de": "Geschäftsführer"},
	"reverse_charge":       {"en": "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Council Directive 2006/112/EC).", "de": "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL): die Umsatzsteuer schuldet der Leistungsempfänger."},
	"not_subject":          {"en": "Not subject to VAT in %s: the place of supply is the customer's country (Art. 44 Council Directive 2006/112/EC).", "de": "Nicht im Inland steuerbar (%s): Ort der Leistung ist das Land des Leistungsempfängers (Art. 44 MwStSystRL, § 3a Abs. 2 UStG)."},
	"not_subject_consumer": {"en": "Not subject to VAT in %s: electronically supplied services to a customer who is not a business, outside the EU, are supplied where the customer is (Art. 59 Council Directive 2006/112/EC).", "de": "Nicht im Inland steuerbar (%s): Ort der auf elektronischem Weg erbrachten Leistung an einen Nichtunternehmer mit Sitz außerhalb der EU ist dessen Wohnsitz (Art. 59 MwStSystRL, § 3a Abs. 4 UStG)."},
	"reverse_short":        {"en": "reverse charge", "de": "Reverse Charge"},
	"not_subject_short":    {"en": "not subject to VAT", "de": "nicht steuerbar"},
	"fee_line":             {"en": "%s, %s", "de": "%s, %s"},
	"prorated":             {"en": "%s, %s: %d of %d days (%s – %s)", "de": "%s, %s: %d von %d Tagen (%s – %s)"},
	"usage_line":           {"en": "%s %s above the included %s %s", "de": "%s %s über den enthaltenen %s %s"},
	"usage_line_part":      {"en": "%s %s above the included %s %s × %d/%d days = %s %s", "de": "%s %s über den enthaltenen %s %s × %d/%d Tage = %s %s"},
	"p95_line":             {"en": "%s 95th percentile bandwidth (%s, %d-minute averages): %s Mbps, %s included", "de": "%s 95. Perzentil der Bandbreite (%s, %d-Minuten-Mittel): %s Mbps, %s inklusive"},
	"p95_in":               {"en": "in", "de": "eingehend"},
	"p95_out":              {"en": "out", "de": "ausgehend"},
	"p95_max":              {"en": "the larger of in and out", "de": "jeweils der höhere von ein- und ausgehend"},
	"p95_sum":              {"en": "in + out", "de": "ein- + ausgehend"},
	"sla_line":             {"en": "%s SLA credit: %s %% of the fee %s (%s uptime %s %%, below %s %%)", "de": "%s SLA-Gutschrift: %s %% der Gebühr %s (%s Verfügbarkeit %s %%, unter %s %%)"},
	"unit_month":           {"en": "month", "de": "Monat"},
	"unit_day":             {"en": "days", "de": "Tage"},
	"unit_credit":          {"en": "credit", "de": "Gutschrift"},
	"traffic":              {"en": "Daily traffic (GB): in green, out blue", "de": "Täglicher Datenverkehr (GB): eingehend grün, ausgehend blau"},
	"availability":         {"en": "Daily availability (%%), dashed the 7-day mean; line: SLA target %s %%, days below it shaded", "de": "Tägliche Verfügbarkeit (%%), gestrichelt das 7-Tage-Mittel; Linie: SLA-Ziel %s %%, darunter schattiert"},
	"page":                 {"en": "Page %d of %s", "de": "Seite %d von %s"},
}

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
	group, point := ",", "."
	if lang == "de" {
		group, point = ".", ","
	}
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

// Money is an amount in currency: €1,234.56 in English, 1.234,56 € in
// German, KWD 1,234.500 where there is no sign.
func Money(lang string, d decimal.Decimal, places int32, currency string) string {
	n := Number(lang, d, places)
	sym, ok := symbols[currency]
	switch {
	case lang == "de":
		if !ok {
			sym = currency
		}
		return n + "\u00a0" + sym
	case ok && sym != currency:
		if strings.HasPrefix(n, "-") {
			return "-" + sym + n[1:]
		}
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

// Date is a YYYY-MM-DD date in lang's way (30.11.2026 in German); a
// string that is not such a date is returned as it is.
func Date(lang, ymd string) string {
	t, err := time.Parse("2006-01-02", ymd)
	if err != nil || lang != "de" {
		return ymd
	}
	return t.Format("02.01.2006")
}
