package document

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/export/einvoice"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/einvoicecheck"
	"github.com/billrun/billrun/internal/exchange"
	"github.com/billrun/billrun/internal/locale"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
)

// matrixIssuer is an issuer with everything every format needs.
const matrixIssuer = `timezone: Europe/Berlin
issuer:
  name: "OpenVPS Hosting GmbH"
  address: ["Friedrichstraße 1"]
  postcode: "10117"
  city: Berlin
  country: DE
  vat_id: DE136695976
  tax_number: "37/123/45678"
  email: billing@openvps.example
  endpoint: {scheme: "9930", id: DE136695976}
  bank: {iban: DE89370400440532013000, bic: COBADEFFXXX}
  register: {court: Amtsgericht Charlottenburg, number: HRB 123456 B}
  managing_directors: [Erika Mustermann]
  contact: {name: Max Mustermann, phone: "+49 30 1234567", email: billing@openvps.example}
  identifier: {scheme: "0088", id: "4000001123452"}
tax: {rate: "0.19"}
hosts: [{name: h, file: h.rrd}]
plans:
  - {id: EUR, name: "VPS Standard", monthly_fee: "20.00", prorate: true, metrics: {in: {unit: GB, included: "100", rate: "0.05"}}, sla: {target: 99.9, credits: [{below: 99.9, percent: "10"}]}}
  - {id: JPY, name: "VPS Standard (JPY)", monthly_fee: "3000", prorate: true, metrics: {in: {unit: GB, included: "100", rate: "7"}}, sla: {target: 99.9, credits: [{below: 99.9, percent: "10"}]}}
  - {id: KWD, name: "VPS Standard", monthly_fee: "6.50", prorate: true, metrics: {in: {unit: GB, included: "100", rate: "0.02"}}, sla: {target: 99.9, credits: [{below: 99.9, percent: "10"}]}}
  - {id: USD, name: "VPS Standard", monthly_fee: "22.00", prorate: true, metrics: {in: {unit: GB, included: "100", rate: "0.05"}}, sla: {target: 99.9, credits: [{below: 99.9, percent: "10"}]}}
customers:
`

// matrixCase is a customer of each tax case.
var matrixCases = []struct{ name, party string }{
	{"domestic", `{name: "Müller & Söhne GmbH", address: ["Hauptstraße 5"], postcode: "80331", city: München, country: DE, vat_id: DE811569869, buyer_reference: "04011000-12345-67", endpoint: {scheme: "9930", id: DE811569869}, language: de, purchase_order: "PO-2026-0815", contract: "RV-17/2025", contact: {name: Petra Müller, email: einkauf@mueller.example}, discount: {amount: "5", reason: "Treuerabatt"}}`},
	{"eu-reverse", `{name: "Ωmega Ltd", address: ["1 Main St"], postcode: "D02 X285", city: Dublin, country: IE, vat_id: IE1234567T, buyer_reference: PO-77, endpoint: {scheme: "9935", id: IE1234567T}}`},
	{"non-eu", `{name: "Acme Inc.", address: ["1 Infinite Loop", "Suite 5"], postcode: "95014", city: Cupertino, region: CA, country: US, buyer_reference: "4711", endpoint: {scheme: "0060", id: "123456789"}, discount: {percent: "7.5", reason: "Volume", code: "104"}}`},
	// the contract's own terms: its price, a discount, a one-off and a
	// recurring charge, in French, under reverse charge
	{"deal", `{name: "Société Générale d'Hébergement SAS", address: ["12 rue de la Paix"], postcode: "75002", city: Paris, country: FR, vat_id: FR40303265045, language: fr, buyer_reference: "SGH-ACHATS", endpoint: {scheme: "9957", id: FR40303265045}, purchase_order: "BC-2026-114", contract: "CT-2025-09", price: {monthly_fee: "15", metrics: {in: {unit: GB, included: "50", rate: "1"}}}, discount: {percent: "10", reason: "Remise contractuelle"}, charges: [{description: "Frais de mise en service", amount: "40", from: 2026-10, until: 2026-11}, {description: "Adresse IPv4 supplémentaire", amount: "2", from: 2026-09}]}`},
}

var matrixFormats = []string{"xrechnung-ubl", "xrechnung-cii", "peppol", "facturx"}

// matrixRates are the ECB's rates the matrix's domestic invoices in
// other currencies state their VAT in EUR at: October 2026 ends on a
// Saturday, so Friday's. The ECB does not quote KWD: an operator adds the
// column (docs/invoices.md).
const matrixRates = `Date,USD,JPY,KWD,
2026-11-02,1.0611,162.10,0.3260,
2026-10-30,1.0523,161.25,0.3231,
2026-10-29,1.0511,160.90,0.3229,
`

// matrixInvoices are an invoice, its credit note and its replacement for
// every tax case × format × currency (EUR, JPY with no decimals, KWD with
// three), priced
// from made-up figures: a full and a prorated VPS, usage above the
// allowance, an SLA credit.
func matrixInvoices(t *testing.T) []pricing.Invoice {
	t.Helper()
	var y strings.Builder
	y.WriteString(matrixIssuer)
	fig := pricing.Figures{Usage: map[string]*report.VPSUsage{}, Hosts: map[string]*report.HostSLA{"h": {Name: "h", UptimePct: 99.5}}}
	n := 0
	for _, c := range matrixCases {
		for _, f := range matrixFormats {
			currencies := []string{"EUR", "JPY", "KWD"}
			if c.name == "domestic" {
				currencies = append(currencies, "USD") // VAT also in EUR (BT-6, BT-111)
			}
			for _, cur := range currencies {
				n++
				id := fmt.Sprintf("%s-%s-%s", c.name, f, cur)
				party := strings.TrimSuffix(c.party, "}")
				fmt.Fprintf(&y, "  - %s, id: %s, currency: %s, plan: %s, einvoice: %s, vps: [{name: a%d, host: h}, {name: b%d, active_from: 2026-10-15}]}\n", party, id, cur, cur, f, n, n)
				for _, v := range []string{fmt.Sprintf("a%d", n), fmt.Sprintf("b%d", n)} {
					fig.Usage[v] = &report.VPSUsage{Name: v, Metrics: report.Metrics{{Name: "in", Unit: "bytes", Total: 123.456789e9 + report.Num(n)*1e9, Coverage: 1}}}
				}
			}
		}
	}
	y.WriteString("metrics: [{name: in, ds: [vs_in], kind: counter, unit: bytes}]\n")
	cfg, err := config.Parse([]byte(y.String()), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := period.Month(2026, time.October, cfg.Location())
	book := pricing.BookOf(cfg)
	if book.Rates, err = exchange.Parse([]byte(matrixRates), "eurofxref-hist.csv"); err != nil {
		t.Fatal(err)
	}
	invs, problems := pricing.Build(book, p, fig)
	if len(invs) != n {
		t.Fatalf("%d invoices of %d customers: %v", len(invs), n, problems)
	}
	var out []pricing.Invoice
	for i, inv := range invs {
		inv.Number, inv.Status, inv.IssueDate, inv.DueDate = fmt.Sprintf("INV-2026-%05d", 3*i+1), pricing.StatusIssued, "2026-11-02", "2026-11-16"
		cn := pricing.CreditNote(inv, fmt.Sprintf("INV-2026-%05d", 3*i+2))
		cn.Status, cn.IssueDate, cn.DueDate = pricing.StatusIssued, "2026-11-20", "2026-11-20"
		// the replacement: refers to the invoice it replaces and the
		// credit note that cancels it
		re := inv
		re.Number, re.IssueDate, re.DueDate = fmt.Sprintf("INV-2026-%05d", 3*i+3), "2026-11-20", "2026-12-04"
		re.Corrects = &pricing.Reference{Number: inv.Number, IssueDate: inv.IssueDate}
		re.CancelledBy = &pricing.Reference{Number: cn.Number, IssueDate: cn.IssueDate}
		out = append(out, inv, cn, re)
	}
	return out
}

// writeEInvoice writes inv's e-invoice into dir, named for its number,
// customer and kind, and returns the file.
func writeEInvoice(t *testing.T, dir string, inv *pricing.Invoice) string {
	t.Helper()
	var b bytes.Buffer
	var err error
	ext := ".xml"
	switch inv.EInvoice {
	case "xrechnung-ubl", "peppol":
		err = einvoice.UBL(&b, inv)
	case "xrechnung-cii":
		err = einvoice.CII(&b, inv)
	case "facturx":
		ext, err = ".pdf", FacturX(&b, goFonts.Prepare(inv), nil)
	}
	if err != nil {
		t.Fatalf("%s: %v", inv.Number, err)
	}
	f := filepath.Join(dir, inv.Number+"-"+inv.CustomerID+"-"+inv.Kind+ext)
	if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// Every e-invoice of the matrix passes the official rules: the XSD, the
// CEN EN 16931 schematron, and XRechnung's or Peppol's where they apply,
// with no fatal or error rule failing.
func TestEInvoicesValid(t *testing.T) {
	einvoicecheck.Need(t)
	dir := t.TempDir()
	var files []string
	invs := matrixInvoices(t)
	for i := range invs {
		files = append(files, writeEInvoice(t, dir, &invs[i]))
	}
	if len(files) != 156 {
		t.Fatalf("%d documents, want (4 customers × 3 currencies + a domestic one in USD) × 4 formats × invoice, credit note and replacement", len(files))
	}
	for f, failed := range einvoicecheck.Failures(t, files...) {
		if len(failed) > 0 {
			t.Errorf("%s:\n  %s", filepath.Base(f), strings.Join(failed, "\n  "))
		}
	}
}

// Broken on purpose, a document fails the rule that guards what was
// broken: the check above cannot pass vacuously.
func TestEInvoiceBrokenFails(t *testing.T) {
	einvoicecheck.Need(t)
	dir := t.TempDir()
	invs := matrixInvoices(t)
	pick := func(customer, kind string) *pricing.Invoice {
		for i := range invs {
			if invs[i].CustomerID == customer && invs[i].Kind == kind {
				return &invs[i]
			}
		}
		t.Fatalf("no %s %s", customer, kind)
		return nil
	}
	breaks := []struct {
		customer, kind, old, new, rule string
	}{
		{"domestic-xrechnung-ubl-EUR", "invoice", "<cbc:BuyerReference>04011000-12345-67</cbc:BuyerReference>", "", "BR-DE-15"},
		{"domestic-xrechnung-cii-EUR", "invoice", "<ram:BuyerReference>04011000-12345-67</ram:BuyerReference>", "", "BR-DE-15"},
		{"eu-reverse-peppol-EUR", "invoice", `<cbc:LineExtensionAmount currencyID="EUR">20.00</cbc:LineExtensionAmount>`, `<cbc:LineExtensionAmount currencyID="EUR">21.00</cbc:LineExtensionAmount>`, "BR-CO-10"},
		{"non-eu-xrechnung-cii-JPY", "credit_note", "<ram:LineTotalAmount>3000</ram:LineTotalAmount>", "<ram:LineTotalAmount>3001</ram:LineTotalAmount>", "BR-CO-10"},
		{"domestic-peppol-EUR", "invoice", `<cbc:ID>S</cbc:ID>`, `<cbc:ID>AE</cbc:ID>`, "BR-AE"},
	}
	var files []string
	for i, b := range breaks {
		f := writeEInvoice(t, dir, pick(b.customer, b.kind))
		x, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(x, []byte(b.old)) {
			t.Fatalf("%s has no %s", f, b.old)
		}
		broken := filepath.Join(dir, fmt.Sprintf("broken-%d.xml", i))
		if err := os.WriteFile(broken, bytes.Replace(x, []byte(b.old), []byte(b.new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, broken)
	}
	got := einvoicecheck.Failures(t, files...)
	for i, b := range breaks {
		if !strings.Contains(strings.Join(got[files[i]], "\n"), b.rule) {
			t.Errorf("%s with %q → %q: %s did not fail; failed: %v", b.customer, b.old, b.new, b.rule, got[files[i]])
		}
	}
}

// The PDF a person reads and the XML a machine reads say the same: the
// number, the totals and the VAT of its category, to the cent, in each
// format, language and currency (for Factur-X both are one file; for the
// XML formats the PDF issued beside it).
func TestPDFAndXMLAgree(t *testing.T) {
	needPDFToText(t)
	dir := t.TempDir()
	for _, inv := range matrixInvoices(t) {
		pdf := filepath.Join(dir, inv.Number+".pdf")
		x := writeEInvoice(t, dir, &inv)
		if inv.EInvoice == "facturx" {
			pdf = x
		} else {
			var b bytes.Buffer
			if err := PDF(&b, goFonts.Prepare(&inv), nil); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(pdf, b.Bytes(), 0o644)
		}
		text, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		var doc []byte
		if inv.EInvoice == "facturx" {
			var b bytes.Buffer
			if err := einvoice.CII(&b, &inv); err != nil {
				t.Fatal(err)
			}
			doc = b.Bytes()
		} else if doc, err = os.ReadFile(x); err != nil {
			t.Fatal(err)
		}
		// the same figures, wherever each syntax keeps them
		var cii struct {
			ID      string      `xml:"ExchangedDocument>ID"`
			Lines   string      `xml:"SupplyChainTradeTransaction>ApplicableHeaderTradeSettlement>SpecifiedTradeSettlementHeaderMonetarySummation>LineTotalAmount"`
			Tax     []xmlAmount `xml:"SupplyChainTradeTransaction>ApplicableHeaderTradeSettlement>SpecifiedTradeSettlementHeaderMonetarySummation>TaxTotalAmount"`
			TaxCur  string      `xml:"SupplyChainTradeTransaction>ApplicableHeaderTradeSettlement>TaxCurrencyCode"`
			Grand   string      `xml:"SupplyChainTradeTransaction>ApplicableHeaderTradeSettlement>SpecifiedTradeSettlementHeaderMonetarySummation>GrandTotalAmount"`
			Basis   string      `xml:"SupplyChainTradeTransaction>ApplicableHeaderTradeSettlement>ApplicableTradeTax>BasisAmount"`
			TaxCode string      `xml:"SupplyChainTradeTransaction>ApplicableHeaderTradeSettlement>ApplicableTradeTax>CategoryCode"`
		}
		var ubl struct {
			ID      string      `xml:"ID"`
			Lines   string      `xml:"LegalMonetaryTotal>LineExtensionAmount"`
			Tax     []xmlAmount `xml:"TaxTotal>TaxAmount"`
			TaxCur  string      `xml:"TaxCurrencyCode"`
			Grand   string      `xml:"LegalMonetaryTotal>PayableAmount"`
			Basis   string      `xml:"TaxTotal>TaxSubtotal>TaxableAmount"`
			TaxCode string      `xml:"TaxTotal>TaxSubtotal>TaxCategory>ID"`
		}
		got := map[string]string{}
		var id, code, taxCur string
		var taxes []xmlAmount
		if strings.Contains(inv.EInvoice, "cii") || inv.EInvoice == "facturx" {
			if err := xml.Unmarshal(doc, &cii); err != nil {
				t.Fatal(err)
			}
			got = map[string]string{"net": cii.Lines, "total": cii.Grand, "taxable": cii.Basis}
			id, code, taxes, taxCur = cii.ID, cii.TaxCode, cii.Tax, cii.TaxCur
		} else {
			if err := xml.Unmarshal(doc, &ubl); err != nil {
				t.Fatal(err)
			}
			got = map[string]string{"net": ubl.Lines, "total": ubl.Grand, "taxable": ubl.Basis}
			id, code, taxes, taxCur = ubl.ID, ubl.TaxCode, ubl.Tax, ubl.TaxCur
		}
		// the VAT total in the invoice's currency, and in the home
		// currency (BT-111) when the invoice states it
		home := ""
		if h := inv.HomeVAT; h != nil {
			home = h.Currency
		}
		for _, tx := range taxes {
			switch tx.Currency {
			case inv.Currency:
				got["VAT"] = tx.Value
			case home:
				got["VAT in "+home] = tx.Value
			default:
				t.Errorf("%s: a VAT total in %q", inv.Number, tx.Currency)
			}
		}
		wantTotals := 1
		if home != "" {
			wantTotals = 2
		}
		if taxCur != home || len(taxes) != wantTotals {
			t.Errorf("%s: VAT accounting currency %q and %d totals, want %q", inv.Number, taxCur, len(taxes), home)
		}
		sign := decimal.NewFromInt(1)
		if inv.Kind == pricing.KindCreditNote {
			sign = sign.Neg() // the XML credits positive amounts; the PDF shows the reversal
		}
		places := pricing.MinorUnits(inv.Currency)
		for what, v := range got {
			if v == "" {
				t.Fatalf("%s (%s): no %s in the XML", inv.Number, inv.EInvoice, what)
			}
			d := decimal.RequireFromString(v).Mul(sign)
			money := locale.Money(inv.Language, d, places, inv.Currency)
			if what == "VAT in "+home {
				money = locale.Money(inv.Language, d, pricing.MinorUnits(home), home)
				if !d.Equal(inv.HomeVAT.VAT) {
					t.Errorf("%s: the XML's VAT in %s is %s, the invoice's %s", inv.Number, home, d, inv.HomeVAT.VAT)
				}
			}
			// pdftotext gives the no-break space as a space, or none
			// between a single digit and a sign ("0¥")
			nospace := strings.NewReplacer("\u00a0", "", " ", "")
			want := strings.ReplaceAll(money, "\u00a0", " ")
			if !strings.Contains(nospace.Replace(string(text)), nospace.Replace(money)) {
				t.Errorf("%s (%s %s): the XML's %s %s is not in the PDF as %q", inv.Number, inv.CustomerID, inv.Kind, what, v, want)
			}
		}
		if id != inv.Number || !strings.Contains(string(text), inv.Number) || code != inv.Taxes[0].Category {
			t.Errorf("%s: XML number %s, category %s", inv.Number, id, code)
		}
	}
}

// xmlAmount is an amount with its currency, in either syntax.
type xmlAmount struct {
	Currency string `xml:"currencyID,attr"`
	Value    string `xml:",chardata"`
}

// The Factur-X PDFs of the matrix, invoice and credit note of every tax
// case and currency (the EU case's customer has a Greek name), are PDFs
// that PDF/A tools accept: qpdf
// --check without a warning and PDFBox's Preflight without an error but
// those where PDF/A-3 deliberately differs from PDF/A-1 (validate
// --pdfa); the Info dictionary names the title, producer and dates the
// XMP holds.
func TestFacturXIsPDFA(t *testing.T) {
	einvoicecheck.Need(t)
	dir := t.TempDir()
	if d := os.Getenv("BILLRUN_KEEP_PDFA"); d != "" {
		dir = d
	}
	var files []string
	invs := matrixInvoices(t)
	for i := range invs {
		if invs[i].EInvoice == "facturx" {
			files = append(files, writeEInvoice(t, dir, &invs[i]))
		}
	}
	if len(files) != 39 {
		t.Fatalf("%d Factur-X PDFs, want (4 customers × 3 currencies + USD) × 3 kinds", len(files))
	}
	for f, failed := range einvoicecheck.PDFAFailures(t, files...) {
		if len(failed) > 0 {
			t.Errorf("%s:\n  %s", filepath.Base(f), strings.Join(failed, "\n  "))
		}
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/Info ", "/Title <FEFF", "<pdf:Producer>billrun</pdf:Producer>", "/Producer (billrun)", "/Params << /ModDate (D:"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s has no %q", files[0], want)
		}
	}
}

// Corrections say what they are in the law's words: a German credit note
// is a "Rechnungskorrektur (Storno)" that names the invoice it cancels and
// is addressed to, not billed to, the customer (a "Gutschrift" would be a
// self-billed invoice, § 14 Abs. 2 UStG); its payment text and e-invoice
// say the amount is refunded or set off (means 97, no account of the
// seller); the replacement names the invoice it replaces and the credit
// note that cancels it, in the PDF and in the e-invoice's note. A country
// is named in the customer's language.
func TestCorrectionWords(t *testing.T) {
	needPDFToText(t)
	dir := t.TempDir()
	text := func(inv *pricing.Invoice) string { return renderedText(t, dir, inv) }
	xmlOf := func(inv *pricing.Invoice) string {
		var b bytes.Buffer
		if err := einvoice.CII(&b, inv); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	check := func(what, got string, want, not []string) {
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%.1500s", what, w, got)
			}
		}
		for _, n := range not {
			if strings.Contains(got, n) {
				t.Errorf("%s has %q", what, n)
			}
		}
	}
	invs := matrixInvoices(t)
	seen := 0
	for i := 0; i < len(invs); i += 3 {
		inv, cn, re := &invs[i], &invs[i+1], &invs[i+2]
		if inv.CustomerID != "domestic-xrechnung-cii-EUR" && inv.CustomerID != "non-eu-xrechnung-cii-EUR" {
			continue
		}
		seen++
		iban := inv.Issuer.Bank.IBAN
		if inv.Language == "de" {
			check(cn.Number, text(cn), []string{"RECHNUNGSKORREKTUR (STORNO)", "Storniert " + inv.Number + " vom 02.11.2026", "Empfänger",
				"Der Betrag wird Ihnen erstattet oder mit Ihrer nächsten Rechnung verrechnet"}, []string{"GUTSCHRIFT", "Rechnung an", "Bitte überweisen"})
			check(re.Number, text(re), []string{"RECHNUNG", "Ersetzt " + inv.Number + " vom 02.11.2026", "Storniert durch " + cn.Number + " vom 20.11.2026", "Rechnung an"}, nil)
			check(re.Number+" XML", xmlOf(re), []string{"ersetzt die Rechnung " + inv.Number + " vom 02.11.2026, die mit der Rechnungskorrektur " + cn.Number}, nil)
		} else {
			check(cn.Number, text(cn), []string{"CREDIT NOTE", "Cancels " + inv.Number, "Issued to", "refunded to you or set off", "United States"}, []string{"Bill to"})
			check(re.Number, text(re), []string{"Replaces " + inv.Number, "Cancelled by " + cn.Number}, nil)
			de := *inv
			de.Language = "de"
			check("German "+inv.Number, text(&de), []string{"Vereinigte Staaten", "Sitz der Gesellschaft: Berlin", "Geschäftsführer: Erika Mustermann"}, []string{"Managing directors"})
		}
		check(cn.Number+" XML", xmlOf(cn), []string{"<ram:TypeCode>97</ram:TypeCode>"}, []string{iban, "<ram:PaymentReference>"})
		check(inv.Number+" XML", xmlOf(inv), []string{"<ram:TypeCode>58</ram:TypeCode>", iban}, nil)
	}
	if seen != 2 {
		t.Errorf("%d cases checked, want the German and the English", seen)
	}
}

// An invoice in another currency than the issuer's (EUR) with VAT states
// the VAT in EUR too, at the ECB's rate of the period's last day or the
// business day before it, with the rate and its day printed; one in EUR,
// or without VAT (reverse charge, outside the EU), does not.
func TestHomeCurrencyVAT(t *testing.T) {
	seen := 0
	for _, inv := range matrixInvoices(t) {
		h := inv.HomeVAT
		foreign := inv.Currency != "EUR" && inv.Taxes[0].Category == "S"
		if (h != nil) != foreign {
			t.Errorf("%s (%s, %s): home VAT %+v", inv.Number, inv.Currency, inv.Taxes[0].Category, h)
			continue
		}
		if h == nil || inv.Currency != "USD" || inv.Kind != pricing.KindInvoice {
			continue
		}
		seen++
		want := inv.Taxes[0].Tax.DivRound(decimal.RequireFromString("1.0523"), 12).Round(2)
		if h.Currency != "EUR" || h.Rate.String() != "1.0523" || h.RateDay != "2026-10-30" || !h.VAT.Equal(want) {
			t.Errorf("%s: home VAT %+v, want %s EUR at 1.0523 of 2026-10-30", inv.Number, h, want)
		}
		needPDFToText(t)
		text := strings.ReplaceAll(renderedText(t, t.TempDir(), &inv), "\u00a0", " ")
		line := "Umsatzsteuer in EUR: " + strings.ReplaceAll(locale.Money("de", want, 2, "EUR"), "\u00a0", " ") + " (Referenzkurs der EZB vom 30.10.2026: 1 EUR = 1,0523 USD)."
		if !strings.Contains(text, line) {
			t.Errorf("%s: the PDF lacks %q:\n%s", inv.Number, line, text)
		}
	}
	if seen != 8 {
		t.Errorf("%d USD invoices and replacements with VAT in EUR, want 8", seen)
	}
}

// renderedText is inv's PDF, written into dir, as pdftotext reads it
// (layout kept), its runs of white space one space each.
func renderedText(t *testing.T, dir string, inv *pricing.Invoice) string {
	t.Helper()
	path := filepath.Join(dir, inv.Number+"-"+inv.Language+".pdf")
	var b bytes.Buffer
	if err := PDF(&b, goFonts.Prepare(inv), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// needPDFToText skips a test without pdftotext, and fails it under CI,
// where make deps installs it.
func needPDFToText(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing (make deps installs poppler-utils)")
		}
		t.Skip("no pdftotext")
	}
}

// The contract's own terms reach both documents: the purchase order
// (BT-13), the contract (BT-12), the buyer's contact (BG-9), the seller's
// identifier (BT-29), a US address's state (BT-54), a discount (BG-20)
// and extra charges, in UBL and CII, and in the PDF ("Cupertino, CA
// 95014", "Remise : Remise contractuelle (10 %)").
func TestContractTerms(t *testing.T) {
	needPDFToText(t)
	dir := t.TempDir()
	seen := 0
	for _, inv := range matrixInvoices(t) {
		if inv.Kind != pricing.KindInvoice || inv.Currency != "EUR" || inv.Corrects != nil || !strings.HasSuffix(inv.EInvoice, "-ubl") && inv.EInvoice != "xrechnung-cii" {
			continue
		}
		seen++
		x, err := os.ReadFile(writeEInvoice(t, dir, &inv))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		ubl := inv.EInvoice == "xrechnung-ubl"
		switch {
		case ubl:
			want = []string{`<cac:PartyIdentification><cbc:ID schemeID="0088">4000001123452</cbc:ID></cac:PartyIdentification>`}
		default:
			want = []string{`<ram:GlobalID schemeID="0088">4000001123452</ram:GlobalID>`}
		}
		text := renderedText(t, dir, &inv)
		var pdfWant []string
		switch {
		case strings.HasPrefix(inv.CustomerID, "domestic") && ubl:
			want = append(want, `<cac:OrderReference><cbc:ID>PO-2026-0815</cbc:ID></cac:OrderReference>`, `<cac:ContractDocumentReference><cbc:ID>RV-17/2025</cbc:ID></cac:ContractDocumentReference>`,
				`<cac:Contact><cbc:Name>Petra Müller</cbc:Name><cbc:ElectronicMail>einkauf@mueller.example</cbc:ElectronicMail></cac:Contact>`)
			pdfWant = []string{"Ihre Bestellung PO-2026-0815", "Vertrag RV-17/2025", "z. Hd. Petra Müller"}
		case strings.HasPrefix(inv.CustomerID, "domestic"):
			want = append(want, `<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-2026-0815</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>`,
				`<ram:ContractReferencedDocument><ram:IssuerAssignedID>RV-17/2025</ram:IssuerAssignedID></ram:ContractReferencedDocument>`, `<ram:PersonName>Petra Müller</ram:PersonName>`)
		case strings.HasPrefix(inv.CustomerID, "non-eu") && ubl:
			want = append(want, `<cbc:PostalZone>95014</cbc:PostalZone><cbc:CountrySubentity>CA</cbc:CountrySubentity>`)
			pdfWant = []string{"Cupertino, CA 95014 United States"}
		case strings.HasPrefix(inv.CustomerID, "non-eu"):
			want = append(want, `<ram:CountryID>US</ram:CountryID><ram:CountrySubDivisionName>CA</ram:CountrySubDivisionName>`)
		case strings.HasPrefix(inv.CustomerID, "deal") && ubl:
			want = append(want, `<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode><cbc:AllowanceChargeReason>Remise contractuelle</cbc:AllowanceChargeReason><cbc:MultiplierFactorNumeric>10</cbc:MultiplierFactorNumeric>`,
				`<cbc:Name>Frais de mise en service</cbc:Name>`, `<cbc:Name>Adresse IPv4 supplémentaire</cbc:Name>`, `<cbc:AllowanceTotalAmount currencyID="EUR">`)
			pdfWant = []string{"Remise : Remise contractuelle (10 %)", "Total des lignes", "Frais de mise en service 1 forfait", "Adresse IPv4 supplémentaire"}
		case strings.HasPrefix(inv.CustomerID, "deal"):
			want = append(want, `<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator><ram:CalculationPercent>10</ram:CalculationPercent>`,
				`<ram:ReasonCode>95</ram:ReasonCode><ram:Reason>Remise contractuelle</ram:Reason>`, `<ram:AllowanceTotalAmount>`)
		}
		if strings.HasPrefix(inv.CustomerID, "domestic") && ubl {
			// a fixed discount states no percentage and no base
			want = append(want, `<cbc:AllowanceChargeReason>Treuerabatt</cbc:AllowanceChargeReason><cbc:Amount currencyID="EUR">5.00</cbc:Amount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>`)
			pdfWant = append(pdfWant, "Rabatt: Treuerabatt")
		}
		compact := strings.Join(strings.Fields(string(x)), "")
		for _, w := range want {
			if !strings.Contains(compact, strings.Join(strings.Fields(w), "")) {
				t.Errorf("%s (%s): the XML lacks %s", inv.Number, inv.CustomerID, w)
			}
		}
		for _, w := range pdfWant {
			if !strings.Contains(text, w) {
				t.Errorf("%s (%s): the PDF lacks %q:\n%s", inv.Number, inv.CustomerID, w, text)
			}
		}
	}
	if seen != 8 {
		t.Errorf("%d invoices checked, want 4 customers × UBL and CII", seen)
	}
}
